"""The results forms: a cell's report (numbers typed as the reader's language writes them), an indicator, a period."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.common.formatting import current_locale
from minga.common.numbers import NumberInvalid, format_amount_input, parse_localized_amount
from minga.reference.models import LINES_OF_WORK, Term
from minga.results.dimensions import DIMENSIONS, field_name
from minga.results.models import Aggregation, Frequency, IndicatorKind
from minga.results.services import IndicatorInput, ReportInput


class NumberInput(forms.TextInput):
    """A text box, not type=number (which reads "1.250" as one and a quarter in Spanish): shown in the reader's
    locale, sent back as typed after an error."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "size": 10, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_amount_input(value)
        return super().format_value(value)


class NumberField(forms.Field):
    widget = NumberInput

    def to_python(self, value):
        try:
            return parse_localized_amount(value, field=str(self.label or ""), locale=current_locale())
        except NumberInvalid as error:
            raise forms.ValidationError(error.message, code="invalid") from None


class ServiceErrors:
    """Shows a service's ValidationError on the form: on its field when the form has one, else above it."""

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ReportForm(ServiceErrors, forms.Form):
    """``indicators``, ``periods``, ``territories``: (key, name) choices of the project, chosen by name."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    period = forms.ChoiceField(label=_("Period"))
    territory = forms.ChoiceField(label=_("Territory"))
    value = NumberField(label=_("Value reached"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicators, periods, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators
        self.fields["period"].choices = periods
        self.fields["territory"].choices = territories
        for dimension, (_label, categories) in DIMENSIONS.items():
            for category, category_label in categories.items():
                self.fields[field_name(dimension, category)] = NumberField(label=category_label, required=False)
            self.fields[f"partial_{dimension}"] = forms.BooleanField(
                label=_("These parts cover only part of the total"), required=False)

    def dimensions(self):
        """(dimension label, [bound fields], partial bound field) for the template."""
        return [(label, [self[field_name(dimension, category)] for category in categories],
                 self[f"partial_{dimension}"]) for dimension, (label, categories) in DIMENSIONS.items()]

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        breakdown = {}
        for dimension, (_label, categories) in DIMENSIONS.items():
            parts = {category: data[field_name(dimension, category)] for category in categories
                     if data.get(field_name(dimension, category)) is not None}
            if parts:
                breakdown[dimension] = parts
        partial = tuple(dimension for dimension in DIMENSIONS if data.get(f"partial_{dimension}"))
        return ReportInput(value=data["value"], breakdown=breakdown, partial=partial, note=data.get("note") or "")

def initial_of(report) -> dict:
    """The form's initial values for an existing report."""
    initial = {"value": report.value, "note": report.note}
    for dimension, parts in report.breakdown.items():
        for category, value in parts.items():
            initial[field_name(dimension, category)] = Decimal(value)
    for dimension in report.partial:
        initial[f"partial_{dimension}"] = True
    return initial


class IndicatorForm(ServiceErrors, forms.Form):
    """An indicator of a project: its name and unit in the three languages, type, rule, baseline and target."""

    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=200, required=False)
    name_pt = forms.CharField(label=_("Name (Portuguese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    unit_es = forms.CharField(label=_("Unit (Spanish)"), max_length=60, required=False)
    unit_pt = forms.CharField(label=_("Unit (Portuguese)"), max_length=60, required=False)
    unit_en = forms.CharField(label=_("Unit (English)"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=IndicatorKind.choices, initial=IndicatorKind.PEOPLE)
    aggregation = forms.ChoiceField(
        label=_("Aggregation"), choices=Aggregation.choices, initial=Aggregation.SUM,
        help_text=_("Sum: periods and places add up. Largest or latest value: for a count that already includes "
                    "the people of earlier periods; it is never added across periods."))
    baseline = NumberField(label=_("Baseline"), required=False)
    target = NumberField(label=_("Target"), required=False)
    line = forms.ModelChoiceField(label=_("Line of work"), required=False,
                                  queryset=Term.objects.filter(vocabulary_id=LINES_OF_WORK).order_by("position", "pk"))

    @staticmethod
    def initial_for(indicator) -> dict:
        return {name: getattr(indicator, name) for name in
                ("name_es", "name_pt", "name_en", "unit_es", "unit_pt", "unit_en", "kind", "aggregation",
                 "baseline", "target")} | {"line": indicator.line_id}

    def to_input(self) -> IndicatorInput:
        return IndicatorInput(**{name: value if value is not None or name in ("baseline", "target", "line") else ""
                                 for name, value in self.cleaned_data.items()})



class PeriodForm(ServiceErrors, forms.Form):
    """A reporting period to open: a month or a quarter of a year (a project keeps one frequency)."""

    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices, initial=Frequency.QUARTERLY)
    year = forms.IntegerField(label=_("Year"), min_value=2018, max_value=2100)
    number = forms.IntegerField(label=_("Quarter or month"), min_value=1, max_value=12,
                                help_text=_("1 to 4 for a quarter, 1 to 12 for a month."))

