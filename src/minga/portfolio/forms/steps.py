"""The six steps of the submission form that edit the project: basics, territories, themes, people, money, participants."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.common.form_fields import LocalizedCountField
from minga.common.languages import LANGUAGES
from minga.common.numbers import MAX_COUNT
from minga.portfolio.forms.fields import ScalarsForm, share_field
from minga.portfolio.forms.rows import (
    BudgetYearRow,
    ContactRow,
    FundingRow,
    LocationRow,
    ParticipantFormSet,
    ParticipantRow,
    TerritoryLists,
    row_formset,
)
from minga.portfolio.forms.step import Step
from minga.portfolio.models import PopulationGroup, ProjectPeople, SexAge
from minga.portfolio.proposers import proposable_organisations
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Marker, Significance, Term


class BasicsForm(ScalarsForm):
    step = 1

    def __init__(self, *args, user, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code in LANGUAGES:
            self.fields[f"summary_{code}"].widget.attrs["rows"] = 3
            self.fields[f"description_{code}"].widget.attrs["rows"] = 5
        self.fields["proposing_organisation"] = forms.ModelChoiceField(
            label=_("proposing organisation"),
            queryset=proposable_organisations(user, also=project.proposing_organisation if project else None),
            help_text=_("A government body or local government of a member state, within your remit."))
        self.fields["proposing_organisation"].label_from_instance = (
            lambda organisation: f"{organisation.name} ({organisation.country_id})")
        self.fields["sdg_targets"].help_text = _("Separated by commas, e.g. 10.7, 5.2")


class BasicsStep(Step):
    number = 1
    template = "portfolio/submission_step_basics.html"
    LAID_OUT = ("proposing_organisation", *(f"{field}_{code}" for field in ("title", "summary", "description")
                                            for code in LANGUAGES), "planned_start", "planned_end", "sdg_targets")

    def build(self):
        self.form = self._form(BasicsForm, initial=self.saved_scalars(), user=self.user, project=self.project)

    def has_organisations(self) -> bool:
        return self.form.fields["proposing_organisation"].queryset.exists()

    def extra_slots(self):
        return ["title", "summary"]

    def slot_for_part(self, root, index, field):
        return root if root in ("title", "summary") else None


class TerritoriesForm(ScalarsForm):
    step = 2

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_regional"].label = gettext_lazy(
            "Regional project (covers the region rather than named territories)")
        self.fields["is_regional"].help_text = ""


class TerritoriesStep(Step):
    number = 2
    template = "portfolio/submission_step_territories.html"
    PARTS = ("locations",)
    LAID_OUT = ("is_regional",)

    def build(self):
        self.form = self._form(TerritoriesForm, initial=self.saved_scalars())
        rows = [{**row, "municipality": row["municipality"].pcode if row["municipality"] else ""}
                for row in self.saved.locations] if self.saved is not None else []
        self._formset("locations", row_formset(LocationRow), rows, territories=TerritoryLists())

    def part_data(self):
        locations = self._rows("locations")
        return {"locations": locations} if locations is not None else {}


class ThemesForm(ScalarsForm):
    """A share box for every axis and every line of work, and the significance of each marker."""

    step = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {}
        for prefix, vocabulary in (("axis", QUITO_AXES), ("line", LINES_OF_WORK)):
            for term in Term.objects.filter(vocabulary_id=vocabulary).select_related("vocabulary").order_by(
                    "position", "code"):
                name = f"{prefix}__{term.code}"
                self.fields[name] = share_field(required=False)
                self.fields[name].label = term.label
                self.fields[name].widget.attrs["size"] = 6
                self.terms[name] = term
        self.markers = {}
        for marker in Marker.objects.order_by("position"):
            name = f"marker__{marker.code}"
            self.fields[name] = forms.TypedChoiceField(
                label=marker.label, required=False, coerce=int, empty_value=None,
                choices=[("", "—"), *[(value, f"{value} · {label}") for value, label in Significance.choices]])
            self.markers[name] = marker

    def _rows(self, prefix):
        return [self[name] for name in self.fields if name.startswith(f"{prefix}__")]

    def axis_rows(self):
        return self._rows("axis")

    def line_rows(self):
        return self._rows("line")

    def marker_rows(self):
        return self._rows("marker")


class ThemesStep(Step):
    number = 3
    template = "portfolio/submission_step_themes.html"
    PARTS = ("themes", "markers")
    VOCABULARY_SLOTS = {QUITO_AXES: "axes", LINES_OF_WORK: "lines"}

    def build(self):
        initial = self.saved_scalars()
        if self.saved is not None:
            for row in self.saved.themes:
                prefix = "axis" if row["term"].vocabulary_id == QUITO_AXES else "line"
                initial[f"{prefix}__{row['term'].code}"] = row["percentage"]
            for row in self.saved.markers:
                initial[f"marker__{row['marker'].pk}"] = row["significance"]
        self.form = self._form(ThemesForm, initial=initial)

    def extra_slots(self):
        return ["axes", "lines", "markers"]

    def _theme_rows(self) -> list[tuple[str, dict]]:
        cleaned = self.form.cleaned_data
        return [(name, {"term": term, "percentage": cleaned[name]}) for name, term in self.form.terms.items()
                if cleaned.get(name)]

    def part_data(self):
        cleaned = self.form.cleaned_data
        data = {}
        if not any(name in self.form.errors for name in self.form.terms):
            data["themes"] = [row for _name, row in self._theme_rows()]
        if not any(name in self.form.errors for name in self.form.markers):
            data["markers"] = [{"marker": marker, "significance": cleaned[name]}
                               for name, marker in self.form.markers.items() if cleaned.get(name) is not None]
        return data

    def slot_for_part(self, root, index, field):
        if root == "themes":
            if index in self.VOCABULARY_SLOTS:
                return self.VOCABULARY_SLOTS[index]
            if index and index.isdigit() and self.form.is_bound and hasattr(self.form, "cleaned_data"):
                rows = self._theme_rows()
                if 0 < int(index) <= len(rows):
                    return rows[int(index) - 1][0]
            return "axes"
        if root == "markers":
            return "markers"
        return None


class PeopleForm(ScalarsForm):
    step = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, choices in (("group", PopulationGroup), ("sexage", SexAge)):
            for value, label in choices.choices:
                self.fields[f"{prefix}__{value}"] = LocalizedCountField(label=label, min_value=0, max_value=MAX_COUNT,
                                                                          required=False)

    def group_rows(self):
        return [self[name] for name in self.fields if name.startswith("group__")]

    def sexage_rows(self):
        return [self[name] for name in self.fields if name.startswith("sexage__")]


class PeopleStep(Step):
    number = 4
    template = "portfolio/submission_step_people.html"
    PARTS = ("people",)
    LAID_OUT = ("people_total", "people_with_disabilities")
    DIMENSIONS = {"group": ProjectPeople.Dimension.POPULATION_GROUP, "sexage": ProjectPeople.Dimension.SEX_AGE}

    def build(self):
        initial = self.saved_scalars()
        if self.saved is not None:
            prefixes = {dimension: prefix for prefix, dimension in self.DIMENSIONS.items()}
            for row in self.saved.people:
                initial[f"{prefixes[row['dimension']]}__{row['category']}"] = row["people"]
        self.form = self._form(PeopleForm, initial=initial)

    def extra_slots(self):
        return ["groups", "sexage"]

    def part_data(self):
        cleaned = self.form.cleaned_data
        breakdown = [name for name in self.form.fields if "__" in name]
        if any(name in self.form.errors for name in breakdown):
            return {}
        return {"people": [{"dimension": self.DIMENSIONS[name.split("__")[0]], "category": name.split("__")[1],
                            "people": cleaned[name]} for name in breakdown if cleaned.get(name)]}

    def slot_for_part(self, root, index, field):
        if root == "people":
            return "sexage" if index == ProjectPeople.Dimension.SEX_AGE else "groups"
        return None


class MoneyForm(ScalarsForm):
    step = 5


class MoneyStep(Step):
    number = 5
    template = "portfolio/submission_step_money.html"
    PARTS = ("budget_years", "funding")
    LAID_OUT = ("budget_amount", "budget_currency", "budget_value_date", "requested_amount")

    def build(self):
        self.form = self._form(MoneyForm, initial=self.saved_scalars())
        saved = self.saved
        self._formset("budget_years", row_formset(BudgetYearRow), saved.budget_years if saved else [])
        self._formset("funding", row_formset(FundingRow, extra=2), saved.funding if saved else [])

    def part_data(self):
        return {prefix: rows for prefix in self.PARTS if (rows := self._rows(prefix)) is not None}


class ParticipantsStep(Step):
    number = 6
    template = "portfolio/submission_step_participants.html"
    PARTS = ("participants", "contacts")

    def build(self):
        saved = self.saved
        self._formset("participants", row_formset(ParticipantRow, extra=2, formset=ParticipantFormSet),
                      saved.participants if saved else [])
        self._formset("contacts", row_formset(ContactRow, extra=2), saved.contacts if saved else [])

    def part_data(self):
        return {prefix: rows for prefix in self.PARTS if (rows := self._rows(prefix)) is not None}


STEPS = {step.number: step for step in (BasicsStep, TerritoriesStep, ThemesStep, PeopleStep, MoneyStep,
                                        ParticipantsStep)}
