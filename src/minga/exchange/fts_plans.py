"""FTS v2 plan overview (``v2/fts/flow/plan/overview/progress/YEAR``): each plan's requirement and caseloads.

- requirements: one ``finance.Requirement`` per plan and usage year, the revised requirement in USD (the
  original when no revision), for the plan's country, or the region when the plan covers several countries;
  FTS's funding and progress when read go in the note (Minga counts funding from the flows);
- caseLoads: for a plan of one country, its totals (people in need, targeted, affected) as
  ``reference.PopulationFigure`` at the plan's start, unpublished until the secretariat publishes them.

Each figure cites a source: the plan's FTS page. Keyed by plan id (and year, and group): reading the same
overview again changes nothing; a changed figure is updated in place.

The RMRP among the plans (``is_rmrp``: its FTS id in ``data/fts_rmrp_plans.json``, or its name) is stored as
the RMRP of its start year, "RMRP 2020 (FTS <code>)", so that finance counts it (``funding.COUNTED_PLAN``) as it
counts the built-in RMRP figures: for a year and place the RMRP cell entered last is the one counted
(``funding.counted_requirements``), so an import supersedes the built-in figure and is never added to it. Its
other usage years (a two-year plan's second year) keep the FTS code, on record but not counted: the RMRP asks
per year, and a year's own RMRP (the 2024 update) is its figure. Every other plan keeps its FTS code.
"""

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction
from django.utils.translation import gettext as _

from minga.common.text import normalise_name
from minga.exchange import problems
from minga.exchange.problems import Problem
from minga.finance import services as finance
from minga.finance.selectors.funding import COUNTED_PLAN
from minga.reference import services as reference
from minga.reference.loaders import create_missing
from minga.reference.models import Country, DatePrecision, PopulationFigure, PopulationGroup, Source

REASON = "FTS plan overview"
CASELOAD_GROUPS = {"inNeed": PopulationGroup.IN_NEED, "target": PopulationGroup.TARGETED,
                   "affected": PopulationGroup.AFFECTED}


@dataclass
class PlanReport:
    plans: int = 0
    requirements: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    figures: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    problems: list = field(default_factory=list)  # [Problem]

    def lines(self) -> list[str]:
        return [_("%(plans)s plans read. Requirements: %(r_created)s created, %(r_updated)s updated, %(r_unchanged)s "
                  "unchanged. Population figures: %(f_created)s created, %(f_updated)s updated, %(f_unchanged)s "
                  "unchanged.") % {"plans": self.plans, **{f"r_{k}": v for k, v in self.requirements.items()},
                                   **{f"f_{k}": v for k, v in self.figures.items()}}] + [
            f"  {problem}" for problem in self.problems]


# "Regional Refugee and Migrant Response Plan for Refugees and Migrants from Venezuela (RMRP) 2020", "Venezuela
# Regional Refugee and Migrant Response Plan 2023-2024": the phrase with Venezuela, or the acronym as a word.
# Not "Venezuela Humanitarian Response Plan" (the HRP inside Venezuela) nor another region's migrant plan.
_RMRP_PHRASE = "refugee and migrant response plan"
_RMRP_ACRONYM = re.compile(r"\brmrp\b")


@functools.cache
def rmrp_plan_ids() -> frozenset[int]:
    spec = json.loads(resources.files("minga.exchange").joinpath("data", "fts_rmrp_plans.json").read_text("utf-8"))
    return frozenset(plan["id"] for plan in spec["plans"])


def is_rmrp(plan: dict, known: frozenset[int] = frozenset()) -> bool:
    """Whether an FTS plan is the RMRP: its id is among the reviewed ones, or its name says so."""
    if plan.get("id") in known:
        return True
    name = normalise_name(plan.get("name") or "")
    return bool(_RMRP_ACRONYM.search(name)) or (_RMRP_PHRASE in name and "venezuela" in name)


def plan_name(plan: dict, year: int, known: frozenset[int] = frozenset()) -> str:
    """What the requirement cell is named: "RMRP <year> (FTS <code>)" for the RMRP's start year, else the code."""
    code = str(plan.get("code") or plan["id"])
    if is_rmrp(plan, known) and year == _start_year(plan):
        return f"{COUNTED_PLAN} {year} (FTS {code})"[:60]
    return code[:60]


