"""The Portfolio of Cooperation Projects: what member states and local governments ask the Group of Friends for.

A project is one record with its parts (territories, themes, markers, people, budget years,
secured funding, participants, documents, contacts). Invariants that span parts — shares that
total 100, people totals that add up, budget years that add up to the budget — are checked by
``minga.portfolio.validation`` before anything is saved, so that a project is never half-written.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.common.languages import LANGUAGES
from minga.reference import money
from minga.reference.models import (
    Country,
    Marker,
    Municipality,
    Organisation,
    Significance,
    Subdivision,
    Term,
)

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 currency code, e.g. COP, USD, EUR."))


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Project(EditableRecord):
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), max_length=1500, blank=True)
    summary_pt = models.TextField(_("summary (Portuguese)"), max_length=1500, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=1500, blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_pt = models.TextField(_("description (Portuguese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    proposing_organisation = models.ForeignKey(
        Organisation, verbose_name=_("proposing organisation"), on_delete=models.PROTECT,
        related_name="proposed_projects")
    # The proposing organisation's country: whose focal point may edit, and the code's prefix.
    country = models.ForeignKey(Country, verbose_name=_("proposing country"), on_delete=models.PROTECT,
                                related_name="proposed_projects")
    is_regional = models.BooleanField(_("regional"), default=False,
                                      help_text=_("Covers the region rather than named territories."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(_("public"), default=False, editable=False)

    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)

    budget_amount = models.DecimalField(_("total budget"), max_digits=18, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0)])
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[currency_code])
    budget_value_date = models.DateField(_("value date"), null=True, blank=True,
                                         help_text=_("The date whose exchange rate converts the budget to US dollars."))
    requested_amount = models.DecimalField(
        _("requested from the Group of Friends"), max_digits=18, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("In the budget's currency."))
    # Computed by the services from the amounts above (minga.reference.money); None = not converted.
    budget_usd = models.DecimalField(_("total budget (USD)"), max_digits=18, decimal_places=2, null=True,
                                     blank=True, editable=False)
    requested_usd = models.DecimalField(_("requested (USD)"), max_digits=18, decimal_places=2, null=True,
                                        blank=True, editable=False)
    secured_usd = models.DecimalField(_("secured (USD)"), max_digits=18, decimal_places=2, null=True,
                                      blank=True, editable=False)
    gap_usd = models.DecimalField(_("funding gap (USD)"), max_digits=18, decimal_places=2, null=True,
                                  blank=True, editable=False)
    # How each amount was converted or why it could not be: plain data, worded per reader (conversion_note).
    conversions = models.JSONField(_("conversion"), default=list, blank=True, editable=False)

    people_total = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    people_with_disabilities = models.PositiveIntegerField(_("of whom persons with disabilities"),
                                                           null=True, blank=True)
    sdg_targets = models.CharField(
        _("SDG targets"), max_length=200, blank=True,
        validators=[RegexValidator(r"^(\d{1,2}\.[0-9a-z]{1,2})(, ?\d{1,2}\.[0-9a-z]{1,2})*$",
                                   _("List SDG targets separated by commas, e.g. 10.7, 5.2"))])

    # A readable account of the parts (territories, themes, people, years, funding…), kept as a field
    # so that the history shows how the parts changed, not only the project's own fields.
    parts_summary = models.TextField(_("territories, themes, people, budget years and funding"), blank=True,
                                     editable=False)
    # Lower-cased, accent-free text of the three languages, for search across them on any database.
    search_text = models.TextField(editable=False, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("project", "published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    is_illustrative = models.BooleanField(_("illustrative sample"), default=False, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "search_text"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["is_public", "status"], name="project_public_status"),
            models.Index(fields=["country", "status"], name="project_country_status"),
            models.Index(fields=["gap_usd"], name="project_gap"),
            # Every column the SQL filters (API list, exports) and visibility test, so that the database
            # can answer them without reading the wide rows. The catalogue page counts from the facet index.
            models.Index(fields=["is_public", "deleted_at", "status", "country", "proposing_organisation", "gap_usd",
                                 "requested_usd", "secured_usd", "requested_amount", "budget_usd", "published_at",
                                 "created_at", "code"], name="project_catalogue"),
            # The default order (newest first) of the API's list and the exports: read off this index.
            models.Index(fields=["published_at", "created_at"], name="project_newest"),
            # The latest change dates the data for the facet index, which then reads the changes since
            # (and it sorts "my projects").
            models.Index(fields=["updated_at"], name="project_updated"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("portfolio:project_detail", args=[self.code])

    @classmethod
    def history_rows(cls, field_name: str, old, new) -> list[tuple[str, str]] | None:
        """The history's rows for a field that needs more than "before → after" (audit.selectors asks): the
        parts' summary as one sentence per kind of part that changed; None for every other field."""
        if field_name != "parts_summary":
            return None
        from minga.portfolio.history import parts_changes

        return parts_changes(old, new)

    def text_in(self, field: str, language: str | None = None) -> tuple[str, str]:
        """The field in ``language`` (default: the reader's), else the first language that has it."""
        wanted = (language or get_language() or "es")[:2]
        for code in (wanted, *[c for c in LANGUAGES if c != wanted]):
            text = getattr(self, f"{field}_{code}", "")
            if text:
                return text, code
        return "", wanted

    @property
    def title(self) -> str:
        return self.text_in("title")[0]

    @property
    def summary(self) -> str:
        return self.text_in("summary")[0]

    @property
    def conversion_note(self) -> str:
        """How the amounts were converted to US dollars, in the reader's language."""
        notes = []
        for item in self.conversions or []:
            value_date = date.fromisoformat(item["value_date"]) if item.get("value_date") else None
            if item.get("rate"):
                notes.append(_("%(currency)s at %(rate)s per USD (%(date)s, %(source)s)") % {
                    "currency": item["currency"], "rate": item["rate"], "date": item["rate_date"],
                    "source": money.source_text(item["source"])})
                continue
            reason = money.problem_text(item["problem"], currency=item["currency"], value_date=value_date)
            if item["what"] == "budget":
                notes.append(_("budget not converted: %(reason)s") % {"reason": reason})
            else:
                notes.append(_("secured %(amount)s %(currency)s not converted: %(reason)s") % {
                    "amount": item["amount"], "currency": item["currency"], "reason": reason})
        return "; ".join(notes)


