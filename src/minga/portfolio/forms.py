"""The steps of the submission form: each turns what a person typed into part of the services' input.

A project is entered in six steps plus a last one for documents and submission. Each step holds
plain forms and formsets (no ModelForm: nothing here saves a model) and knows

- ``service_data()``: its part of the dict that ``services.project_create/project_update`` take,
  built from the fields that passed their own checks (a part whose rows have errors is left out,
  so the cross-part checks run on the stored part instead of on half-read rows);
- where each error goes: ``slot_for(key)`` maps a key of ``validation.check``/``ProjectInvalid``
  (``locations``, ``locations[2].percentage``, ``themes[quito-axes]``…) to the place on the page
  next to the field, row or table it is about. Keys that belong to another step are listed at the
  top of the page with a link to their step.
"""

import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.portfolio.models import ParticipantRole, PopulationGroup, Project, ProjectDocument, ProjectPeople, SexAge
from minga.portfolio.workflow import PROJECT_WORKFLOW
from minga.reference.models import (
    Country, Marker, Municipality, Organisation, OrganisationType, Significance, Subdivision, Term,
)

LAST_STEP = 7
STEP_TITLES = {
    1: gettext_lazy("Basics"),
    2: gettext_lazy("Territories"),
    3: gettext_lazy("Themes and markers"),
    4: gettext_lazy("People"),
    5: gettext_lazy("Money"),
    6: gettext_lazy("Participants and contacts"),
    7: gettext_lazy("Documents and submission"),
}
# The step on which each top-level key of the service input (and of its errors) is entered.
STEP_OF_FIELD = {
    **{f"{field}_{code}": 1 for field in ("title", "summary", "description") for code in ("es", "pt", "en")},
    "title": 1, "summary": 1, "description": 1, "proposing_organisation": 1, "planned_start": 1,
    "planned_end": 1, "sdg_targets": 1,
    "is_regional": 2, "locations": 2,
    "themes": 3, "markers": 3,
    "people": 4, "people_total": 4, "people_with_disabilities": 4,
    "budget_amount": 5, "budget_currency": 5, "budget_value_date": 5, "requested_amount": 5,
    "budget_years": 5, "funding": 5,
    "participants": 6, "contacts": 6,
    "document": 7, "comment": 7,
}
# Who may propose: a member state's government body or one of its local governments (see validation).
PROPOSER_TYPES = (OrganisationType.GOVERNMENT, OrganisationType.LOCAL_GOVERNMENT,
                  OrganisationType.OTHER_PUBLIC_SECTOR)
KEY = re.compile(r"^(?P<root>[a-z_]+)(?:\[(?P<index>[^\]]+)\])?(?:\.(?P<field>\w+))?$")


def step_of(key: str) -> int:
    match = KEY.match(key)
    return STEP_OF_FIELD.get(match.group("root") if match else key, 1)