def _plan_source(plan: dict) -> Source:
    source, _created = create_missing(Source, f"source:fts-plan-{plan['id']}", {
        "publisher": "OCHA Financial Tracking Service (FTS)",
        "title": f"FTS plan overview: {plan['name']} ({plan.get('code') or plan['id']})"[:400],
        "url": f"https://fts.unocha.org/plans/{plan['id']}/summary", "published_on": None,
        "date_precision": DatePrecision.UNDATED}, reason=REASON)
    return source


def _object(plan: dict, name: str) -> dict:
    """``plan[name]``, an object (empty when absent), or ``ValueError`` naming it: a plan of another shape is
    refused alone, with its id, and the others are read."""
    value = plan.get(name) or {}
    if not isinstance(value, dict):
        raise ValueError(Problem.translated(problems.FTS_FIELD_NOT_AN_OBJECT, name=name))
    return value


def _objects(value, name: str) -> list[dict]:
    """A list of objects (empty when absent), or ``ValueError`` naming it."""
    value = value or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(Problem.translated(problems.FTS_NOT_A_LIST_OF_OBJECTS, name=name))
    return value


def _years(plan: dict) -> list[int]:
    years = sorted({int(y["year"]) for y in _objects(plan.get("usageYears"), "usageYears")
                    if str(y.get("year", "")).isdigit()})
    return years or [date.fromisoformat(plan["startDate"][:10]).year]


def _start_year(plan: dict) -> int:
    start = plan.get("startDate")
    return date.fromisoformat(start[:10]).year if start else _years(plan)[0]


def _countries(plan: dict) -> list[Country]:
    codes = [c.get("iso3") for c in _objects(plan.get("countries"), "countries") if c.get("iso3")]
    return list(Country.objects.filter(pk__in=codes))


def _money(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _requirement(plan: dict, year: int, country, source, user, report: PlanReport, known: frozenset[int]) -> None:
    requirements = _object(plan, "requirements")
    amount = _money(requirements.get("revisedRequirements")) or _money(requirements.get("origRequirements"))
    if amount is None:
        return
    funding = _object(plan, "funding")
    # Stored data, not a page's text: the same words whatever the importer's language (else a second import in
    # another language would "change" every requirement).
    note = (f"FTS when read: funded US${funding.get('totalFunding')} ({funding.get('progress')} %)"
            if funding.get("totalFunding") is not None else "")[:300]
    state = finance.requirement_import(user=user, load_key=f"fts-plan-{plan['id']}-{year}",
                                       plan=plan_name(plan, year, known), year=year, amount=amount, currency="USD",
                                       source=source, country=country, note=note)
    report.requirements[state] += 1


def _figures(plan: dict, country, source, user, report: PlanReport) -> None:
    as_of = date.fromisoformat(plan["startDate"][:10])
    for caseload in _objects(plan.get("caseLoads"), "caseLoads")[:1]:  # the plan's own totals come first
        for total in _objects(caseload.get("totals"), "caseLoads.totals"):
            group, value = CASELOAD_GROUPS.get(total.get("type")), total.get("value")
            if group is None or isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                continue
            fields = {"country": country, "group": group, "value": value, "as_of": as_of, "source": source,
                      "note_en": f"{plan['name']}"[:300]}
            existing = PopulationFigure.all_objects.filter(country=country, subdivision__isnull=True, group=group,
                                                           as_of=as_of, source=source).first()
            if existing is None:
                reference.population_figure_create(user=user, fields=fields, reason=REASON)
                report.figures["created"] += 1
            elif existing.value != value:
                reference.population_figure_update(figure=existing, user=user, changes={"value": value},
                                                   expected_version=existing.version, reason=REASON)
                report.figures["updated"] += 1
            else:
                report.figures["unchanged"] += 1


def import_plan_overview(document: dict, *, user, report: PlanReport | None = None) -> PlanReport:
    report = report or PlanReport()
    known = rmrp_plan_ids()
    for plan in document["data"]["plans"]:
        try:
            if not isinstance(plan, dict):
                raise ValueError(Problem.translated(problems.FTS_NOT_AN_OBJECT))
            with transaction.atomic():
                source = _plan_source(plan)
                countries = _countries(plan)
                country = countries[0] if len(countries) == 1 and len(plan.get("countries") or []) == 1 else None
                for year in _years(plan):
                    _requirement(plan, year, country, source, user, report, known)
                if country is not None:
                    _figures(plan, country, source, user, report)
            report.plans += 1
        except (KeyError, TypeError, ValueError) as error:
            report.problems.append(Problem.translated(problems.FTS_PLAN_NOT_READ, error=problems.of(error),
                                                      id=plan.get("id") if isinstance(plan, dict) else "?"))
    return report
