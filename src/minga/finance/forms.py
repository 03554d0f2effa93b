"""A donor officer's forms: a pledge and a flow. Codes (currencies, countries, organisations) are chosen by name."""

from babel.numbers import get_currency_name
from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minga.accounts import permissions
from minga.common.form_fields import LabelOrderedModelChoiceField, LocalizedAmountField
from minga.common.formatting import format_date, format_money
from minga.finance.inputs import FlowInput, PledgeInput, edited, flow_input_from, pledge_input_from
from minga.finance.models import Conference
from minga.finance.selectors.follow_up import commitments_to_pay
from minga.finance.tracking import FundingFlow, PledgeInstrument, Purpose, Stage, TrackedPledge
from minga.portfolio.selectors import projects_visible
from minga.reference.currencies import active_currencies
from minga.reference.models import Country, Organisation, Source, Term

COUNTRY_ROWS = 3


def currency_choices() -> list[tuple[str, str]]:
    locale = (get_language() or "es").replace("-", "_")
    named = [(code, f"{capfirst(get_currency_name(code, locale=locale))} ({code})") for code in active_currencies()]
    return [("", "—"), *sorted(named, key=lambda pair: pair[1].casefold())]


def _date():
    return forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _money_label(who, amount, currency: str, day) -> str:
    """A pledge or commitment as its reader names it: who, how much and when, in the reader's own notation."""
    return f"{who} — {format_money(amount, currency)}, {format_date(day, form='medium')}"


def _organisations_of(user):
    return permissions.editable(user, Organisation.objects.all()).order_by("name")


