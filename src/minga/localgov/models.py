"""What a local government says it needs: short structured entries on its profile (issue 12).

A needs statement belongs to one local government (an organisation of IATI type 11); its territory is that
organisation's municipality or subdivision. Its officers write it; the public reads it.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.currencies import is_active_currency

LOCAL_GOVERNMENT = "11"  # IATI OrganisationType


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("identified")
    SEEKING = "seeking_funding", _("seeking funding")
    PARTLY_FUNDED = "partly_funded", _("partly funded")
    FUNDED = "funded", _("funded")
    CLOSED = "closed", _("closed")


class NeedsStatement(EditableRecord):
    organisation = models.ForeignKey("reference.Organisation", verbose_name=_("local government"),
                                     on_delete=models.PROTECT, related_name="needs_statements")
    theme = models.ForeignKey("reference.Term", verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), max_length=2000)
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=16, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("needs statement")
        verbose_name_plural = _("needs statements")
        ordering = ["organisation_id", "-pk"]

    def __str__(self):
        return f"{self.organisation} — {self.theme}"

    def get_absolute_url(self):
        return reverse("localgov:profile", args=[self.organisation_id]) + f"#need-{self.pk}"

    def clean(self):
        super().clean()
        errors = {}
        if self.organisation_id and self.organisation.organisation_type != LOCAL_GOVERNMENT:
            errors["organisation"] = [_("Needs statements belong to local governments (IATI type 11).")]
        if self.estimated_cost is not None and not self.currency:
            errors["currency"] = [_("Choose the currency of the estimated cost.")]
        elif self.currency and not is_active_currency(self.currency):
            errors["currency"] = [_("Choose a currency from the list.")]
        if errors:
            raise ValidationError(errors)
