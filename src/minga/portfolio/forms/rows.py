"""Rows of the tables on the submission steps: territories, budget years, funding, participants, contacts.

Each row form turns its cleaned data into one part of the services' input (``as_part``); a row
left entirely blank is no row at all.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from minga.portfolio.forms.fields import CurrencyField, amount_field, capitalise_labels, date_input, share_field
from minga.portfolio.inputs import DISPLAY_SEPARATOR
from minga.portfolio.models import ParticipantRole
from minga.reference.models import Country, Municipality, Organisation, Subdivision


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


class LocationRow(RowForm):
    country = forms.ModelChoiceField(label=gettext_lazy("country"), required=False,
                                     queryset=Country.objects.filter(is_member_state=True).order_by("name_en"))
    subdivision = forms.ModelChoiceField(
        label=gettext_lazy("subdivision"), required=False,
        queryset=Subdivision.objects.filter(country__is_member_state=True).order_by("country_id", "name"))
    municipality = forms.CharField(label=gettext_lazy("municipality (p-code)"), required=False, max_length=20)
    percentage = share_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdivision"].label_from_instance = lambda unit: f"{unit.code}{DISPLAY_SEPARATOR}{unit.name}"
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
    amount = amount_field(gettext_lazy("amount"))

    def as_part(self) -> dict:
        return {"year": self.cleaned_data["year"], "amount": self.cleaned_data["amount"]}


class FundingRow(RowForm):
    funder = forms.ModelChoiceField(label=pgettext_lazy("funder of a funding", "from"), queryset=Organisation.objects.order_by("name"))
    amount = amount_field(gettext_lazy("amount"))
    currency = CurrencyField(label=gettext_lazy("currency"))
    value_date = forms.DateField(label=gettext_lazy("value date"), widget=date_input())

    def as_part(self) -> dict:
        data = self.cleaned_data
        return {"funder": data["funder"], "amount": data["amount"], "currency": data["currency"],
                "value_date": data["value_date"]}


class ParticipantRow(RowForm):
    organisation = forms.ModelChoiceField(label=gettext_lazy("organisation"),
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
