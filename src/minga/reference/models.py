"""Reference data every module builds on: places, organisations, taxonomies, figures and sources.

Countries and ISO subdivisions come from pycountry and change only with the standard; they are
loaded by ``minga load_reference`` and are not user-editable. Organisations, terms, population
figures and sources are edited by people, so they keep a version and a history.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.audit.models import EditableRecord
from minga.reference.currencies import is_active_currency
from minga.reference.translated import PerLanguage, TranslatedLabel, check_note_placeholders


class DatePrecision(models.TextChoices):
    """How much of ``published_on`` the source gives: "November 2024" is not the 1st of November."""

    DAY = "day", pgettext_lazy("precision of a date", "day")
    MONTH = "month", pgettext_lazy("precision of a date", "month")
    YEAR = "year", pgettext_lazy("precision of a date", "year")
    UNDATED = "undated", _("undated (the page shows no date)")


class Source(PerLanguage, EditableRecord):
    """Where a figure comes from: every figure shown to a user points to one.

    ``url`` is the dated publication, not a live page whose figures have changed since; ``title`` is the
    title as published, ``title_es/pt/en`` the title in each reader's language.
    """

    original_fields = ("title",)

    title = models.CharField(_("title"), max_length=400)
    title_es = models.CharField(_("title (Spanish)"), max_length=400, blank=True)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=400, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("address"), max_length=500, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    date_precision = models.CharField(_("date given as"), max_length=8, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    is_secondary = models.BooleanField(
        _("secondary (press copy)"), default=False,
        help_text=_("The press reporting the figure, where the primary publication was not found."))
    is_illustrative = models.BooleanField(
        _("illustrative sample"), default=False,
        help_text=_("Made up for the demonstration; figures citing it are not real."))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["publisher", "title"]
        constraints = [models.UniqueConstraint(fields=["publisher", "title"], name="source_unique_title")]

    def __str__(self):
        return f"{self.publisher}: {self.text_in('title')[0]}"

    def clean(self):
        super().clean()
        if self.date_precision == DatePrecision.UNDATED and self.published_on:
            raise ValidationError({"date_precision": _("A dated source is not undated: choose day, month or year.")})


class Country(models.Model):
    """ISO 3166-1. Names in the three languages come from CLDR (Babel)."""

    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, primary_key=True,
                            validators=[RegexValidator(r"^[A-Z]{3}$")])
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    numeric = models.CharField(_("ISO numeric"), max_length=3, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    is_member_state = models.BooleanField(_("Quito Process member state"), default=False)
    is_origin = models.BooleanField(_("country of origin"), default=False)
    is_group_of_friends = models.BooleanField(_("Group of Friends"), default=False)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reference:country_detail", args=[self.iso3])

    @property
    def name(self) -> str:
        language = (get_language() or "es")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


# ISO 3166-2 unit types of the process countries, as pycountry names them, for translation.
SUBDIVISION_CATEGORIES = {
    "Province": _("Province"), "City": _("City"), "State": _("State"), "Federal district": _("Federal district"),
    "Region": _("Region"), "Department": _("Department"), "Capital district": _("Capital district"),
    "District": _("District"), "Federal entity": _("Federal entity"), "Indigenous region": _("Indigenous region"),
    "Capital": _("Capital"), "Municipality": _("Municipality"), "Federal dependency": _("Federal dependency"),
}


class Subdivision(models.Model):
    """An ISO 3166-2 unit, with its parent where ISO nests units (Dominican provinces in regions).

    ``is_admin1`` marks the first administrative level a government works with: usually the
    top of the ISO tree, but in the Dominican Republic the provinces below the ISO regions.
    """

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, primary_key=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT,
                                related_name="subdivisions")
    parent = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("type"), max_length=60)
    is_admin1 = models.BooleanField(_("first administrative level"), default=True)
    has_geometry = models.BooleanField(_("has a boundary on the map"), default=False)

    class Meta:
        verbose_name = _("subdivision")
        verbose_name_plural = _("subdivisions")
        ordering = ["country_id", "name"]

    def __str__(self):
        return self.name

    @property
    def category_label(self) -> str:
        return str(SUBDIVISION_CATEGORIES.get(self.category, self.category))


class Municipality(EditableRecord):
    """A unit below the first level (municipality, district…), keyed by its official code (p-code)."""

    pcode = models.CharField(_("official code (p-code)"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), on_delete=models.PROTECT,
                                    related_name="municipalities")
    parent = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    admin_level = models.PositiveSmallIntegerField(
        _("administrative level"), default=2, validators=[MinValueValidator(2), MaxValueValidator(5)])
    # A representative point (the seat of the local government), as the import file gives it.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["subdivision_id", "name"]

    def __str__(self):
        return self.name

    @property
    def country(self):
        return self.subdivision.country

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.subdivision_id != self.subdivision_id:
            raise ValidationError({"parent": _("The parent unit lies in another subdivision.")})


class OrganisationType(models.TextChoices):
    """IATI OrganisationType codelist (the codes used in this field)."""

    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    OTHER_PUBLIC_SECTOR = "15", _("Other public sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_NGO = "24", _("Partner country based NGO")
    PUBLIC_PRIVATE_PARTNERSHIP = "30", _("Public private partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private sector")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class ProcessRole(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member state")
    GROUP_OF_FRIENDS = "group_of_friends", _("Group of Friends")
    CO_ORGANISER = "co_organiser", _("Conference co-organiser")
    TECHNICAL_SECRETARIAT = "technical_secretariat", _("Technical Secretariat")
    UN_AGENCY = "un_agency", _("UN agency")
    FINANCIAL_INSTITUTION = "financial_institution", _("Financial institution")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")


class Organisation(PerLanguage, EditableRecord):
    """``name`` and ``acronym`` are the organisation's own (as registered, in its own language); the
    ``_es/_pt/_en`` columns are how each reader's language names it (UE / EU / UE, OIM / IOM / OIM)."""

    original_fields = ("name", "acronym")

    name = models.CharField(_("name"), max_length=300, help_text=_("As registered, in the organisation's own language."))
    acronym = models.CharField(_("acronym"), max_length=40, blank=True,
                               help_text=_("As registered, in the organisation's own language."))
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=40, blank=True)
    acronym_pt = models.CharField(_("acronym (Portuguese)"), max_length=40, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=40, blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, null=True, blank=True, unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9\-_.]*$",
                                   _("An IATI identifier has letters, digits, '-', '_' and '.' only."))],
    )
    organisation_type = models.CharField(_("type (IATI)"), max_length=2, choices=OrganisationType.choices)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="organisations")
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="organisations")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    website = models.URLField(_("website"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative sample"), default=False,
        help_text=_("Made up for the demonstration; not a real record."))
    # Set by the permission module's rule (permissions.needs_approval): while true, the organisation
    # proposes no project; only the secretariat clears it (see docs/access.md).
    awaiting_approval = models.BooleanField(
        _("awaiting approval"), default=False,
        help_text=_("Created or changed by a donor officer in a member state: it proposes no project until the "
                    "secretariat approves it."))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        name, acronym = self.shown_name, self.shown_acronym
        return f"{name} ({acronym})" if acronym else name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language (else another language's, else the registered one)."""
        return self.text_in("name")[0]

    @property
    def shown_acronym(self) -> str:
        return self.text_in("acronym")[0]

    def get_absolute_url(self):
        return reverse("reference:organisation_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.subdivision_id and self.country_id and self.subdivision.country_id != self.country_id:
            errors["subdivision"] = _("This subdivision is not in the organisation's country.")
        if self.municipality_id and self.subdivision_id and self.municipality.subdivision_id != self.subdivision_id:
            errors["municipality"] = _("This municipality is not in the organisation's subdivision.")
        if self.organisation_type == OrganisationType.LOCAL_GOVERNMENT and not self.country_id:
            errors["country"] = _("A local government belongs to a country.")
        if self.parent_id:
            ancestor, seen = self.parent, set()
            while ancestor is not None:
                if ancestor.pk == self.pk or ancestor.pk in seen:
                    errors["parent"] = _("An organisation cannot be part of itself.")
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    def descendant_ids(self) -> set[int]:
        """This organisation and every organisation under it, at any depth."""
        found, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(
                Organisation.objects.filter(parent_id__in=frontier).exclude(pk__in=found).values_list("pk", flat=True)
            )
            found.update(frontier)
        return found


class OrganisationRole(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles",
                                     verbose_name=_("organisation"))
    role = models.CharField(_("role in the process"), max_length=30, choices=ProcessRole.choices)
    since_year = models.PositiveSmallIntegerField(_("since"), null=True, blank=True,
                                                  validators=[MinValueValidator(2018)])
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True,
                               on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("role in the process")
        verbose_name_plural = _("roles in the process")
        constraints = [models.UniqueConstraint(fields=["organisation", "role"], name="organisation_role_unique")]

    def __str__(self):
        return self.get_role_display()


# The two vocabularies a project's themes come from (portfolio, bulk template, API, exports).
QUITO_AXES = "quito-axes"
LINES_OF_WORK = "lines-of-work-2023"


class Vocabulary(TranslatedLabel):
    """A list of terms: the Quito Process axes, the 2023 lines of work, RMRP sectors, DAC codes."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    is_external = models.BooleanField(
        _("external vocabulary"), default=False,
        help_text=_("Maintained by another body (e.g. OECD DAC); codes are kept as published."))
    iati_vocabulary = models.CharField(_("IATI sector vocabulary"), max_length=10, blank=True)
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("vocabulary")
        verbose_name_plural = _("vocabularies")
        ordering = ["code"]

    def __str__(self):
        return self.label or self.code


class Term(TranslatedLabel, EditableRecord):
    vocabulary = models.ForeignKey(Vocabulary, verbose_name=_("vocabulary"), on_delete=models.PROTECT,
                                   related_name="terms")
    code = models.CharField(_("code"), max_length=40)
    parent = models.ForeignKey("self", verbose_name=_("broader term"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["vocabulary_id", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="term_unique_code")]

    def __str__(self):
        return self.label or self.code

    def label_required(self) -> bool:
        # Codes of an external vocabulary get their names when its codelist is loaded.
        return not (self.vocabulary_id and self.vocabulary.is_external)

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.vocabulary_id != self.vocabulary_id:
            raise ValidationError({"parent": _("A broader term must be in the same vocabulary.")})


class Significance(models.IntegerChoices):
    """OECD policy-marker scale, used for every cross-cutting approach."""

    NOT_TARGETED = 0, _("Not targeted")
    SIGNIFICANT = 1, _("Significant objective")
    PRINCIPAL = 2, _("Principal objective")


class Marker(TranslatedLabel):
    """A cross-cutting approach every response is asked to apply (2023 Joint Declaration)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    iati_policy_marker = models.CharField(_("IATI policy marker"), max_length=5, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cross-cutting marker")
        verbose_name_plural = _("cross-cutting markers")
        ordering = ["position"]

    def __str__(self):
        return self.label or self.code


class PopulationGroup(models.TextChoices):
    REFUGEES_AND_MIGRANTS = "refugees_migrants", _("Refugees and migrants from Venezuela")
    REGULARIZED = "regularized", _("Holding or processing a regular status")
    REGULARIZATION_APPLICATIONS = "regularization_applications", _("Regularization applications")
    # A humanitarian plan's caseload (OCHA FTS plan overview): the whole population the plan concerns.
    IN_NEED = "in_need", _("People in need (humanitarian plan)")
    TARGETED = "targeted", _("People targeted (humanitarian plan)")
    AFFECTED = "affected", _("People affected (humanitarian plan)")


class PopulationFigure(PerLanguage, EditableRecord):
    """A count of people at a date, from a named source; never a bare number.

    Focal points enter figures for their country; the public sees them once the secretariat
    has published them.
    """

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT,
                                related_name="population_figures")
    subdivision = models.ForeignKey(Subdivision, verbose_name=_("subdivision"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="population_figures")
    group = models.CharField(_("population group"), max_length=40, choices=PopulationGroup.choices,
                             default=PopulationGroup.REFUGEES_AND_MIGRANTS)
    value = models.PositiveBigIntegerField(_("people"))
    is_approximate = models.BooleanField(_("approximate"), default=False,
                                         help_text=_("The source gives a rounded figure (e.g. ~2.89 M)."))
    as_of = models.DateField(_("as of"))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="population_figures")
    note_es = models.CharField(_("note (Spanish)"), max_length=300, blank=True)
    note_pt = models.CharField(_("note (Portuguese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        ordering = ["country_id", "-as_of", "-pk"]  # a tie-breaker: the newest entry of a date first
        constraints = [
            models.UniqueConstraint(
                fields=["country", "group", "as_of", "source"], condition=models.Q(subdivision__isnull=True),
                name="population_figure_unique_country",
            ),
            models.UniqueConstraint(
                fields=["subdivision", "group", "as_of", "source"], condition=models.Q(subdivision__isnull=False),
                name="population_figure_unique_subdivision",
            ),
        ]

    def __str__(self):
        return f"{self.country_id} {self.as_of:%Y-%m-%d}: {self.value}"

    def get_absolute_url(self):
        return reverse("reference:country_detail", args=[self.country_id]) + f"#figure-{self.pk}"

    def clean(self):
        super().clean()
        if self.subdivision_id and self.country_id and self.subdivision.country_id != self.country_id:
            raise ValidationError({"subdivision": _("This subdivision is not in the figure's country.")})
        check_note_placeholders(self)

    @property
    def note(self) -> str:
        return self.text_in("note")[0]


class ExchangeRate(EditableRecord):
    """Units of a currency per US dollar on a date, for currencies the ECB does not publish (COP, PEN, …).

    Kept by the secretariat with its source; ``minga.reference.money`` uses the latest rate on or
    before an amount's value date.
    """

    currency = models.CharField(_("currency"), max_length=3,
                                validators=[RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 code, e.g. COP."))])
    on_date = models.DateField(_("date"))
    units_per_usd = models.DecimalField(_("units per US dollar"), max_digits=20, decimal_places=6,
                                        validators=[MinValueValidator(0.000001)])
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-on_date"]
        constraints = [models.UniqueConstraint(fields=["currency", "on_date"], name="exchange_rate_unique")]

    def __str__(self):
        return f"{self.currency} {self.on_date}: {self.units_per_usd}"

    def clean(self):
        super().clean()
        if self.currency and not is_active_currency(self.currency):
            raise ValidationError({"currency": _(
                "“%(code)s” is not an ISO 4217 currency code in use: write one such as COP, USD or EUR.") % {
                "code": self.currency}})


# Kept in its own module for size; imported here so that Django finds it with the app's models.
from minga.reference.regional import Region, RegionalFigure  # noqa: E402

__all__ = ["PerLanguage", "Region", "RegionalFigure", "TranslatedLabel", "check_note_placeholders"]
