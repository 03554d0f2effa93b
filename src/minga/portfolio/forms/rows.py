"""Rows of the tables on the submission steps: territories, budget years, funding, participants, contacts.

Each row form turns its cleaned data into one part of the services' input (``as_part``); a row
left entirely blank is no row at all.
"""

import json

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from minga.common.form_fields import LabelOrderedModelChoiceField
from minga.common.text import TextInvalid, control_characters, normalise_name
from minga.portfolio.forms.fields import CurrencyField, amount_field, capitalise_labels, date_input, share_field
from minga.portfolio.models import ParticipantRole
from minga.reference.currencies import sort_key
from minga.reference.models import Country, Municipality, Organisation, Subdivision
from minga.reference.selectors import MAX_FILTER_TEXT, member_municipalities, member_subdivisions


class RowForm(forms.Form):
    """One row of a table: a row left entirely blank is no row at all, however it was prefilled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        capitalise_labels(self)

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


class MunicipalityField(forms.ModelChoiceField):
    """A municipality by its p-code (the list's values), named in the error when no municipality has it."""

    def to_python(self, value):
        try:
            return super().to_python(value.strip().upper() if isinstance(value, str) else value)
        except forms.ValidationError:
            raise forms.ValidationError(_("No municipality has the p-code %(pcode)s.") % {"pcode": value},
                                        code="invalid_choice") from None


def _htmx(url_name: str, prefix: str, target: str, trigger: str) -> dict:
    """What makes a field of a territory row refresh one list of its row as it changes (htmx; the row's own
    fields are sent, named with the row's prefix)."""
    return {"hx-get": reverse(url_name), "hx-trigger": trigger, "hx-target": f"#{target}", "hx-swap": "innerHTML",
            "hx-include": "closest tr", "hx-vals": json.dumps({"prefix": prefix}), "hx-sync": "this:replace"}


class LocationRow(RowForm):
    """A territory picked by name: country, then a subdivision of it, then a municipality of that.

    Each list offers only the units of the one before it (and, after a search, those whose name holds
    what was typed: ``subdivision_q``, ``municipality_q``). As a country or subdivision is chosen, htmx
    refreshes the list below it from the reference endpoints; without JavaScript, "Show the lists"
    sends the page back with the lists narrowed to what the rows name. Any unit of a member state is
    accepted when sent (the narrowing is for choosing); ``clean`` checks that the units fit together.
    """

    country = LabelOrderedModelChoiceField(label=gettext_lazy("country"), required=False,
                                     queryset=Country.objects.filter(is_member_state=True))
    subdivision = forms.ModelChoiceField(label=gettext_lazy("subdivision"), required=False,
                                         queryset=Subdivision.objects.filter(country__is_member_state=True))
    municipality = MunicipalityField(
        label=gettext_lazy("municipality"), required=False, to_field_name="pcode",
        queryset=Municipality.objects.filter(subdivision__country__is_member_state=True).select_related("subdivision"))
    percentage = share_field()
    SEARCHES = ("subdivision_q", "municipality_q")

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        territories = territories if territories is not None else TerritoryLists()
        country, subdivision = self._chosen("country"), self._chosen("subdivision")
        municipality = self._chosen("municipality")
        # A row may name only its most precise unit: the lists above it then show the units it lies in.
        if municipality and not subdivision:
            subdivision = territories.subdivision_of(municipality)
        if subdivision and not country:
            country = territories.country_of(subdivision)
        self.searches = {name: self._typed(name) for name in self.SEARCHES}
        fields = self.fields
        fields["country"].widget.choices = [("", "—"), *territories.countries()]
        fields["subdivision"].widget.choices = [("", "—"), *territories.subdivisions(
            country, self.searches["subdivision_q"], keep=subdivision)]
        fields["municipality"].widget.choices = [("", "—"), *territories.municipalities(
            subdivision, self.searches["municipality_q"], keep=municipality)]
        ids = {name: self[name].auto_id for name in ("subdivision", "municipality")}
        fields["country"].widget.attrs.update(_htmx("reference:subdivision_options", self.prefix, ids["subdivision"],
                                                    "change"))
        fields["municipality"].widget.attrs.update(_htmx(
            "reference:municipality_options", self.prefix, ids["municipality"],
            f"change from:#{ids['subdivision']}, htmx:afterSwap from:#{ids['subdivision']}"))

    @property
    def search_boxes(self) -> dict[str, dict]:
        """The search box above the subdivision and municipality lists: its name, what was typed, its htmx
        attributes (rendered, escaped) that refresh the list as one types."""
        urls = {"subdivision": "reference:subdivision_options", "municipality": "reference:municipality_options"}
        return {unit: {"name": self.add_prefix(f"{unit}_q"), "id": f"{self[unit].auto_id}_q",
                       "value": self.searches[f"{unit}_q"],
                       "attrs": flatatt(_htmx(url, self.prefix, self[unit].auto_id, "input changed delay:300ms, search"))}
                for unit, url in urls.items()}

    def _chosen(self, name: str) -> str:
        """The code the row names for ``name`` (sent, or saved), as the list's value."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name), "")
            return value if isinstance(value, str) else ""
        value = self.initial.get(name)
        if isinstance(value, Municipality):
            return value.pcode
        return str(value.pk if hasattr(value, "pk") else value or "")

    def _typed(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name), "") if self.is_bound else ""
        return value[:MAX_FILTER_TEXT] if isinstance(value, str) else ""

    def clean(self):
        cleaned = super().clean()
        # That the units fit together is validation.check's (for every way a project comes in). The wider units follow from the narrower one, so a row needs only its most precise unit.
        municipality, subdivision = cleaned.get("municipality"), cleaned.get("subdivision")
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


class TerritoryLists:
    """The lists of a territories table, read once per page for all its rows: the member states by name in
    the reader's language, and the subdivisions and municipalities of each unit a row names."""

    def __init__(self):
        self._countries = None
        self._subdivisions: dict[str, list] = {}
        self._municipalities: dict[str, list] = {}

    def countries(self) -> list[tuple[str, str]]:
        if self._countries is None:
            self._countries = sorted(((country.iso3, country.name) for country in
                                      Country.objects.filter(is_member_state=True)), key=lambda item: sort_key(item[1]))
        return self._countries

    def country_of(self, subdivision: str) -> str:
        if control_characters(subdivision):  # names no unit (PostgreSQL would refuse a NUL); the field says so
            return ""
        return Subdivision.objects.filter(pk=subdivision.upper()).values_list("country_id", flat=True).first() or ""

    def subdivision_of(self, municipality: str) -> str:
        if control_characters(municipality):
            return ""
        return (Municipality.objects.filter(pcode=municipality.upper()).values_list("subdivision_id", flat=True)
                .first() or "")

    def subdivisions(self, country: str, query: str = "", *, keep: str = "") -> list[tuple[str, str]]:
        key = country.upper()
        if key not in self._subdivisions:
            self._subdivisions[key] = [(unit.code, unit.name) for unit in _listed(member_subdivisions, key)]
        return _narrowed(self._subdivisions[key], query, keep)

    def municipalities(self, subdivision: str, query: str = "", *, keep: str = "") -> list[tuple[str, str]]:
        key = subdivision.upper()
        if key not in self._municipalities:
            self._municipalities[key] = [(unit.pcode, unit.name) for unit in _listed(member_municipalities, key)]
        return _narrowed(self._municipalities[key], query, keep)


def _listed(selector, code: str) -> list:
    try:
        return selector(code)
    except TextInvalid:  # a code with control characters names no unit; the field's own check says so
        return []


def _narrowed(options, query: str, keep: str) -> list[tuple[str, str]]:
    """The options whose name holds ``query``, and always the one chosen (``keep``) so a search never unsets it."""
    wanted = normalise_name(query)
    return [(value, label) for value, label in options if not wanted or value == keep or wanted in normalise_name(label)]


class BudgetYearRow(RowForm):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2018, max_value=2100)
    amount = amount_field(gettext_lazy("amount"))

    def as_part(self) -> dict:
        return {"year": self.cleaned_data["year"], "amount": self.cleaned_data["amount"]}


class FundingRow(RowForm):
    funder = LabelOrderedModelChoiceField(label=pgettext_lazy("funder of a funding", "from"), queryset=Organisation.objects.order_by("name"))
    amount = amount_field(gettext_lazy("amount"))
    currency = CurrencyField(label=gettext_lazy("currency"))
    value_date = forms.DateField(label=gettext_lazy("value date"), widget=date_input())

    def as_part(self) -> dict:
        data = self.cleaned_data
        return {"funder": data["funder"], "amount": data["amount"], "currency": data["currency"],
                "value_date": data["value_date"]}


class ParticipantRow(RowForm):
    organisation = LabelOrderedModelChoiceField(label=gettext_lazy("organisation"),
                                          queryset=Organisation.objects.order_by("name"))
    role = forms.ChoiceField(label=pgettext_lazy("participant in a project", "role"), choices=[("", "—"), *ParticipantRole.choices])

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
    position = forms.CharField(label=pgettext_lazy("job of a contact", "position"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("e-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("telephone"), max_length=40, required=False)

    def as_part(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "position", "email", "phone")}
