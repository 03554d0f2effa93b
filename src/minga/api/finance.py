from ninja import Router

from minga.api.auth import caller
from minga.api.schemas import ConferenceOut, ErrorOut, FundingRowOut
from minga.finance import selectors
from minga.finance.selectors.report import report_rows

router = Router(tags=["finance"])


@router.get("/conferences", response=list[ConferenceOut], summary="Conferences with their reported totals and pledges")
def conference_list(request):
    return [{
        "code": c.code, "label_es": c.label_es, "label_pt": c.label_pt, "label_en": c.label_en,
        "city_es": c.city_es, "city_pt": c.city_pt, "city_en": c.city_en, "is_virtual": c.is_virtual, "starts_on": c.starts_on, "ends_on": c.ends_on,
        "is_pledging": c.is_pledging, "organisers": [str(o) for o in c.organisers.all()],
        "figures": list(c.figures.all()),
        "pledges": [{"donor_id": p.donor_id, "donor": str(p.donor), "amount": p.amount, "currency": p.currency,
                     "amount_usd": p.amount_usd, "is_approximate_usd": p.is_approximate_usd,
                     "instrument": p.instrument, "source": p.source} for p in c.pledges.all()],
    } for c in selectors.conferences_with_figures()]


@router.get("/funding", response={200: list[FundingRowOut], 422: ErrorOut},
            summary="Funding per country, subdivision, donor, conference, theme or year (as `minga report funding`)")
def funding_report(request, by: str, year: str = ""):
    return report_rows(caller(request), by=by, year=year)
