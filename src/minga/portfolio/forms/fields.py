"""Form fields of the submission steps: shares, amounts, currencies, dates, and one field per row of the field table."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.common.form_fields import LabelOrderedModelChoiceField, LocalizedAmountField, LocalizedCountField
from minga.common.formatting import current_locale
from minga.common.numbers import MAX_COUNT, NumberInvalid, format_amount_input, parse_localized_amount
from minga.portfolio.inputs import FIELD_OF_NAME, Kind
from minga.portfolio.inputs.fields import fields_of_step
from minga.portfolio.models import Project
from minga.reference.currencies import currency_choices
from minga.reference.models import Organisation


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def share_field(**kwargs):
    return LocalizedAmountField(label=gettext_lazy("share (%)"), min_value=0, max_value=100, **kwargs)


class AmountInput(forms.TextInput):
    """A text box for an amount (not type=number, which reads "8.000.000" as eight): a saved amount is shown in
    the reader's locale, text sent back (after an error) as it was typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "size": 16, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_amount_input(value)
        return super().format_value(value)


class AmountField(forms.Field):
    """An amount typed as the reader's language writes it: 8.000.000.000,50 in Spanish, 8,000,000,000.50 in English."""

    widget = AmountInput

    def to_python(self, value):
        try:
            return parse_localized_amount(value, field=str(self.label or ""), locale=current_locale())
        except NumberInvalid as error:
            raise forms.ValidationError(error.message, code="invalid") from None


def amount_field(label, **kwargs):
    return AmountField(label=label, **kwargs)


class CurrencyField(forms.ChoiceField):
    """An ISO 4217 currency chosen by its name in the reader's language: the region's first, then the rest."""

    def __init__(self, **kwargs):
        super().__init__(choices=self.grouped_choices, **kwargs)
        self.error_messages["invalid_choice"] = gettext_lazy(
            "“%(value)s” is not a currency of the list: choose the currency by its name.")

    def to_python(self, value):
        code = super().to_python(value).strip()
        # "cop" sent by a program is COP; anything else is left as sent, for the error to quote it.
        return code.upper() if len(code) == 3 and code.isascii() and code.isalpha() else code

    @staticmethod
    def grouped_choices():
        region, others = currency_choices(current_locale())
        return [("", "—"), (_("Currencies of the region"), list(region)), (_("Other currencies"), list(others))]


def capitalise_labels(form):
    for field in form.fields.values():
        if field.label:
            field.label = capfirst(field.label)


def scalar_formfield(name: str) -> forms.Field:
    """The form field of a scalar of the field table, labelled and explained as the model field is; never required."""
    model_field = Project._meta.get_field(name)
    label, help_text = model_field.verbose_name, model_field.help_text
    kind = FIELD_OF_NAME[name].kind
    if kind == Kind.TEXT:
        field = model_field.formfield()
        field.required = False
        return field
    if kind == Kind.CURRENCY:
        return CurrencyField(label=label, required=False, help_text=help_text)
    if kind == Kind.DATE:
        return forms.DateField(label=label, required=False, widget=date_input(), help_text=help_text)
    if kind == Kind.AMOUNT:
        return amount_field(label, required=False, help_text=help_text)
    if kind == Kind.COUNT:
        return LocalizedCountField(label=label, min_value=0, max_value=MAX_COUNT, required=False, help_text=help_text)
    if kind == Kind.BOOL:
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if kind == Kind.ORGANISATION:
        return LabelOrderedModelChoiceField(label=label, required=False, help_text=help_text,
                                            queryset=Organisation.objects.select_related("country").order_by("name"))
    raise ValueError(f"No form field for the kind {kind!r} of {name}")


class ScalarsForm(forms.Form):
    """A step's form: one field per scalar of the table entered on that step (``step``), in table order."""

    step = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields_of_step(self.step):
            self.fields[name] = scalar_formfield(name)
