"""The services' inputs: one typed record per editable follow-up record, and its checks.

Forms, the API and imports build a ``PledgeInput`` or a ``FlowInput``; the services take nothing
else. ``check_pledge`` and ``check_flow`` answer ``{field: [messages]}`` (empty when it is fine),
the same shape the API's 422 and the forms show.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from minga.finance.tracking import PledgeInstrument, Purpose, SourceKind, Stage
from minga.reference.currencies import is_active_currency

HUNDRED = Decimal(100)


class FinanceInvalid(Exception):
    """The input breaks a rule; ``errors`` is ``{field: [messages]}`` and nothing was written."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


@dataclass
class PledgeInput:
    donor: object
    amount: Decimal
    currency: str
    pledged_on: date
    instrument: str
    purpose: str
    source: object
    conference: object = None
    reported_pledge: object = None
    is_concessional: bool | None = None
    humanitarian_percent: Decimal | None = None  # given for "both"; 100 or 0 follow from the other purposes
    is_regional: bool = False
    countries: list = field(default_factory=list)  # [(Country, percentage)]
    earmarks: list = field(default_factory=list)  # [Term]
    # The USD the source gave at its own rate (FTS's amountUSD); None: converted by us at the date.
    amount_usd: Decimal | None = None


@dataclass
class FlowInput:
    stage: str
    provider: object
    receiver: object
    value_date: date
    amount: Decimal
    currency: str
    country: object = None  # the receiving country; None for a regional flow
    shares: list = field(default_factory=list)  # [(Country, Subdivision | None, percentage)]; default 100 % country
    is_humanitarian: bool = False
    pledge: object = None
    project: object = None
    commitment: object = None
    parent: object = None
    theme: object = None
    source_kind: str = SourceKind.MANUAL
    source: object = None
    reference: str = ""
    iati_transaction_type: str = ""
    fts_status: str = ""
    # The USD the source gave at its own rate (FTS's amountUSD); None: converted by us at the value date.
    amount_usd: Decimal | None = None


def pledge_input_from(pledge) -> PledgeInput:
    """The stored pledge as a whole input: what an edit showing only some of its fields starts from."""
    return PledgeInput(donor=pledge.donor, amount=pledge.amount, currency=pledge.currency,
                       pledged_on=pledge.pledged_on, instrument=pledge.instrument, purpose=pledge.purpose,
                       source=pledge.source, conference=pledge.conference, reported_pledge=pledge.reported_pledge,
                       is_concessional=pledge.is_concessional, humanitarian_percent=pledge.humanitarian_percent,
                       is_regional=pledge.is_regional,
                       countries=[(c.country, c.percentage) for c in pledge.countries.select_related("country")
                                  .order_by("pk")],
                       earmarks=list(pledge.earmarks.all()), amount_usd=pledge.amount_usd)


def flow_input_from(flow) -> FlowInput:
    """The stored flow as a whole input: what an edit showing only some of its fields starts from."""
    return FlowInput(stage=flow.stage, provider=flow.provider, receiver=flow.receiver, value_date=flow.value_date,
                     amount=flow.amount, currency=flow.currency, country=flow.country,
                     shares=[(s.country, s.subdivision, s.percentage) for s in flow.shares
                             .select_related("country", "subdivision").order_by("pk")],
                     is_humanitarian=flow.is_humanitarian, pledge=flow.pledge, project=flow.project,
                     commitment=flow.commitment, parent=flow.parent, theme=flow.theme, source_kind=flow.source_kind,
                     source=flow.source, reference=flow.reference, iati_transaction_type=flow.iati_transaction_type,
                     fts_status=flow.fts_status, amount_usd=flow.amount_usd)


def edited(base, *, date_field: str, **shown):
    """``base`` (the stored record's input) with the fields a form shows in place of its own.

    The USD stored with the record (the source's own, as FTS gives it, or ours at its date) is kept only while
    amount, currency and date stay: a new amount or date is converted again at the rate of its date.
    """
    money = ("amount", "currency", date_field)
    if any(shown[name] != getattr(base, name) for name in money if name in shown):
        shown["amount_usd"] = None
    return replace(base, **shown)


def _money_errors(amount, currency, add) -> None:
    if amount is None or not isinstance(amount, Decimal) or amount <= 0:
        add("amount", _("Give an amount above zero."))
    if not is_active_currency(currency):
        add("currency", _("Choose a currency from the list."))


def _collector():
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)
    return errors, add


def humanitarian_percent(data: PledgeInput) -> Decimal | None:
    return {Purpose.HUMANITARIAN: HUNDRED, Purpose.DEVELOPMENT: Decimal(0)}.get(data.purpose,
                                                                                  data.humanitarian_percent)


def check_pledge(data: PledgeInput) -> dict[str, list[str]]:
    errors, add = _collector()
    _money_errors(data.amount, data.currency, add)
    if data.instrument not in PledgeInstrument.values:
        add("instrument", _("Choose grant or loan."))
    if data.purpose not in Purpose.values:
        add("purpose", _("Choose humanitarian, development and integration, or both."))
    elif data.purpose == Purpose.BOTH and (data.humanitarian_percent is None
                                           or not Decimal(0) < data.humanitarian_percent < HUNDRED):
        add("humanitarian_percent", _("Give the humanitarian share, between 0 and 100 %."))
    if data.is_regional and data.countries:
        add("countries", _("A regional pledge names no countries."))
    if not data.is_regional:
        if not data.countries:
            add("countries", _("Name the recipient countries with their shares, or mark the pledge regional."))
        elif sum(share for _country, share in data.countries) != HUNDRED:
            add("countries", _("The countries' shares must add up to 100 %."))
        elif len({country.pk for country, _share in data.countries}) != len(data.countries):
            add("countries", _("Each country once."))
    if data.reported_pledge is not None and data.reported_pledge.donor_id != data.donor.pk:
        add("reported_pledge", _("That pledge was made by another donor."))
    return errors


def flow_shares(data: FlowInput) -> list:
    """The flow's shares: as given, or all of it to the receiving country."""
    if data.shares:
        return list(data.shares)
    return [(data.country, None, HUNDRED)] if data.country is not None else []


def check_flow(data: FlowInput) -> dict[str, list[str]]:
    errors, add = _collector()
    _money_errors(data.amount, data.currency, add)
    if data.stage not in Stage.values:
        add("stage", _("Choose commitment, disbursement, expenditure or incoming funds."))
    shares = flow_shares(data)
    if shares and sum(share for _c, _s, share in shares) != HUNDRED:
        add("shares", _("The shares must add up to 100 %."))
    for country, subdivision, _share in shares:
        if subdivision is not None and subdivision.country_id != country.pk:
            add("shares", _("%(subdivision)s is not in %(country)s.") % {"subdivision": subdivision.name,
                                                                         "country": country.name})
    if data.country is not None and data.shares and data.country.pk not in {c.pk for c, _s, _p in data.shares}:
        add("country", _("The receiving country must have a share."))
    if data.pledge is not None and data.pledge.donor_id != data.provider.pk:
        add("pledge", _("That pledge is another donor's."))
    if data.commitment is not None and data.stage != Stage.DISBURSEMENT:
        add("commitment", _("Only a disbursement is made against a commitment."))
    elif data.commitment is not None and data.commitment.stage != Stage.COMMITMENT:
        add("commitment", _("This flow is not a commitment."))
    elif data.commitment is not None and data.commitment.provider_id != data.provider.pk:
        add("commitment", _("That commitment is another organisation's."))
    if data.project is not None and not data.project.is_public:
        add("project", _("Choose a published project."))
    return errors
