"""Form fields of the submission steps: shares, amounts, currencies, dates, and one field per row of the field table."""

import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.portfolio.inputs import FIELD_OF_NAME, Kind
from minga.portfolio.inputs.fields import fields_of_step
from minga.portfolio.models import Project
from minga.reference.models import Organisation


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def share_field(**kwargs):
    return forms.DecimalField(label=gettext_lazy("share (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
                              **kwargs)


def amount_field(label, **kwargs):
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
        return forms.IntegerField(label=label, min_value=0, required=False, help_text=help_text)
    if kind == Kind.BOOL:
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if kind == Kind.ORGANISATION:
        return forms.ModelChoiceField(label=label, required=False, help_text=help_text,
                                      queryset=Organisation.objects.select_related("country").order_by("name"))
    raise ValueError(f"No form field for the kind {kind!r} of {name}")


class ScalarsForm(forms.Form):
    """A step's form: one field per scalar of the table entered on that step (``step``), in table order."""

    step = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in fields_of_step(self.step):
            self.fields[name] = scalar_formfield(name)