def proposable_organisations(user, *, also=None):
    """The organisations ``user`` may propose a project for, as the permission module decides."""
    candidates = (Organisation.objects.filter(organisation_type__in=PROPOSER_TYPES, country__is_member_state=True)
                  .select_related("country"))
    allowed = [organisation.pk for organisation in candidates if permissions.can(
        user, Action.CREATE, Project(proposing_organisation=organisation, country_id=organisation.country_id))]
    if also is not None:
        allowed.append(also.pk)
    return Organisation.objects.filter(pk__in=allowed).select_related("country").order_by("country_id", "name")


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _share_field(**kwargs):
    return forms.DecimalField(label=gettext_lazy("share (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
                              **kwargs)


def _amount_field(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, min_value=0, **kwargs)


class CurrencyField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=3, min_length=3, **kwargs)
        self.widget.attrs.update({"size": 4, "list": "currencies", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value).strip().upper()
        if value and not re.fullmatch(r"[A-Z]{3}", value):
            raise forms.ValidationError(_("Use an ISO 4217 currency code, e.g. COP, USD, EUR."))
        return value


# --- rows of a table ---------------------------------------------------------------------------------

def _capitalise_labels(form):
    for field in form.fields.values():
        if field.label:
            field.label = capfirst(field.label)


class RowForm(forms.Form):
    """One row of a table: a row left entirely blank is no row at all, however it was prefilled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _capitalise_labels(self)

    def is_blank(self) -> bool:
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if value not in (None, "", [], (), False):
                return False
        return True

    def has_changed(self):
        return not self.is_blank() if self.is_bound else super().has_changed()


class RowFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may be left blank, the prefilled ones too: blanking a row removes it.
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)

    def filled(self) -> list[tuple[int, forms.Form]]:
        """(row index, form) of the rows that hold something, in page order."""
        return [(index, form) for index, form in enumerate(self.forms) if not form.is_blank()]


def row_formset(form, extra=3, formset=None):
    return forms.formset_factory(form, formset=formset or RowFormSet, extra=extra)


class LocationRow(RowForm):
    country = forms.ModelChoiceField(label=gettext_lazy("country"), required=False,
                                     queryset=Country.objects.filter(is_member_state=True).order_by("name_en"))
    subdivision = forms.ModelChoiceField(
        label=gettext_lazy("subdivision"), required=False,
        queryset=Subdivision.objects.filter(country__is_member_state=True).order_by("country_id", "name"))
    municipality = forms.CharField(label=gettext_lazy("municipality (p-code)"), required=False, max_length=20)
    percentage = _share_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdivision"].label_from_instance = lambda unit: f"{unit.code} — {unit.name}"
        self.fields["municipality"].widget.attrs.update({"size": 10})

    def clean_municipality(self):
        pcode = self.cleaned_data["municipality"].strip().upper()
        if not pcode:
            return None
        municipality = Municipality.objects.select_related("subdivision").filter(pcode=pcode).first()
        if municipality is None:
            raise forms.ValidationError(_("No municipality has the p-code %(pcode)s.") % {"pcode": pcode})
        return municipality

    def clean(self):
        cleaned = super().clean()
        municipality, subdivision = cleaned.get("municipality"), cleaned.get("subdivision")
        # The wider units follow from the narrower one, so a row needs only its most precise unit.
        if municipality is not None and subdivision is None and "subdivision" not in self.errors:
            cleaned["subdivision"] = subdivision = municipality.subdivision
        if subdivision is not None and cleaned.get("country") is None and "country" not in self.errors:
            cleaned["country"] = subdivision.country
        if cleaned.get("country") is None and not self.errors:
            raise forms.ValidationError(_("Choose a country, a subdivision or a municipality."))
        return cleaned

    def as_part(self) -> dict:
        data = self.cleaned_data
        return {"country": data["country"], "subdivision": data.get("subdivision"),
                "municipality": data.get("municipality"), "percentage": data["percentage"]}


class BudgetYearRow(RowForm):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2018, max_value=2100)
    amount = _amount_field(gettext_lazy("amount"))

    def as_part(self) -> dict:
        return {"year": self.cleaned_data["year"], "amount": self.cleaned_data["amount"]}


class FundingRow(RowForm):
    funder = forms.ModelChoiceField(label=gettext_lazy("from"), queryset=Organisation.objects.order_by("name"))
    amount = _amount_field(gettext_lazy("amount"))
    currency = CurrencyField(label=gettext_lazy("currency"))
    value_date = forms.DateField(label=gettext_lazy("value date"), widget=_date_input())

    def as_part(self) -> dict:
        data = self.cleaned_data
        return {"funder": data["funder"], "amount": data["amount"], "currency": data["currency"],
                "value_date": data["value_date"]}


class ParticipantRow(RowForm):
    organisation = forms.ModelChoiceField(label=gettext_lazy("organisation"),
                                          queryset=Organisation.objects.order_by("name"))
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=[("", "—"), *ParticipantRole.choices])

    def as_part(self) -> dict:
        return {"organisation": self.cleaned_data["organisation"], "role": self.cleaned_data["role"]}


class ParticipantFormSet(RowFormSet):
    def clean(self):
        seen = set()
        for _index, form in self.filled():
            if form.errors:
                continue
            key = (form.cleaned_data["organisation"].pk, form.cleaned_data["role"])
            if key in seen:
                raise forms.ValidationError(_("An organisation is listed twice in the same role."))
            seen.add(key)


class ContactRow(RowForm):
    name = forms.CharField(label=gettext_lazy("name"), max_length=150)
    position = forms.CharField(label=gettext_lazy("position"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("e-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("telephone"), max_length=40, required=False)

    def as_part(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "position", "email", "phone")}


# --- steps ---------------------------------------------------------------------------------------------

class Step:
    """One page of the submission form. Subclasses build ``self.form`` and/or named formsets."""

    number = 0
    template = ""

    def __init__(self, *, user, project: Project | None = None, data=None):
        self.user, self.project, self.data = user, project, data
        self.formsets: dict[str, RowFormSet] = {}
        self.form: forms.Form | None = None
        self.build()

    @property
    def title(self):
        return STEP_TITLES[self.number]

    def build(self):
        raise NotImplementedError

    def _form(self, form_class, initial=None, **kwargs):
        form = form_class(self.data, initial=None if self.data is not None else initial, label_suffix="", **kwargs)
        _capitalise_labels(form)
        return form

    def _formset(self, prefix, formset_class, rows):
        formset = formset_class(self.data, prefix=prefix, initial=None if self.data is not None else rows,
                                form_kwargs={"label_suffix": ""})
        for index, form in enumerate(formset.forms):
            form.slot_id = f"{prefix}-row-{index}"
        self.formsets[prefix] = formset
        return formset

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] if self.form is not None else []
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    # What the services receive -------------------------------------------------------------------
    def service_data(self) -> dict:
        """This step's part of the input, from what passed its own checks (call ``is_valid`` first)."""
        raise NotImplementedError

    def _rows(self, prefix) -> list[dict] | None:
        """The filled rows as part dicts, or None when any row (or the table) has an error."""
        formset = self.formsets[prefix]
        if not formset.is_valid():
            return None
        return [form.as_part() for _index, form in formset.filled()]

    def _positions(self, prefix) -> dict[int, int]:
        """Row number in the service input (1-based, filled rows only) → row index on the page."""
        return {position: index for position, (index, _form) in enumerate(self.formsets[prefix].filled(), start=1)}

    # Where errors go -----------------------------------------------------------------------------
    def slot_ids(self) -> list[str]:
        ids = list(self.form.fields) if self.form is not None else []
        ids += self.extra_slots()
        for prefix, formset in self.formsets.items():
            ids.append(prefix)
            ids += [form.slot_id for form in formset.forms]
        return ids

    def extra_slots(self) -> list[str]:
        return []

    def slot_for(self, key: str) -> str | None:
        """The place on this page for an error keyed ``key``; None when it belongs to another step."""
        if self.form is not None and key in self.form.fields:
            return key
        match = KEY.match(key)
        if not match or step_of(key) != self.number:
            return None
        return self.slot_for_part(match.group("root"), match.group("index"), match.group("field"))

    def slot_for_part(self, root, index, field) -> str | None:
        if root in self.formsets:
            if index and index.isdigit():
                row = self._positions(root).get(int(index))
                if row is not None:
                    return self.formsets[root].forms[row].slot_id
            return root
        return None

    def form_errors(self) -> dict[str, list[str]]:
        """The errors of the fields themselves (a date that is no date…), by slot."""
        slots: dict[str, list[str]] = {}
        if self.form is not None and self.form.is_bound:
            for name, messages in self.form.errors.items():
                slots.setdefault(name if name in self.form.fields else (self.extra_slots() or [name])[0],
                                 []).extend(messages)
        for prefix, formset in self.formsets.items():
            if not formset.is_bound:
                continue
            if formset.non_form_errors():
                slots.setdefault(prefix, []).extend(formset.non_form_errors())
            for form in formset.forms:
                for name, messages in form.errors.items():
                    label = form.fields[name].label if name in form.fields else None
                    slots.setdefault(form.slot_id, []).extend(
                        f"{label}: {message}" if label else message for message in messages)
        return slots

    def place(self, service_errors: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[dict]]:
        """Slots with their messages (this step's field errors first), and the errors of other steps."""
        slots = self.form_errors()
        elsewhere = []
        for key, messages in service_errors.items():
            slot = self.slot_for(key)
            if slot is None:
                for message in messages:  # another step's: named at the top of the page, with a link
                    elsewhere.append({"key": key, "message": message, "step": step_of(key),
                                      "step_title": STEP_TITLES[step_of(key)]})
                continue
            known = slots.setdefault(slot, [])
            known.extend(message for message in messages if message not in known)
        return slots, elsewhere


class BasicsForm(forms.Form):
    def __init__(self, *args, user, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title_es", "title_pt", "title_en", "summary_es", "summary_pt", "summary_en",
                     "description_es", "description_pt", "description_en", "sdg_targets"):
            self.fields[name] = Project._meta.get_field(name).formfield()
            self.fields[name].required = False
        for name in ("summary_es", "summary_pt", "summary_en"):
            self.fields[name].widget.attrs["rows"] = 3
        for name in ("description_es", "description_pt", "description_en"):
            self.fields[name].widget.attrs["rows"] = 5
        self.fields["proposing_organisation"] = forms.ModelChoiceField(
            label=_("proposing organisation"),
            queryset=proposable_organisations(user, also=project.proposing_organisation if project else None),
            help_text=_("A government body or local government of a member state, within your remit."))
        self.fields["proposing_organisation"].label_from_instance = (
            lambda organisation: f"{organisation.name} ({organisation.country_id})")
        self.fields["planned_start"] = forms.DateField(label=_("planned start"), required=False, widget=_date_input())
        self.fields["planned_end"] = forms.DateField(label=_("planned end"), required=False, widget=_date_input())
        self.fields["sdg_targets"].help_text = _("Separated by commas, e.g. 10.7, 5.2")
        # Fields in reading order: titles, summaries, descriptions, then the rest.
        order = ["proposing_organisation", "title_es", "title_pt", "title_en", "summary_es", "summary_pt",
                 "summary_en", "description_es", "description_pt", "description_en", "planned_start",
                 "planned_end", "sdg_targets"]
        self.order_fields(order)


class BasicsStep(Step):
    number = 1
    template = "portfolio/submission_step_basics.html"
    FIELDS = ("title_es", "title_pt", "title_en", "summary_es", "summary_pt", "summary_en", "description_es",
              "description_pt", "description_en", "proposing_organisation", "planned_start", "planned_end",
              "sdg_targets")

    def build(self):
        initial = {name: getattr(self.project, name) for name in self.FIELDS} if self.project else None
        self.form = self._form(BasicsForm, initial=initial, user=self.user, project=self.project)

    def has_organisations(self) -> bool:
        return self.form.fields["proposing_organisation"].queryset.exists()

    def extra_slots(self):
        return ["title", "summary"]

    def slot_for_part(self, root, index, field):
        return root if root in ("title", "summary") else None

    def service_data(self):
        return {name: self.form.cleaned_data[name] for name in self.FIELDS if name in self.form.cleaned_data}


class TerritoriesForm(forms.Form):
    is_regional = forms.BooleanField(
        label=gettext_lazy("Regional project (covers the region rather than named territories)"), required=False)


class TerritoriesStep(Step):
    number = 2
    template = "portfolio/submission_step_territories.html"

    def build(self):
        project = self.project
        self.form = self._form(TerritoriesForm, initial={"is_regional": project.is_regional} if project else None)
        rows = [{"country": row.country, "subdivision": row.subdivision,
                 "municipality": row.municipality.pcode if row.municipality else "", "percentage": row.percentage}
                for row in project.locations.select_related("country", "subdivision", "municipality")
                ] if project else []
        self._formset("locations", row_formset(LocationRow), rows)

    def service_data(self):
        data = {}
        if "is_regional" in self.form.cleaned_data:
            data["is_regional"] = self.form.cleaned_data["is_regional"]
        locations = self._rows("locations")
        if locations is not None:
            data["locations"] = locations
        return data


class ThemesForm(forms.Form):
    """A share box for every axis and every line of work, and the significance of each marker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {}
        for prefix, vocabulary in (("axis", "quito-axes"), ("line", "lines-of-work-2023")):
            for term in Term.objects.filter(vocabulary_id=vocabulary).select_related("vocabulary").order_by(
                    "position", "code"):
                name = f"{prefix}__{term.code}"
                self.fields[name] = _share_field(required=False)
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
    VOCABULARY_SLOTS = {"quito-axes": "axes", "lines-of-work-2023": "lines"}

    def build(self):
        initial = None
        if self.project:
            initial = {}
            for row in self.project.themes.select_related("term"):
                prefix = "axis" if row.term.vocabulary_id == "quito-axes" else "line"
                initial[f"{prefix}__{row.term.code}"] = row.percentage
            for row in self.project.markers.all():
                initial[f"marker__{row.marker_id}"] = row.significance
        self.form = self._form(ThemesForm, initial=initial)

    def extra_slots(self):
        return ["axes", "lines", "markers"]

    def _theme_rows(self) -> list[tuple[str, dict]]:
        cleaned = self.form.cleaned_data
        return [(name, {"term": term, "percentage": cleaned[name]}) for name, term in self.form.terms.items()
                if cleaned.get(name)]

    def service_data(self):
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


class PeopleForm(forms.Form):
    people_total = forms.IntegerField(label=gettext_lazy("people served"), min_value=0, required=False)
    people_with_disabilities = forms.IntegerField(label=gettext_lazy("of whom persons with disabilities"),
                                                  min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, choices in (("group", PopulationGroup), ("sexage", SexAge)):
            for value, label in choices.choices:
                self.fields[f"{prefix}__{value}"] = forms.IntegerField(label=label, min_value=0, required=False)

    def group_rows(self):
        return [self[name] for name in self.fields if name.startswith("group__")]

    def sexage_rows(self):
        return [self[name] for name in self.fields if name.startswith("sexage__")]


class PeopleStep(Step):
    number = 4
    template = "portfolio/submission_step_people.html"
    DIMENSIONS = {"group": ProjectPeople.Dimension.POPULATION_GROUP, "sexage": ProjectPeople.Dimension.SEX_AGE}

    def build(self):
        initial = None
        if self.project:
            initial = {"people_total": self.project.people_total,
                       "people_with_disabilities": self.project.people_with_disabilities}
            prefixes = {dimension: prefix for prefix, dimension in self.DIMENSIONS.items()}
            for row in self.project.people.all():
                initial[f"{prefixes[row.dimension]}__{row.category}"] = row.people
        self.form = self._form(PeopleForm, initial=initial)

    def extra_slots(self):
        return ["groups", "sexage"]

    def service_data(self):
        cleaned = self.form.cleaned_data
        data = {name: cleaned[name] for name in ("people_total", "people_with_disabilities") if name in cleaned}
        breakdown = [name for name in self.form.fields if "__" in name]
        if not any(name in self.form.errors for name in breakdown):
            data["people"] = [
                {"dimension": self.DIMENSIONS[name.split("__")[0]], "category": name.split("__")[1],
                 "people": cleaned[name]}
                for name in breakdown if cleaned.get(name)]
        return data

    def slot_for_part(self, root, index, field):
        if root == "people":
            return "sexage" if index == ProjectPeople.Dimension.SEX_AGE else "groups"
        return None


class MoneyForm(forms.Form):
    budget_amount = _amount_field(gettext_lazy("total budget"), required=False)
    budget_currency = CurrencyField(label=gettext_lazy("currency"), required=False)
    budget_value_date = forms.DateField(
        label=gettext_lazy("value date"), required=False, widget=_date_input(),
        help_text=gettext_lazy("The date whose exchange rate converts the budget to US dollars."))
    requested_amount = _amount_field(gettext_lazy("requested from the Group of Friends"), required=False,
                                     help_text=gettext_lazy("In the budget's currency."))


class MoneyStep(Step):
    number = 5
    template = "portfolio/submission_step_money.html"
    FIELDS = ("budget_amount", "budget_currency", "budget_value_date", "requested_amount")

    def build(self):
        project = self.project
        self.form = self._form(MoneyForm, initial={name: getattr(project, name) for name in self.FIELDS}
                               if project else None)
        years = [{"year": row.year, "amount": row.amount} for row in project.budget_years.all()] if project else []
        funding = [{"funder": row.funder, "amount": row.amount, "currency": row.currency,
                    "value_date": row.value_date} for row in project.funding.select_related("funder")
                   ] if project else []
        self._formset("budget_years", row_formset(BudgetYearRow), years)
        self._formset("funding", row_formset(FundingRow, extra=2), funding)

    def service_data(self):
        data = {name: self.form.cleaned_data[name] for name in self.FIELDS if name in self.form.cleaned_data}
        for prefix in ("budget_years", "funding"):
            rows = self._rows(prefix)
            if rows is not None:
                data[prefix] = rows
        return data


class ParticipantsStep(Step):
    number = 6
    template = "portfolio/submission_step_participants.html"

    def build(self):
        project = self.project
        participants = [{"organisation": row.organisation, "role": row.role}
                        for row in project.participants.select_related("organisation")] if project else []
        contacts = [{"name": row.name, "position": row.position, "email": row.email, "phone": row.phone}
                    for row in project.contacts.all()] if project else []
        self._formset("participants", row_formset(ParticipantRow, extra=2, formset=ParticipantFormSet), participants)
        self._formset("contacts", row_formset(ContactRow, extra=2), contacts)

    def service_data(self):
        data = {}
        for prefix in ("participants", "contacts"):
            rows = self._rows(prefix)
            if rows is not None:
                data[prefix] = rows
        return data


STEPS = {step.number: step for step in (BasicsStep, TerritoriesStep, ThemesStep, PeopleStep, MoneyStep,
                                        ParticipantsStep)}


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ProjectDocument.Kind.choices)
    file = forms.FileField(label=gettext_lazy("file"),
                           help_text=gettext_lazy("PDF, Word (DOCX) or Excel (XLSX), up to 15 MB."))


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=PROJECT_WORKFLOW.choices)
    version = forms.IntegerField(min_value=0)
    comment = forms.CharField(required=False, max_length=2000)

