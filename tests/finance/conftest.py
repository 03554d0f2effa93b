"""A hand-built ledger with exactly known sums (its figures are worked out in test_selectors.py).

Rates come from the platform's table (it is read before the ECB), so that every USD amount is exact:
0.8 EUR and 4,000 COP per US dollar from 2022; PYG has no rate, so its flow stays unconverted.
"""

from datetime import date
from decimal import Decimal

import pytest

from minga.finance import services
from minga.finance.inputs import FlowInput, PledgeInput
from minga.finance.models import Conference
from minga.finance.totals import rebuild_funding_totals
from minga.finance.tracking import FollowUp, FundingFlow, Requirement, TrackedPledge
from minga.portfolio.models import Project
from minga.reference.models import Country, ExchangeRate, Organisation, PopulationFigure, Source, Subdivision, Term


def org(key):
    return Organisation.objects.get(load_key=f"organisation:{key}")


def publish_flow(flow, user):
    steps = [FollowUp.REPORTED, FollowUp.CONFIRMED, FollowUp.VALIDATED] if flow.country_id else [
        FollowUp.REPORTED, FollowUp.VALIDATED]
    for step in steps:
        flow = services.flow_transition(flow=flow, user=user, to_status=step, expected_version=flow.version)
    return flow


def publish_pledge(pledge, user):
    for step in (FollowUp.REPORTED, FollowUp.VALIDATED):
        pledge = services.pledge_transition(pledge=pledge, user=user, to_status=step, expected_version=pledge.version)
    return pledge


class Ledger(dict):
    __getattr__ = dict.__getitem__


@pytest.fixture
def source(db):
    return Source.objects.get(load_key="source:illustrative")


def forget_the_demos_funding():
    """The ledger stands alone: the demo's illustrative pledges, flows and the RMRP requirements are set aside.

    Deleted around the services (the totals are marked stale): rebuilt, so that the ledger's writes, made
    through the services, keep them exact from here (tests/finance/kept.py).
    """
    FundingFlow.all_objects.update(commitment=None, parent=None)
    FundingFlow.all_objects.all().delete()
    TrackedPledge.all_objects.all().delete()
    Requirement.all_objects.all().delete()
    rebuild_funding_totals()


@pytest.fixture
def ledger(users, source):
    forget_the_demos_funding()
    secretariat = users["secretariat"]
    for currency, rate in (("EUR", "0.8"), ("COP", "4000")):
        ExchangeRate.objects.create(currency=currency, on_date=date(2022, 1, 1), units_per_usd=Decimal(rate),
                                    source=source)
    col, per = Country.objects.get(pk="COL"), Country.objects.get(pk="PER")
    nsa = Subdivision.objects.get(pk="CO-NSA")
    theme = Term.objects.filter(vocabulary_id="quito-axes").order_by("code").first()
    conference = Conference.objects.get(code="brussels-2023")
    project = Project.objects.filter(is_public=True).order_by("code").first()
    gac, usaid, unhcr, iom = org("gac"), org("usaid"), org("unhcr"), org("iom")

    def pledge(**fields):
        base = {"source": source, "pledged_on": date(2023, 3, 16), "instrument": "grant", "currency": "USD"}
        return publish_pledge(services.pledge_create(user=secretariat, data=PledgeInput(**{**base, **fields})),
                              secretariat)

    p1 = pledge(donor=gac, conference=conference, amount=Decimal(1_000_000), purpose="both",
                humanitarian_percent=Decimal(40), countries=[(col, Decimal(60)), (per, Decimal(40))], earmarks=[theme])
    p2 = pledge(donor=gac, amount=Decimal(2_000_000), currency="EUR", pledged_on=date(2023, 6, 1), instrument="loan",
                is_concessional=True, purpose="development", is_regional=True)
    p3 = pledge(donor=usaid, conference=conference, amount=Decimal(500_000), purpose="humanitarian",
                countries=[(col, Decimal(100))])

    def flow(**fields):
        base = {"currency": "USD", "receiver": unhcr, "provider": gac, "source": source}
        return publish_flow(services.flow_create(user=secretariat, data=FlowInput(**{**base, **fields})), secretariat)

    f1 = flow(stage="commitment", amount=Decimal(600_000), pledge=p1, country=col, value_date=date(2023, 4, 1),
              is_humanitarian=True, theme=theme)
    f2 = flow(stage="disbursement", amount=Decimal(400_000), pledge=p1, commitment=f1, country=col, project=project,
              shares=[(col, nsa, Decimal(50)), (col, None, Decimal(50))], value_date=date(2023, 7, 1),
              is_humanitarian=True)
    f3 = flow(stage="disbursement", amount=Decimal(300_000), pledge=p1, country=per,
              shares=[(col, None, Decimal(30)), (per, None, Decimal(70))], value_date=date(2024, 2, 1))
    f4 = flow(stage="disbursement", amount=Decimal(100_000), provider=unhcr, receiver=iom, parent=f3, country=per,
              value_date=date(2024, 3, 1))
    f5 = flow(stage="disbursement", amount=Decimal(4_000_000_000), currency="COP", pledge=p2, country=col,
              value_date=date(2023, 9, 1))
    f6 = flow(stage="disbursement", amount=Decimal(1_000_000), currency="PYG", provider=usaid, pledge=p3,
              country=col, value_date=date(2023, 10, 1), is_humanitarian=True)
    f7 = flow(stage="commitment", amount=Decimal(800), currency="EUR", provider=usaid, pledge=p3, country=per,
              value_date=date(2024, 1, 10))
    draft = services.flow_create(user=secretariat, data=FlowInput(
        stage="disbursement", amount=Decimal(999), currency="USD", provider=gac, receiver=unhcr, country=col,
        value_date=date(2023, 5, 5)))
    for year, country, amount in ((2023, col, 10_000_000), (2023, per, 5_000_000), (2023, None, 20_000_000)):
        services.requirement_create(user=secretariat, plan="RMRP 2023-2024", year=year, country=country,
                                    amount=Decimal(amount), currency="USD", source=source)
    for as_of, value in ((date(2030, 1, 1), 2_000_000), (date(2030, 6, 1), 4_000_000)):
        PopulationFigure.objects.create(country=col, value=value, as_of=as_of, source=source, is_published=True)
    return Ledger(p1=p1, p2=p2, p3=p3, f1=f1, f2=f2, f3=f3, f4=f4, f5=f5, f6=f6, f7=f7, draft=draft,
                  project=project, theme=theme, gac=gac, usaid=usaid, conference=conference)
