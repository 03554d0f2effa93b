"""The catalogue of socio-economic integration programmes per country (issue 12, the communication strategy).

Each entry says who runs it, who is eligible, how to apply, what it costs and its deadline, in es/pt/en, with
the source it comes from. Demo entries are illustrative and say so wherever they are shown.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.translated import PerLanguage


class ProgrammeTheme(models.TextChoices):
    EMPLOYMENT = "employment", _("employment and entrepreneurship")
    FINANCIAL_INCLUSION = "financial-inclusion", _("financial inclusion")
    RECOGNITION = "recognition", _("recognition of diplomas and skills")
    REGULARIZATION = "regularization", _("regularization and documentation")
    HOUSING = "housing", _("housing")
    EDUCATION = "education", _("education")


class Programme(PerLanguage, EditableRecord):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    country = models.ForeignKey("reference.Country", verbose_name=_("country"), on_delete=models.PROTECT,
                                related_name="+")
    theme = models.CharField(_("theme"), max_length=30, choices=ProgrammeTheme.choices)
    runner = models.ForeignKey("reference.Organisation", verbose_name=_("run by"), on_delete=models.PROTECT,
                               related_name="+")
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    summary_es = models.CharField(_("summary (Spanish)"), max_length=600, blank=True)
    summary_pt = models.CharField(_("summary (Portuguese)"), max_length=600, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=600, blank=True)
    eligibility_es = models.TextField(_("who is eligible (Spanish)"), blank=True)
    eligibility_pt = models.TextField(_("who is eligible (Portuguese)"), blank=True)
    eligibility_en = models.TextField(_("who is eligible (English)"), blank=True)
    how_to_apply_es = models.TextField(_("how to apply (Spanish)"), blank=True)
    how_to_apply_pt = models.TextField(_("how to apply (Portuguese)"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply (English)"), blank=True)
    cost_es = models.CharField(_("cost (Spanish)"), max_length=200, blank=True)
    cost_pt = models.CharField(_("cost (Portuguese)"), max_length=200, blank=True)
    cost_en = models.CharField(_("cost (English)"), max_length=200, blank=True)
    is_free = models.BooleanField(_("free of charge"), default=True)
    apply_url = models.URLField(_("where to apply"), max_length=500, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, help_text=_("Empty: applications stay open."))
    source = models.ForeignKey("reference.Source", verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="+")
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("integration programme")
        verbose_name_plural = _("integration programmes")
        ordering = ["country_id", "theme", "code"]

    def __str__(self):
        return self.text_in("name")[0] or self.code

    def get_absolute_url(self):
        return reverse("programmes:detail", args=[self.code])
