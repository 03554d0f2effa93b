"""The needs-statement form: the theme from the process's thematic axes, the currency by its name."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minga.common.form_fields import LocalizedAmountField
from minga.localgov.models import NeedsStatement, NeedStatus
from minga.reference.currencies import currency_choices
from minga.reference.models import Term

THEMES_VOCABULARY = "quito-axes"


class ThemeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class NeedsStatementForm(forms.Form):
    theme = ThemeField(label=_("theme"), queryset=Term.objects.filter(vocabulary_id=THEMES_VOCABULARY))
    description = forms.CharField(label=_("description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    estimated_cost = LocalizedAmountField(label=_("estimated cost"), required=False, min_value=0,
                                          max_value=Decimal("99999999999999.99"))
    currency = forms.ChoiceField(label=_("currency"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=NeedStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region, others = currency_choices((get_language() or "es").replace("-", "_"))
        self.fields["currency"].choices = [("", "—"), (_("Region"), list(region)), (_("Other currencies"),
                                                                                     list(others))]
        for field in self.fields.values():
            field.label = capfirst(field.label)

    @classmethod
    def of(cls, statement: NeedsStatement, data=None):
        return cls(data, initial={"theme": statement.theme_id, "description": statement.description,
                                  "estimated_cost": statement.estimated_cost, "currency": statement.currency,
                                  "status": statement.status})

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data["description"] = data["description"].strip()
        return data
