"""Results by territory for scripts: a project's indicators with their reports and totals, and people reached
per subdivision of a country. Reads follow the caller's roles (the public: published projects only)."""

from decimal import Decimal

from ninja import Router, Schema

from minga.api.auth import caller
from minga.api.schemas import ErrorOut
from minga.portfolio.selectors import access_project
from minga.reference.selectors import member_states
from minga.results import selectors

router = Router(tags=["results"])


class ReportOut(Schema):
    period: str
    territory: str
    subdivision: str
    municipality: str | None
    value: Decimal
    breakdown: dict
    partial: list[str]


class IndicatorOut(Schema):
    id: int
    name_es: str
    name_pt: str
    name_en: str
    unit_es: str
    unit_pt: str
    unit_en: str
    kind: str
    aggregation: str
    line: str | None
    baseline: Decimal | None
    target: Decimal | None
    total: Decimal | None
    missing_periods: list[str]
    missing_cells: int
    is_illustrative: bool
    reports: list[ReportOut]


class PeriodOut(Schema):
    label: str
    frequency: str
    starts_on: str
    ends_on: str
    is_locked: bool


class ProjectResultsOut(Schema):
    project: str
    periods: list[PeriodOut]
    territories: dict[str, str]
    indicators: list[IndicatorOut]


class PlaceOut(Schema):
    subdivision: str
    name: str
    people: Decimal | None
    projects: int
    missing_cells: int


@router.get("/results/projects/{code}", response={200: ProjectResultsOut, 404: ErrorOut},
            summary="A project's indicators, reporting periods and reports per territory, with their totals",
            description="A total is None where nothing was reported, or for a latest value over several places; "
                        "missing cells are counted, never read as zero.")
def project_results(request, code: str):
    project = access_project(caller(request), code)
    tables = selectors.project_results(project)
    territories = selectors.project_territories(project)
    periods = {period.pk: period for table in tables for period in table.periods}
    return {
        "project": project.code,
        "periods": [{"label": p.label, "frequency": p.frequency, "starts_on": p.starts_on.isoformat(),
                     "ends_on": p.ends_on.isoformat(), "is_locked": p.is_locked} for p in periods.values()],
        "territories": {key: territory.name for key, territory in territories.items()},
        "indicators": [{
            "id": t.indicator.pk, **{f"{name}_{code}": getattr(t.indicator, f"{name}_{code}")
                                     for name in ("name", "unit") for code in ("es", "pt", "en")},
            "kind": t.indicator.kind, "aggregation": t.indicator.aggregation,
            "line": t.indicator.line.code if t.indicator.line else None, "baseline": t.indicator.baseline,
            "target": t.indicator.target, "total": t.total,
            "missing_periods": [period.label for period in t.missing_periods], "missing_cells": len(t.missing),
            "is_illustrative": t.indicator.is_illustrative,
            "reports": [{"period": periods[r.period_id].label, "territory": r.territory_key,
                         "subdivision": r.subdivision_id, "municipality": r.municipality.pcode if r.municipality_id
                         else None, "value": r.value, "breakdown": r.breakdown, "partial": r.partial}
                        for r in t.cells.values()],
        } for t in tables],
    }


@router.get("/results/countries/{iso3}", response={200: list[PlaceOut], 404: ErrorOut},
            summary="People reached per subdivision of a member state, counted once per project and line of work")
def country_results(request, iso3: str):
    country = member_states().filter(iso3=iso3.upper()).get()
    figures, _tables = selectors.people_by_subdivision(caller(request), country.iso3)
    return [{"subdivision": f.code, "name": f.name, "people": f.people, "projects": len(f.projects),
             "missing_cells": f.missing_cells} for f in figures]