class _MoneyForm(forms.Form):
    """``record``: the stored record an edit corrects. The form shows only some of its fields, and its input starts
    from the record, so that a save leaves what the form does not show (links, codes, the source's USD) as it is."""

    def __init__(self, *args, user, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.record = record
        self.fields["currency"].choices = currency_choices()
        for field in self.fields.values():
            field.label = capfirst(field.label)


class PledgeForm(_MoneyForm):
    donor = LabelOrderedModelChoiceField(label=_("donor"), queryset=Organisation.objects.none())
    conference = forms.ModelChoiceField(label=_("conference"), required=False,
                                        queryset=Conference.objects.order_by("starts_on"))
    amount = LocalizedAmountField(label=_("amount"), min_value=0)
    currency = forms.ChoiceField(label=_("currency"))
    pledged_on = _date()
    instrument = forms.ChoiceField(label=_("instrument"), choices=PledgeInstrument.choices)
    is_concessional = forms.TypedChoiceField(
        label=_("concessional loan"), required=False, empty_value=None,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))])
    purpose = forms.ChoiceField(label=_("purpose"), choices=Purpose.choices)
    humanitarian_percent = LocalizedAmountField(label=_("humanitarian share (%)"), required=False, min_value=0,
                                                max_value=100)
    is_regional = forms.BooleanField(label=_("regional"), required=False)
    earmarks = forms.ModelMultipleChoiceField(label=_("thematic earmarks"), required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              queryset=Term.objects.filter(vocabulary_id="quito-axes")
                                              .order_by("position", "code"))
    source = forms.ModelChoiceField(label=_("source document"), queryset=Source.objects.order_by("title"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = _organisations_of(self.user)
        for row in range(1, COUNTRY_ROWS + 1):
            self.fields[f"country_{row}"] = LabelOrderedModelChoiceField(
                label=_("country"), required=False, queryset=Country.objects.filter(is_member_state=True))
            self.fields[f"share_{row}"] = LocalizedAmountField(label=_("share (%)"), required=False, min_value=0,
                                                               max_value=100)

    def country_rows(self):
        return [(self[f"country_{row}"], self[f"share_{row}"]) for row in range(1, COUNTRY_ROWS + 1)]

    def to_input(self) -> PledgeInput:
        data = self.cleaned_data
        countries = [(data[f"country_{row}"], data[f"share_{row}"]) for row in range(1, COUNTRY_ROWS + 1)
                     if data.get(f"country_{row}")]
        countries = [(country, share if share is not None else 0) for country, share in countries]
        shown = {"donor": data["donor"], "conference": data["conference"], "amount": data["amount"],
                 "currency": data["currency"], "pledged_on": data["pledged_on"], "instrument": data["instrument"],
                 "is_concessional": data["is_concessional"], "purpose": data["purpose"],
                 "humanitarian_percent": data["humanitarian_percent"], "is_regional": data["is_regional"],
                 "countries": countries, "earmarks": list(data["earmarks"]), "source": data["source"]}
        if self.record is None:
            return PledgeInput(**shown)
        # Not shown, kept: the reported pledge it follows up and the source's USD (while the money stays).
        return edited(pledge_input_from(self.record), date_field="pledged_on", **shown)

    @classmethod
    def initial_of(cls, pledge: TrackedPledge) -> dict:
        initial = {name: getattr(pledge, name) for name in (
            "donor", "conference", "amount", "currency", "pledged_on", "instrument", "purpose",
            "humanitarian_percent", "is_regional", "source")}
        initial["is_concessional"] = {True: "yes", False: "no"}.get(pledge.is_concessional, "")
        initial["earmarks"] = list(pledge.earmarks.all())
        for row, share in enumerate(pledge.countries.order_by("pk"), start=1):
            initial[f"country_{row}"], initial[f"share_{row}"] = share.country, share.percentage
        return initial


class FlowForm(_MoneyForm):
    stage = forms.ChoiceField(label=_("stage"), choices=[(Stage.COMMITMENT.value, Stage.COMMITMENT.label),
                                                         (Stage.DISBURSEMENT.value, Stage.DISBURSEMENT.label)])
    provider = LabelOrderedModelChoiceField(label=_("provider"), queryset=Organisation.objects.none())
    receiver = LabelOrderedModelChoiceField(label=_("receiver"), queryset=Organisation.objects.order_by("name"))
    pledge = forms.ModelChoiceField(label=_("pledge"), required=False, queryset=TrackedPledge.objects.none())
    commitment = forms.ModelChoiceField(
        label=_("against commitment"), required=False, queryset=FundingFlow.objects.none(),
        help_text=_("For a disbursement: the commitment it pays out, so that the money is counted once."))
    project = forms.ModelChoiceField(label=_("project"), required=False, queryset=FundingFlow.objects.none())
    amount = LocalizedAmountField(label=_("amount"), min_value=0)
    currency = forms.ChoiceField(label=_("currency"))
    value_date = forms.DateField(label=_("value date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                 format="%Y-%m-%d"))
    country = LabelOrderedModelChoiceField(label=_("recipient country"), required=False,
                                     queryset=Country.objects.filter(is_member_state=True))
    is_humanitarian = forms.BooleanField(label=_("humanitarian"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = _organisations_of(self.user)
        self.fields["pledge"].queryset = (permissions.in_scope(self.user, TrackedPledge.objects.all())
                                          .select_related("donor").order_by("-pledged_on"))
        self.fields["pledge"].label_from_instance = lambda pledge: _money_label(
            pledge.donor, pledge.amount, pledge.currency, pledge.pledged_on)
        commitments = commitments_to_pay(self.user)
        if self.record is not None and self.record.commitment_id:
            # The commitment it pays out stays offered, whoever's scope it is in now: a save keeps the link.
            commitments = commitments | FundingFlow.objects.filter(pk=self.record.commitment_id)
        if self.record is not None:
            commitments = commitments.exclude(pk=self.record.pk)
        self.fields["commitment"].queryset = commitments.select_related("provider", "receiver").order_by(
            "-value_date", "-pk")
        self.fields["commitment"].label_from_instance = lambda flow: _money_label(
            f"{flow.provider} → {flow.receiver}", flow.amount, flow.currency, flow.value_date)
        self.fields["project"].queryset = projects_visible(self.user).filter(is_public=True).order_by("code")
        self.fields["project"].label_from_instance = lambda project: f"{project.code} — {project.title}"

    def to_input(self) -> FlowInput:
        data = self.cleaned_data
        shown = {name: data[name] for name in ("stage", "provider", "receiver", "pledge", "commitment", "project",
                                               "amount", "currency", "value_date", "country", "is_humanitarian")}
        if self.record is None:
            return FlowInput(**shown)
        # Not shown, kept: the pass-through link, theme, source and reference, the IATI and FTS codes, the source
        # kind, the source's USD (while the money stays) and the shares by country.
        base = flow_input_from(self.record)
        if shown["country"] != base.country:
            # The form names one receiving country: a new one receives the whole flow (the default share), as the
            # stored split no longer says where the money goes. The same country keeps its split.
            shown["shares"] = []
        return edited(base, date_field="value_date", **shown)

    @classmethod
    def initial_of(cls, flow: FundingFlow) -> dict:
        return {name: getattr(flow, name) for name in (
            "stage", "provider", "receiver", "pledge", "commitment", "project", "amount", "currency", "value_date",
            "country", "is_humanitarian")}


def show_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """A service's refusal ({field: [messages]}) on the form: on the field when the form has it, else above."""
    for name, messages in errors.items():
        target = name if name in form.fields else ("country_1" if name == "countries" and "country_1" in form.fields
                                                   else None)
        for message in messages:
            form.add_error(target, message)
