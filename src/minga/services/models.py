"""A service people can go to: who runs it, what it does, for whom, when it is open and how to reach it.

No personal data of refugees or migrants is kept here, by design: a service describes itself (its own
address, telephone and opening hours), never the people it served. Lists (types, populations, languages)
are stored as ",code,code," so that one indexed-free ``LIKE`` filters them on SQLite and PostgreSQL
alike once the location's bounding box (indexed) has narrowed the rows.
"""

import re
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.common.formatting import time_zones_of
from minga.portfolio.models import Project
from minga.reference.models import Country, Municipality, Organisation, Subdivision
from minga.reference.translated import PerLanguage
from minga.services.vocabulary import DAYS, SPOKEN_LANGUAGES, TIME_ZONES, Population, ServiceType

STALE_AFTER = timedelta(days=183)  # six months without a check: the page says so, the provider is told
_HOUR = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,24}$")


def codes(stored: str) -> list[str]:
    return [code for code in (stored or "").split(",") if code]


def stored_codes(values) -> str:
    values = sorted(dict.fromkeys(v for v in values if v))
    return f",{','.join(values)}," if values else ""


class Service(PerLanguage, EditableRecord):
    # The service's identifier in HSDS exchanges: kept from an imported package, so importing it again
    # updates the same services instead of adding copies.
    hsds_id = models.UUIDField(_("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Organisation, verbose_name=_("provider"), on_delete=models.PROTECT,
                                 related_name="+")
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_pt = models.TextField(_("description (Portuguese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    types = models.CharField(_("types"), max_length=300)
    populations = models.CharField(_("people served"), max_length=200)
    languages = models.CharField(_("languages spoken"), max_length=100, blank=True)
    # [{"day": "monday", "opens": "08:00", "closes": "17:00"}, …]; an empty list: hours not known.
    hours = models.JSONField(_("opening hours"), default=list, blank=True)
    open_always = models.BooleanField(_("open 24 hours, every day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=40, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    fees = models.CharField(_("fees"), max_length=200, blank=True)
    eligibility_es = models.TextField(_("who may use it (Spanish)"), blank=True)
    eligibility_pt = models.TextField(_("who may use it (Portuguese)"), blank=True)
    eligibility_en = models.TextField(_("who may use it (English)"), blank=True)
    documents_es = models.TextField(_("documents needed (Spanish)"), blank=True)
    documents_pt = models.TextField(_("documents needed (Portuguese)"), blank=True)
    documents_en = models.TextField(_("documents needed (English)"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    whatsapp = models.CharField(_("WhatsApp"), max_length=30, blank=True)
    email = models.CharField(_("e-mail"), max_length=200, blank=True, validators=[EmailValidator()])
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), on_delete=models.PROTECT,
                                    related_name="+")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("portfolio project"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    last_verified_on = models.DateField(_("last verified"))
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name_es", "pk"]
        # The radius search narrows by this box first (bench/service_search.py).
        indexes = [models.Index(fields=["latitude", "longitude"], name="service_location")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.text_in("name")[0]

    def get_absolute_url(self):
        return reverse("services:detail", args=[self.pk])

    @property
    def type_codes(self) -> list[str]:
        return codes(self.types)

    @property
    def population_codes(self) -> list[str]:
        return codes(self.populations)

    @property
    def language_codes(self) -> list[str]:
        return codes(self.languages)

    @property
    def type_labels(self) -> list[str]:
        labels = dict(ServiceType.choices)
        return [str(labels[code]) for code in self.type_codes if code in labels]

    @property
    def population_labels(self) -> list[str]:
        labels = dict(Population.choices)
        return [str(labels[code]) for code in self.population_codes if code in labels]

    @property
    def language_labels(self) -> list[str]:
        return [SPOKEN_LANGUAGES.get(code, code) for code in self.language_codes]

    def is_stale(self, today: date) -> bool:
        return self.last_verified_on < today - STALE_AFTER

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or TIME_ZONES.get(self.country_id, "UTC"))

    def is_open_at(self, moment: datetime) -> bool | None:
        """Open at ``moment`` in the service's own time zone; None when its hours are not known."""
        if self.open_always:
            return True
        if not self.hours:
            return None
        local = moment.astimezone(self.zone())
        day, now = DAYS[local.weekday()], local.time().replace(second=0, microsecond=0)
        return any(slot["day"] == day and time.fromisoformat(slot["opens"]) <= now < time.fromisoformat(slot["closes"])
                   for slot in self.hours)

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if not (self.name_es or self.name_pt or self.name_en):
            errors["name_es"] = [_("Give the service's name in at least one language.")]
        for field, allowed in (("types", ServiceType.values), ("populations", Population.values),
                               ("languages", list(SPOKEN_LANGUAGES))):
            unknown = [code for code in codes(getattr(self, field)) if code not in allowed]
            if unknown:
                errors[field] = [_("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}]
        if not codes(self.types):
            errors["types"] = [_("Choose at least one type.")]
        if not codes(self.populations):
            errors["populations"] = [_("Choose at least one group of people served.")]
        if not _hours_valid(self.hours):
            errors["hours"] = [_("Opening hours are a day, an opening and a closing time (HH:MM), closing after "
                                 "opening.")]
        if self.time_zone and self.time_zone not in available_timezones():
            errors["time_zone"] = [_("Unknown time zone.")]
        elif self.time_zone and self.country_id and self.time_zone not in time_zones_of(self.country.iso2):
            # Its hours are read in it: a zone of another country would put "open now" hours off.
            errors["time_zone"] = [_("This time zone is not one of the country's.")]
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = [_("A latitude is between -90 and 90.")]
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = [_("A longitude is between -180 and 180.")]
        for field in ("phone", "whatsapp"):
            if getattr(self, field) and not _PHONE.match(getattr(self, field)):
                errors[field] = [_("A telephone number: digits, spaces, +, brackets and hyphens only.")]
        if self.subdivision_id and self.country_id and self.subdivision.country_id != self.country_id:
            errors["subdivision"] = [_("The subdivision is not in the service's country.")]
        if self.municipality_id and self.subdivision_id and self.municipality.subdivision_id != self.subdivision_id:
            errors["municipality"] = [_("The municipality is not in the service's subdivision.")]
        if self.is_free and self.fees:
            errors["fees"] = [_("A free service has no fees.")]
        if errors:
            raise ValidationError(errors)


def _hours_valid(hours) -> bool:
    if not isinstance(hours, list):
        return False
    for slot in hours:
        if not (isinstance(slot, dict) and set(slot) == {"day", "opens", "closes"} and slot["day"] in DAYS
                and isinstance(slot["opens"], str) and isinstance(slot["closes"], str)
                and _HOUR.match(slot["opens"]) and _HOUR.match(slot["closes"]) and slot["opens"] < slot["closes"]):
            return False
    return True
