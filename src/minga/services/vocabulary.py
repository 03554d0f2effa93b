"""The directory's own lists: what a service does, whom it serves, and each member state's time zone.

The codes are the HSDS taxonomy terms Minga exports (taxonomy ``minga-service-types`` and
``minga-populations``); the labels follow the RMRP sectors and the 2023 declaration's wording.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Reception and shelter")
    GBV = "gbv", _("Gender-based violence response")
    SRH = "srh", _("Sexual and reproductive health")
    HEALTH = "health", pgettext_lazy("service type", "Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    LEGAL = "legal", _("Legal aid and documentation")
    REGULARIZATION = "regularization", _("Regularization procedures")
    FOOD = "food", pgettext_lazy("service type", "Food")
    CASH = "cash", pgettext_lazy("service type", "Cash")
    WASH = "wash", _("Water and hygiene")
    EDUCATION = "education", pgettext_lazy("service type", "Education")
    EMPLOYMENT = "employment", pgettext_lazy("service type", "Employment")
    INFORMATION = "information", _("Information and orientation (Support Spaces)")


class Population(models.TextChoices):
    WOMEN = "women", _("Women")
    GIRLS = "girls", _("Girls")
    ADOLESCENTS = "adolescents", _("Adolescents")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied or separated children")
    LGBTIQ = "lgbtiq", _("LGBTIQ+ persons")
    DISABILITIES = "disabilities", _("Persons with disabilities")
    OLDER = "older", _("Older persons")
    EVERYONE = "everyone", _("Everyone")


# The languages a service may say it speaks (ISO 639-1 / 639-3 for Wayuunaiki and Warao).
SPOKEN_LANGUAGES = {"es": "español", "pt": "português", "en": "English", "fr": "français",
                    "ht": "kreyòl ayisyen", "guc": "wayuunaiki", "wba": "warao"}

# Each member state's (main) time zone: "open now" is the service's local time, not the reader's.
# Brazil and Mexico have several; a service there names its own (Service.time_zone).
TIME_ZONES = {
    "ARG": "America/Argentina/Buenos_Aires", "BRA": "America/Sao_Paulo", "CHL": "America/Santiago",
    "COL": "America/Bogota", "CRI": "America/Costa_Rica", "DOM": "America/Santo_Domingo",
    "ECU": "America/Guayaquil", "GUY": "America/Guyana", "MEX": "America/Mexico_City", "PAN": "America/Panama",
    "PRY": "America/Asuncion", "PER": "America/Lima", "URY": "America/Montevideo", "VEN": "America/Caracas",
}

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
