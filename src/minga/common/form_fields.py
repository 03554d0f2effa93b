"""Form fields for numbers typed as the reader's language writes them, shown back the same way.

Text boxes, not type=number: a number box reads "8.000.000" as eight and drops the "," of "12,5" (125), and
Django's IntegerField reads "2.000" as 2. An amount is "8.000.000.000,50" in Spanish and Portuguese and
"8,000,000,000.50" in English; a count of people "2.000" / "2,000". Anything else is refused with an example.
"""

import re
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from django import forms
from django.core import validators
from django.utils.translation import gettext as _

from minga.common.formatting import current_locale
from minga.common.numbers import NumberInvalid, format_amount_input, parse_localized_amount, parse_localized_count
from minga.common.text import shown_order


def date_input(attrs=None) -> forms.DateInput:
    """A date box (type=date): its value must be an ISO date (2026-03-15) in every language. Django's DateInput
    writes a date as the language writes it (15/03/2026 in Spanish and Portuguese), which the browser throws away:
    the box came up empty on every edit, and without the day it was given by default."""
    return forms.DateInput(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d")


class LocalizedNumberInput(forms.TextInput):
    """A saved number shown in the reader's locale ("8.000.000.000,50"); text sent back (after an error) as typed."""

    def __init__(self, attrs=None, *, size: int = 16, mode: str = "decimal", least_places: int = 2):
        super().__init__({"inputmode": mode, "autocomplete": "off", "size": size, **(attrs or {})})
        self.least_places = least_places

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_amount_input(value, least_places=self.least_places)
        return super().format_value(value)


class LocalizedAmountField(forms.Field):
    """An amount or a share typed as the reader's language writes it: at most ``decimal_places`` (2) after the
    decimal symbol, between ``min_value`` and ``max_value`` when given."""

    widget = LocalizedNumberInput

    def __init__(self, *, min_value=None, max_value=None, decimal_places: int = 2, **kwargs):
        self.decimal_places = decimal_places
        super().__init__(**kwargs)
        if isinstance(self.widget, LocalizedNumberInput):  # "12,5" shown back as "12,5" where one place is held
            self.widget.least_places = min(2, decimal_places)
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(Decimal(min_value)))
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(Decimal(max_value)))
        if decimal_places < 2:
            self.validators.append(validators.DecimalValidator(max_digits=None, decimal_places=decimal_places))

    def to_python(self, value):
        try:
            number = parse_localized_amount(value, field=str(self.label or ""), locale=current_locale())
        except NumberInvalid as error:
            raise forms.ValidationError(error.message, code="invalid") from None
        if number is not None and self.decimal_places < 2:
            # The box shows cents as money does ("48,50"): zeros past the field's places are no more precision.
            places = Decimal(1).scaleb(-self.decimal_places)
            if number == number.quantize(places):
                number = number.quantize(places)
        return number


class LocalizedCountField(forms.Field):
    """A whole number (people) typed as the reader's language writes it: "2.000" / "2,000"."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        kwargs.setdefault("widget", LocalizedNumberInput(size=10, mode="numeric"))
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(max_value))

    def to_python(self, value):
        try:
            return parse_localized_count(value, field=str(self.label or ""), locale=current_locale())
        except NumberInvalid as error:
            raise forms.ValidationError(error.message, code="invalid") from None



_COORDINATE = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]+)?")


class CoordinateInput(forms.TextInput):
    """A saved degree shown with the reader's decimal symbol ("4,6097" in Spanish), every digit kept."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "size": 12, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, float | Decimal | int) and not isinstance(value, bool):
            return repr(float(value)).replace(".", get_decimal_symbol(current_locale()))
        return super().format_value(value)


class CoordinateField(forms.FloatField):
    """A latitude or longitude in decimal degrees, with a point or a comma whatever the language: a map copies
    "4.6097" and a Spanish keyboard types "4,6097"; degrees have no thousands, so neither is ambiguous. A number
    box read either according to the browser's own language, not the page's."""

    widget = CoordinateInput

    def to_python(self, value):
        text = ("" if value is None else str(value)).strip().replace("\u2212", "-")
        if not text:
            return None
        if not _COORDINATE.fullmatch(text):
            raise forms.ValidationError(_("Write the degrees as a map gives them, for example %(example)s."),
                                        code="invalid", params={"example": "-74,0721" if current_locale() != "en"
                                                                else "-74.0721"})
        return float(text.replace(",", "."))



class LabelOrderedChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's options in the order of their shown label in the reader's language (case and accents aside),
    after the empty choice: a queryset ordered by the English name put "República Dominicana" between "Costa Rica"
    and "Ecuador" and "Brasil" after "Belice" only by chance."""

    def __iter__(self):
        choices = super().__iter__()
        if self.field.empty_label is not None:
            # Given before the queryset is read: a select asks for its first option alone (is it empty?).
            yield next(choices)
        yield from sorted(choices, key=lambda choice: shown_order(choice[1]))


def order_by_label(*fields: forms.ModelChoiceField) -> None:
    """Show the options of ``fields`` sorted by their label as the reader reads it (see LabelOrderedChoiceIterator)."""
    for field in fields:
        field.iterator = LabelOrderedChoiceIterator
        field.widget.choices = field.choices  # the widget holds the iterator it was given


class LabelOrderedModelChoiceField(forms.ModelChoiceField):
    """A select of countries or organisations: options sorted by their label in the reader's language."""

    iterator = LabelOrderedChoiceIterator
