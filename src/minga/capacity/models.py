"""The capacity-development kit for front-line local officials (issue 13, "Capacity-development kit rollout").

- **KitResource**: a module or document of the kit in one language and one version. Versions of the same
  resource share a ``series``; the highest version per series and language is the current one, the older
  ones are kept (and shown as such) so that a local government can tell which one it used.
- **PriorityMunicipality**: the municipalities the secretariat wants the kit to reach.
- **TrainingDelivery**: one training given in a municipality: its date, organiser, the modules used, the
  participants by sex and by role (both add up to the same number of people) and the average pre/post
  assessment scores. It may count for a roadmap action (the kit's rollout).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.process.models import RoadmapAction
from minga.reference.models import LINES_OF_WORK, Municipality, Organisation, Term


class ResourceKind(models.TextChoices):
    MODULE = "module", _("training module")
    DOCUMENT = "document", _("support document")


class Audience(models.TextChoices):
    FRONT_LINE = "front_line", _("front-line officials")
    TRAINERS = "trainers", _("trainers")
    MANAGERS = "managers", _("managers and decision-makers")


class ResourceLanguage(models.TextChoices):
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    EN = "en", _("English")


# The roles of the officials trained, in the order the kit names them: (field, label).
ROLES = (
    ("social_services", pgettext_lazy("trained officials", "social services")),
    ("child_protection", pgettext_lazy("trained officials", "child protection")),
    ("police", pgettext_lazy("trained officials", "police")),
    ("health", pgettext_lazy("trained officials", "health")),
    ("education", pgettext_lazy("trained officials", "education")),
    ("migration_authority", pgettext_lazy("trained officials", "migration authority")),
    ("other_role", pgettext_lazy("trained officials", "other")),
)
SEXES = (
    ("women", pgettext_lazy("participants", "women")),
    ("men", pgettext_lazy("participants", "men")),
    ("sex_other", pgettext_lazy("participants", "other or not stated")),
)


class KitResource(EditableRecord):
    series = models.SlugField(_("resource"), max_length=60,
                              help_text=_("The same key for every version and language of one resource."))
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=ResourceLanguage.choices)
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    line = models.ForeignKey(Term, verbose_name=_("line of work"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"vocabulary_id": LINES_OF_WORK})
    edition = models.PositiveSmallIntegerField(_("kit version"), validators=[MinValueValidator(1)])
    published_on = models.DateField(_("published"))
    file = models.FileField(_("file"), upload_to="capacity/kit/", max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("kit resource")
        verbose_name_plural = _("kit resources")
        ordering = ["series", "language", "-edition"]
        constraints = [models.UniqueConstraint(fields=["series", "language", "edition"],
                                               name="kit_resource_one_version_per_language")]

    def __str__(self):
        return f"{self.title} (v{self.edition}, {self.language})"

    @property
    def address(self) -> str:
        """Where the reader gets it: an uploaded file through Minga's download page, else its link."""
        return reverse("capacity:resource_file", args=[self.pk]) if self.file else self.link

    def clean(self):
        super().clean()
        if bool(self.file) == bool(self.link):
            raise ValidationError({"link": _("Give either a file or a link, not both and not neither.")})


class PriorityMunicipality(EditableRecord):
    municipality = models.OneToOneField(Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT,
                                        related_name="+")
    since = models.DateField(_("on the list since"))
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("priority municipality")
        verbose_name_plural = _("priority municipalities")
        ordering = ["municipality__subdivision_id", "municipality__name"]

    def __str__(self):
        return str(self.municipality)


def _count(label):
    return models.PositiveIntegerField(label, default=0)


def _score(label):
    return models.DecimalField(label, max_digits=4, decimal_places=1, null=True, blank=True,
                               validators=[MinValueValidator(0), MaxValueValidator(100)])


class TrainingDelivery(EditableRecord):
    delivered_on = models.DateField(_("date"))
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT,
                                     related_name="+")
    organiser = models.ForeignKey(Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT,
                                  related_name="+")
    modules = models.ManyToManyField(KitResource, verbose_name=_("modules used"), blank=True, related_name="+")
    action = models.ForeignKey(RoadmapAction, verbose_name=_("roadmap action"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("The roadmap action this training counts for."))
    women = _count(SEXES[0][1])
    men = _count(SEXES[1][1])
    sex_other = _count(SEXES[2][1])
    social_services = _count(ROLES[0][1])
    child_protection = _count(ROLES[1][1])
    police = _count(ROLES[2][1])
    health = _count(ROLES[3][1])
    education = _count(ROLES[4][1])
    migration_authority = _count(ROLES[5][1])
    other_role = _count(ROLES[6][1])
    pre_score = _score(_("average score before (%)"))
    post_score = _score(_("average score after (%)"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("training delivery")
        verbose_name_plural = _("training deliveries")
        ordering = ["-delivered_on", "-pk"]

    def __str__(self):
        return f"{self.municipality} {self.delivered_on}"

    def get_absolute_url(self):
        return reverse("capacity:delivery", args=[self.pk])

    @property
    def participants(self) -> int:
        return sum(getattr(self, name) for name, _label in SEXES)

    @property
    def by_role(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in ROLES]

    @property
    def by_sex(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in SEXES]

    def clean(self):
        super().clean()
        roles = sum(getattr(self, name) or 0 for name, _label in ROLES)
        sexes = sum(getattr(self, name) or 0 for name, _label in SEXES)
        if roles != sexes:
            raise ValidationError({"other_role": _(
                "The participants by role (%(roles)s) and by sex (%(sexes)s) must add up to the same number.") % {
                "roles": roles, "sexes": sexes}})
        if sexes == 0:
            raise ValidationError({"women": _("A training has at least one participant.")})
