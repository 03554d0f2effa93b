"""The disaggregation of a people indicator's report: its dimensions and their categories, in one table.

The form, the service's checks and the pages read this table; a report stores ``{dimension: {category: n}}``.
Each dimension given must add up to the report's total, unless the reporter marks it partial (then its parts
may add up to less, never to more).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "sex": (pgettext_lazy("disaggregation", "Sex"), {
        "female": pgettext_lazy("sex", "Female"),
        "male": pgettext_lazy("sex", "Male"),
    }),
    "age": (pgettext_lazy("disaggregation", "Age group"), {
        "0-17": _("0 to 17 years"),
        "18-59": _("18 to 59 years"),
        "60+": _("60 years and over"),
    }),
    "population": (pgettext_lazy("disaggregation", "Population group"), {
        "refugees_migrants": _("Refugees and migrants"),
        "host_community": _("Host community"),
        "returnees": _("Returnees"),
        "in_transit": _("People in transit"),
    }),
}


def field_name(dimension: str, category: str) -> str:
    """The form's (and the template's) field for one category: ``by_age_0_17``."""
    return "by_" + dimension + "_" + category.replace("-", "_").replace("+", "_plus")
