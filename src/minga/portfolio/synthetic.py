"""Generated portfolios, for the benchmarks and the tests that need many projects: never demo data.

``fill`` writes projects and their parts with ``bulk_create``, as the services would have left
them (codes, USD figures, ``search_text``). It spreads them over the 13 member states, their
first-level subdivisions, the axes, lines of work, markers, population groups, statuses and
funding gaps in realistic shares. The same seed gives the same portfolio.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from minga.common.text import normalise_text
from minga.portfolio.models import (
    Project,
    ProjectLocation,
    ProjectMarker,
    ProjectPeople,
    ProjectTheme,
)
from minga.portfolio.workflow import PUBLIC_STATUSES
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Marker, Organisation, Subdivision, Term

# Share of projects by proposing country (roughly where the demand comes from).
COUNTRY_WEIGHTS = {"COL": 18, "PER": 14, "ECU": 12, "BRA": 11, "CHL": 9, "ARG": 7, "MEX": 6, "PAN": 5, "DOM": 5,
                   "CRI": 4, "PRY": 3, "URY": 3, "GUY": 3}
STATUS_WEIGHTS = {"published": 45, "in_implementation": 15, "completed": 8, "draft": 11, "submitted": 6,
                  "under_review": 5, "changes_requested": 5, "withdrawn": 5}
WORDS_ES = ("integración socioeconómica", "protección de la niñez", "centros de recepción", "empleabilidad",
            "acceso a derechos", "salud mental", "regularización migratoria", "educación inclusiva",
            "comunidad de acogida", "violencia basada en género", "emprendimiento", "vivienda", "trata de personas",
            "gobiernos locales", "orientación jurídica", "reunificación familiar", "primera respuesta")
WORDS_PT = ("integração socioeconômica", "proteção da infância", "acolhida", "interiorização", "empregabilidade",
            "saúde mental", "comunidade de acolhida", "moradia", "educação", "governos locais")
WORDS_EN = ("socio-economic integration", "child protection", "reception centres", "employability",
            "mental health", "host community", "housing", "local governments", "legal orientation")


def fill(count: int, seed: int) -> None:
    """``count`` projects with their parts, written with bulk_create, as the services would have left them."""
    rng = random.Random(seed)  # noqa: S311 -- repeatable test data, not secrets
    countries = list(COUNTRY_WEIGHTS)
    units = {iso3: list(Subdivision.objects.filter(country_id=iso3, is_admin1=True).values_list("code", flat=True))
             for iso3 in countries}
    organisations = {}
    for iso3 in countries:
        made = Organisation.objects.bulk_create(
            Organisation(name=f"Benchmark {kind} organisation {iso3} {n}", organisation_type=kind, country_id=iso3)
            for kind in ("10", "11", "11", "15", "22", "21", "80") for n in range(3))
        organisations[iso3] = made
    axes = list(Term.objects.filter(vocabulary_id=QUITO_AXES).values_list("pk", flat=True))
    lines = list(Term.objects.filter(vocabulary_id=LINES_OF_WORK).values_list("pk", flat=True))
    markers = list(Marker.objects.values_list("code", flat=True))
    groups = ["refugees_migrants", "host_community", "returnees", "in_transit"]
    status_names, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    start = datetime(2023, 1, 1, tzinfo=UTC)

    projects, parts = [], []
    for i in range(count):
        iso3 = rng.choices(countries, weights=list(COUNTRY_WEIGHTS.values()))[0]
        status = rng.choices(status_names, weights=status_weights)[0]
        title_es = f"{rng.choice(WORDS_ES).capitalize()} y {rng.choice(WORDS_ES)} en {iso3} ({i})"
        summary_es = " ".join(rng.choice(WORDS_ES) for _ in range(40))
        title_pt = f"{rng.choice(WORDS_PT).capitalize()} e {rng.choice(WORDS_PT)}" if rng.random() < .35 else ""
        summary_pt = " ".join(rng.choice(WORDS_PT) for _ in range(30)) if title_pt else ""
        title_en = f"{rng.choice(WORDS_EN).capitalize()} and {rng.choice(WORDS_EN)}" if rng.random() < .4 else ""
        summary_en = " ".join(rng.choice(WORDS_EN) for _ in range(30)) if title_en else ""
        code = f"PQ-{iso3}-{2023 + i % 4}-{i + 1:05d}"
        requested = Decimal(int(rng.lognormvariate(13.5, 1.0))).quantize(Decimal("0.01"))
        secured = (requested * Decimal(rng.choice([0, 0, 0, .1, .25, .5, .8]))).quantize(Decimal("0.01"))
        converted = rng.random() > .03
        budget = (requested * Decimal("1.4")).quantize(Decimal("0.01"))
        public = status in PUBLIC_STATUSES
        when = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 1000))
        projects.append(Project(
            code=code, title_es=title_es, title_pt=title_pt, title_en=title_en, summary_es=summary_es,
            summary_pt=summary_pt, summary_en=summary_en,
            proposing_organisation=rng.choice(organisations[iso3]), country_id=iso3, status=status, is_public=public,
            budget_amount=budget, budget_currency="USD" if converted else "VES", budget_value_date=date(2026, 1, 2),
            requested_amount=requested,
            budget_usd=budget if converted else None, requested_usd=requested if converted else None,
            secured_usd=secured if converted else None, gap_usd=requested - secured if converted else None,
            conversions=[] if converted else [{
                "what": "budget", "amount": f"{budget}", "currency": "VES", "value_date": "2026-01-02",
                "rate": None, "rate_date": None, "source": "", "problem": "no_rate"}],
            people_total=1000, search_text=normalise_text(" ".join(
                (code, title_es, title_pt, title_en, summary_es, summary_pt, summary_en))),
            published_at=when if public else None, submitted_at=when if status != "draft" else None))
        chosen = rng.sample(units[iso3], k=min(len(units[iso3]), rng.choice([1, 1, 2, 3])))
        locations = [("country", iso3, None, 100)] + [("unit", iso3, code, 100 / len(chosen)) for code in chosen]
        if rng.random() < .1:  # some projects span two countries
            other = rng.choice([c for c in countries if c != iso3])
            locations += [("country", other, None, 0), ("unit", other, rng.choice(units[other]), 0)]
        chosen_axes = rng.sample(axes, k=rng.choice([1, 1, 2]))
        people = rng.sample(groups, k=rng.choice([1, 2, 2, 3]))
        marker_levels = {marker: rng.choice([0, 1, 1, 2]) for marker in markers}
        parts.append((locations, chosen_axes, rng.choice(lines), marker_levels, people))
    Project.objects.bulk_create(projects, batch_size=2000)
    saved = dict(Project.objects.filter(code__in=[p.code for p in projects]).values_list("code", "pk"))
    # A portfolio is written over years: each project last changed when it was published or submitted.
    Project.objects.filter(pk__in=saved.values()).update(
        updated_at=Coalesce(F("published_at"), F("submitted_at"), Value(start)))

    rows = {ProjectLocation: [], ProjectTheme: [], ProjectMarker: [], ProjectPeople: []}
    for project, (locations, chosen_axes, line, marker_levels, people) in zip(projects, parts, strict=True):
        pk = saved[project.code]
        for _level, iso3, unit, share in locations:
            rows[ProjectLocation].append(ProjectLocation(project_id=pk, country_id=iso3, subdivision_id=unit,
                                                         percentage=Decimal(share).quantize(Decimal("0.01"))))
        for term in chosen_axes:
            rows[ProjectTheme].append(ProjectTheme(project_id=pk, term_id=term, percentage=100 / len(chosen_axes)))
        rows[ProjectTheme].append(ProjectTheme(project_id=pk, term_id=line, percentage=100))
        for marker, level in marker_levels.items():
            rows[ProjectMarker].append(ProjectMarker(project_id=pk, marker_id=marker, significance=level))
        for group in people:
            rows[ProjectPeople].append(ProjectPeople(project_id=pk, dimension="population_group", category=group,
                                                     people=1000 // len(people)))
        rows[ProjectPeople] += [ProjectPeople(project_id=pk, dimension="sex_age", category="women", people=500),
                                ProjectPeople(project_id=pk, dimension="sex_age", category="men", people=500)]
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=5000)
