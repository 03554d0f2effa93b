"""Totals a source publishes for a whole region (R4V's worldwide and Latin America and Caribbean counts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.models import PopulationGroup, Source


class Region(models.TextChoices):
    WORLD = "world", _("Worldwide")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")


class RegionalFigure(EditableRecord):
    """A total the source itself publishes for a region (R4V's count of refugees and migrants from
    Venezuela worldwide, in Latin America and the Caribbean): never a sum of country figures of
    different dates and precisions."""

    region = models.CharField(_("region"), max_length=30, choices=Region.choices)
    group = models.CharField(_("population group"), max_length=40, choices=PopulationGroup.choices,
                             default=PopulationGroup.REFUGEES_AND_MIGRANTS)
    value = models.PositiveBigIntegerField(_("people"))
    is_approximate = models.BooleanField(_("approximate"), default=False,
                                         help_text=_("The source gives a rounded figure (e.g. 7.89 M)."))
    as_of = models.DateField(_("as of"))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("regional figure")
        verbose_name_plural = _("regional figures")
        ordering = ["region", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["region", "group", "as_of", "source"],
                                               name="regional_figure_unique")]

    def __str__(self):
        return f"{self.region} {self.as_of:%Y-%m-%d}: {self.value}"