class ProjectLocation(models.Model):
    """Where: a country, a subdivision or a municipality, with its share of the project (per level)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        ordering = ["country_id", "subdivision_id"]
        # The catalogue's country and subdivision counts read these per project, from the index alone.
        indexes = [models.Index(fields=["project", "country", "subdivision"], name="project_location_facets")]

    def __str__(self):  # ids, not names: printing a part must not query
        return f"{self.municipality_id or self.subdivision_id or self.country_id} {self.percentage}%"

    @property
    def level(self) -> str:
        return "municipality" if self.municipality_id else "subdivision" if self.subdivision_id else "country"


class ProjectTheme(models.Model):
    """What: a term of the Quito Process axes or of the lines of work, with its share in that vocabulary."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    term = models.ForeignKey(Term, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "term"], name="project_theme_unique")]

    def __str__(self):  # ids, not names: printing a part must not query
        return f"term {self.term_id} {self.percentage}%"


class ProjectMarker(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="markers")
    marker = models.ForeignKey(Marker, verbose_name=_("marker"), on_delete=models.PROTECT, related_name="+")
    significance = models.PositiveSmallIntegerField(_("significance"), choices=Significance.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "marker"], name="project_marker_unique")]
        indexes = [models.Index(fields=["project", "significance", "marker"], name="project_marker_facets")]

    def __str__(self):  # ids, not names: printing a part must not query
        return f"marker {self.marker_id}: {self.significance}"


class PopulationGroup(models.TextChoices):
    REFUGEES_AND_MIGRANTS = "refugees_migrants", _("Refugees and migrants")
    HOST_COMMUNITY = "host_community", _("Host community")
    RETURNEES = "returnees", _("Returnees")
    IN_TRANSIT = "in_transit", _("People in transit")


class SexAge(models.TextChoices):
    GIRLS = "girls", _("Girls")
    BOYS = "boys", _("Boys")
    ADOLESCENT_GIRLS = "adolescent_girls", _("Adolescent girls")
    ADOLESCENT_BOYS = "adolescent_boys", _("Adolescent boys")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    OLDER_PERSONS = "older_persons", _("Older persons")


class ProjectPeople(models.Model):
    """For whom: people by population group, and separately by sex and age; each breakdown adds up to the total."""

    class Dimension(models.TextChoices):
        POPULATION_GROUP = "population_group", _("population group")
        SEX_AGE = "sex_age", _("sex and age")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="people")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=30)
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "dimension", "category"],
                                               name="project_people_unique")]
        indexes = [models.Index(fields=["project", "dimension", "people", "category"], name="project_people_facets")]

    def __str__(self):
        return f"{self.category}: {self.people}"

    @property
    def category_label(self) -> str:
        choices = PopulationGroup if self.dimension == self.Dimension.POPULATION_GROUP else SexAge
        return str(dict(choices.choices).get(self.category, self.category))


class ProjectBudgetYear(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2018), MaxValueValidator(2100)])
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="project_budget_year_unique")]

    def __str__(self):
        return f"{self.year}: {self.amount}"


class ProjectFunding(models.Model):
    """Money already secured, and from whom."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    funder = models.ForeignKey(Organisation, verbose_name=pgettext_lazy("funder of a funding", "from"),
                               on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    value_date = models.DateField(_("value date"))
    amount_usd = models.DecimalField(_("amount (USD)"), max_digits=18, decimal_places=2, null=True, blank=True,
                                     editable=False)

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.value_date})"


class ParticipantRole(models.TextChoices):
    """IATI OrganisationRole codelist."""

    FUNDING = "1", _("Funding")
    ACCOUNTABLE = "2", _("Accountable")
    EXTENDING = "3", _("Extending")
    IMPLEMENTING = "4", _("Implementing")


class ProjectParticipant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="project_roles")
    role = models.CharField(pgettext_lazy("participant in a project", "role"), max_length=1, choices=ParticipantRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "organisation", "role"],
                                               name="project_participant_unique")]

    def __str__(self):  # ids, not names: printing a part must not query
        return f"organisation {self.organisation_id} ({self.role})"


class ProjectContact(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(pgettext_lazy("job of a contact", "position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)

    def __str__(self):
        return self.name


def _document_path(instance, filename):
    return f"projects/{instance.project.code}/{filename}"


class ProjectDocument(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Project proposal")
        BUDGET = "budget", _("Budget")
        ANNEX = "annex", _("Annex")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ANNEX)
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    def __str__(self):
        return self.original_name


class ProjectTransition(models.Model):
    """Every change of status: who, when, from where to where, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    # With a request for changes: the codes of what it concerns (portfolio.inputs.concerns), shown by label.
    fields = models.JSONField(_("fields concerned"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '-'} -> {self.to_status}"


class ProjectCodeSequence(models.Model):
    """The last number used per prefix and year (PQ-COL-2026-0007), taken under a row lock."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="project_code_sequence_unique")]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"
