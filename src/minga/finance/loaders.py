"""What the platform loads itself: the RMRP requirements (``minga setup``) and the demo's illustrative flows.

Loaded records carry a ``load_key``: loading again creates only what is missing and never overwrites
what people edited (``reference.loaders.create_missing``).
"""

import json
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction

from minga.finance.models import Pledge
from minga.finance.totals import rebuild_funding_totals
from minga.finance.tracking import FlowShare, FollowUp, FundingFlow, PledgeCountry, Requirement, TrackedPledge
from minga.portfolio.selectors import projects_visible
from minga.reference.loaders import LoadReport, create_missing, load_sources
from minga.reference.models import Source
from minga.reference.money import to_usd
from minga.reference.selectors import organisation_loaded

LOADED = "loaded from the reference data"
DEMO = "loaded with the demo data"


def _usd(amount: Decimal, currency: str, on: date) -> dict:
    conversion = to_usd(amount, currency, on)
    return {"amount": amount, "currency": currency, "amount_usd": conversion.usd, "usd_problem": conversion.problem}


@transaction.atomic
def load_requirements() -> LoadReport:
    """The RMRP requirements per year (and per country where the source gives them), each with its source."""
    spec = json.loads(resources.files("minga.finance").joinpath("data", "requirements.json").read_text("utf-8"))
    sources = load_sources(spec["sources"])
    report = LoadReport()
    for plan, year, country, amount, source_key, note in spec["requirements"]:
        _, created = create_missing(Requirement, f"requirement:{plan}:{year}:{country or 'regional'}", {
            "plan": plan, "year": year, "country_id": country, "source": sources[source_key], "note": note,
            **_usd(Decimal(amount), "USD", date(year, 12, 31))}, reason=LOADED)
        report.count(created, False)
    return report


# The demo's follow-up of two pledges reported at the 2023 conference: the amounts pledged are the sources';
# how they split and every flow are illustrative (marked so everywhere).
DEMO_PLEDGES = [
    # key, donor, reported pledge, amount, currency, purpose, humanitarian %, countries
    ("can-2023", "gov-can", "pledge:brussels-2023:gov-can", "58550000", "CAD", "both", "60",
     [("COL", "40"), ("PER", "30"), ("ECU", "30")]),
    ("usa-2023", "gov-usa", "pledge:brussels-2023:gov-usa", "171000000", "USD", "humanitarian", "100", []),
]
DEMO_FLOWS = [
    # key, pledge, stage, provider, receiver, amount, currency, date, humanitarian, country, commitment, parent,
    # project's country (the first published demo project there)
    ("can-1", "can-2023", "commitment", "gov-can", "unhcr", "20000000", "CAD", "2023-06-01", True, "COL", None, None,
     None),
    ("can-2", "can-2023", "disbursement", "gov-can", "unhcr", "8000000", "CAD", "2023-09-15", True, "COL", "can-1",
     None, "COL"),
    ("can-3", "can-2023", "disbursement", "gov-can", "iom", "5000000", "CAD", "2024-02-01", False, "PER", None, None,
     "PER"),
    ("usa-1", "usa-2023", "disbursement", "gov-usa", "iom", "25000000", "USD", "2023-08-01", True, None, None, None,
     None),
    ("usa-2", None, "disbursement", "iom", "demo-red-lima", "500000", "USD", "2023-10-01", True, "PER", None, "usa-1",
     None),
]


@transaction.atomic
def load_demo_funding() -> int:
    """The demo's tracked pledges and flows, validated and public, all illustrative. Returns how many were created."""
    illustrative = Source.objects.get(load_key="source:illustrative")
    created_count = 0
    pledges = {}
    for key, donor, reported_key, amount, currency, purpose, share, countries in DEMO_PLEDGES:
        reported = Pledge.objects.select_related("conference", "source").get(load_key=reported_key)
        pledges[key], created = create_missing(TrackedPledge, f"tracked-pledge:{key}", {
            "donor": organisation_loaded(donor), "conference": reported.conference, "reported_pledge": reported,
            "pledged_on": reported.conference.starts_on, "instrument": "grant", "purpose": purpose,
            "humanitarian_percent": Decimal(share), "is_regional": not countries, "source": reported.source,
            "status": FollowUp.VALIDATED, "is_public": True, "is_illustrative": True,
            **_usd(Decimal(amount), currency, reported.conference.starts_on)}, reason=DEMO)
        if created:
            created_count += 1
            PledgeCountry.objects.bulk_create(PledgeCountry(pledge=pledges[key], country_id=country,
                                                            percentage=Decimal(percent)) for country, percent in countries)
    flows = {}
    for (key, pledge, stage, provider, receiver, amount, currency, on, humanitarian, country, commitment, parent,
         project_country) in DEMO_FLOWS:
        value_date = date.fromisoformat(on)
        project = (projects_visible(None).filter(is_public=True, country_id=project_country).order_by("code").first()
                   if project_country else None)
        flows[key], created = create_missing(FundingFlow, f"flow:{key}", {
            "stage": stage, "provider": organisation_loaded(provider), "receiver": organisation_loaded(receiver),
            "pledge": pledges.get(pledge), "project": project, "commitment": flows.get(commitment),
            "parent": flows.get(parent), "value_date": value_date, "is_humanitarian": humanitarian,
            "country_id": country, "source": illustrative, "status": FollowUp.VALIDATED, "is_public": True,
            "is_illustrative": True, **_usd(Decimal(amount), currency, value_date)}, reason=DEMO)
        if created:
            created_count += 1
            if country:
                FlowShare.objects.create(flow=flows[key], country_id=country, percentage=Decimal(100))
    load_requirements()
    rebuild_funding_totals()  # written around the services (shares in bulk): the totals from the records
    return created_count
