"""Illustrative projects for the demo, made through the same services as real ones.

They are marked illustrative (the pages say so). Each has a load key, so loading the demo again
finds it and changes nothing, even after people edited or moved it through the workflow.
"""

from datetime import date
from decimal import Decimal

from minga.accounts.models import User
from minga.common.languages import LANGUAGES
from minga.portfolio import services
from minga.portfolio.inputs import ProjectInput
from minga.portfolio.models import Project
from minga.reference.models import (
    LINES_OF_WORK,
    QUITO_AXES,
    Country,
    ExchangeRate,
    Marker,
    Municipality,
    Source,
    Subdivision,
    Term,
)
from minga.reference.selectors import organisation_loaded

# Illustrative rates (units per USD) so that budgets in currencies the ECB does not publish convert.
ILLUSTRATIVE_RATES = [("COP", "2026-01-02", "4000"), ("PEN", "2026-01-02", "3.75"), ("CLP", "2026-01-02", "950"),
                      ("ARS", "2026-01-02", "1000"), ("UYU", "2026-01-02", "40"), ("PYG", "2026-01-02", "7500"),
                      ("CRC", "2026-01-02", "500"), ("DOP", "2026-01-02", "60"), ("GYD", "2026-01-02", "210")]

PROJECTS = [
    {
        "key": "cucuta-reception", "user": "focal.col", "organisation": "demo-cucuta", "status": "published",
        "title_es": "Centros de recepción y primera respuesta para mujeres, niñas y adolescentes en Norte de Santander",
        "title_en": "Reception and first-response centres for women, girls and adolescents in Norte de Santander",
        "summary_es": "Dos centros de orientación y recepción temporal en Cúcuta y Villa del Rosario, con atención "
                      "psicosocial, rutas de protección y participación de la comunidad de acogida.",
        "summary_pt": "Dois centros de orientação e acolhida temporária em Cúcuta e Villa del Rosario, com atenção "
                      "psicossocial, rotas de proteção e participação da comunidade de acolhida.",
        "currency": "COP", "budget": "6000000000", "requested": "4800000000", "years": {2026: "3600000000", 2027: "2400000000"},
        "start": "2026-03-01", "end": "2027-12-31",
        "locations": [("COL", "CO-NSA", "CO54001", 100), ("COL", "CO-NSA", None, 70), ("COL", "CO-ARA", None, 30),
                      ("COL", None, None, 100)],
        "themes": [(QUITO_AXES, "reception-centres", 60), (QUITO_AXES, "gender-equity", 40),
                   (LINES_OF_WORK, "women-access-to-rights", 100)],
        "markers": {"territorial": 2, "gender": 2, "best-interests-of-the-child": 1, "human-rights": 1},
        "people": 4200, "groups": {"refugees_migrants": 3000, "host_community": 1200},
        "sex_age": {"women": 2100, "adolescent_girls": 900, "girls": 1200}, "disabilities": 150,
        "funding": [], "sdg": "5.2, 10.7",
    },
    {
        "key": "lima-kit", "user": "focal.per", "organisation": "gov-per", "status": "published",
        "title_es": "Kit de desarrollo de capacidades sobre niñez y adolescencia en movilidad para gobiernos locales",
        "title_pt": "Kit de desenvolvimento de capacidades sobre crianças e adolescentes em mobilidade para governos locais",
        "summary_es": "Formación de 800 funcionarias y funcionarios municipales de primera línea (480 mujeres y 320 "
                      "hombres) en protección y acceso a derechos de niñas, niños y adolescentes refugiados y "
                      "migrantes. El proyecto forma a quienes los atienden: no cuenta personas atendidas.",
        "currency": "PEN", "budget": "2250000", "requested": "2250000", "years": {2026: "1500000", 2027: "750000"},
        "start": "2026-02-01", "end": "2027-06-30",
        "locations": [("PER", "PE-LMA", None, 50), ("PER", "PE-TUM", None, 50), ("PER", None, None, 100)],
        "themes": [(QUITO_AXES, "child-protection", 100), (LINES_OF_WORK, "children-adolescents-on-the-move", 100)],
        "markers": {"territorial": 1, "gender": 1, "best-interests-of-the-child": 2, "human-rights": 1},
        # The officials it trains are not people it serves (nor a host community): they are in the summary.
        "people": 0, "groups": {}, "sex_age": {}, "disabilities": None,
        "funding": [], "sdg": "16.2",
    },
    {
        "key": "carchi-integration", "user": "secretaria", "organisation": "demo-tulcan", "status": "in_implementation",
        "title_es": "Ruta de integración socioeconómica en Carchi",
        "title_en": "Socio-economic integration pathway in Carchi",
        "summary_es": "Empleabilidad, emprendimiento y acceso a servicios financieros para personas refugiadas y "
                      "migrantes y la comunidad de acogida de Tulcán.",
        "summary_en": "Employability, entrepreneurship and access to financial services for refugees, migrants and "
                      "the host community of Tulcán.",
        "currency": "USD", "budget": "1800000", "requested": "1200000", "years": {2026: "900000", 2027: "900000"},
        "start": "2026-01-15", "end": "2027-12-31",
        "locations": [("ECU", "EC-C", None, 100), ("ECU", None, None, 100)],
        "themes": [(QUITO_AXES, "socioeconomic-integration", 100), (LINES_OF_WORK, "socioeconomic-integration", 100)],
        "markers": {"territorial": 2, "gender": 1, "best-interests-of-the-child": 0, "human-rights": 1},
        "people": 2500, "groups": {"refugees_migrants": 1500, "host_community": 1000},
        "sex_age": {"women": 1300, "men": 1200}, "disabilities": 80,
        "funding": [("gac", "400000", "CAD", "2026-01-15")], "sdg": "8.5, 10.7",
    },
    {
        "key": "roraima-interiorization", "user": "secretaria", "organisation": "gov-bra", "status": "under_review",
        "title_pt": "Interiorização e integração socioeconômica a partir de Roraima",
        "summary_pt": "Apoio à interiorização voluntária com emprego formal e moradia nos municípios de destino.",
        "currency": "BRL", "budget": "5000000", "requested": "3500000", "years": {2026: "5000000"},
        "start": "2026-04-01", "end": "2026-12-31",
        "locations": [("BRA", "BR-RR", None, 100), ("BRA", None, None, 100)],
        "themes": [(QUITO_AXES, "socioeconomic-integration", 100)],
        "markers": {"territorial": 2, "gender": 1, "best-interests-of-the-child": 1, "human-rights": 1},
        "people": 3000, "groups": {"refugees_migrants": 3000}, "sex_age": {"women": 1500, "men": 1500},
        "disabilities": None, "funding": [], "sdg": "",
    },
    {
        "key": "narrative-draft", "user": "focal.col", "organisation": "gov-col", "status": "draft",
        "title_es": "Estrategia de comunicación para una nueva narrativa sobre la migración",
        "summary_es": "", "currency": "USD", "budget": None, "requested": None, "years": {},
        "start": None, "end": None, "locations": [], "themes": [(LINES_OF_WORK, "new-migration-narrative", 100)],
        "markers": {}, "people": None, "groups": {}, "sex_age": {}, "disabilities": None, "funding": [], "sdg": "",
    },
]

# How each demo project reaches its state, and who moves it.
PATHS = {
    "draft": [],
    "under_review": [("submitted", "proposer"), ("under_review", "secretaria")],
    "published": [("submitted", "proposer"), ("under_review", "secretaria"), ("published", "secretaria")],
    "in_implementation": [("submitted", "proposer"), ("under_review", "secretaria"), ("published", "secretaria"),
                          ("in_implementation", "secretaria")],
}


def demo_input(spec: dict) -> ProjectInput:
    """The services' input for one of ``PROJECTS``."""
    def location(iso3, code, pcode, share):
        return {"country": Country.objects.get(iso3=iso3),
                "subdivision": Subdivision.objects.get(code=code) if code else None,
                "municipality": Municipality.all_objects.get(pcode=pcode) if pcode else None,
                "percentage": Decimal(share)}

    value_date = date.fromisoformat(spec["start"]) if spec["start"] else None
    data = {f"{field}_{code}": spec.get(f"{field}_{code}", "") for field in ("title", "summary") for code in LANGUAGES}
    data.update({
        "proposing_organisation": organisation_loaded(spec["organisation"]),
        "planned_start": value_date,
        "planned_end": date.fromisoformat(spec["end"]) if spec["end"] else None,
        "budget_amount": Decimal(spec["budget"]) if spec["budget"] else None,
        "budget_currency": spec["currency"] if spec["budget"] else "",
        "budget_value_date": value_date if spec["budget"] else None,
        "requested_amount": Decimal(spec["requested"]) if spec["requested"] else None,
        "people_total": spec["people"], "people_with_disabilities": spec["disabilities"], "sdg_targets": spec["sdg"],
        "locations": [location(*row) for row in spec["locations"]],
        "themes": [{"term": Term.objects.get(vocabulary_id=vocabulary, code=code), "percentage": Decimal(share)}
                   for vocabulary, code, share in spec["themes"]],
        "markers": [{"marker": Marker.objects.get(code=code), "significance": level}
                    for code, level in spec["markers"].items()],
        "people": [{"dimension": "population_group", "category": k, "people": v} for k, v in spec["groups"].items()]
                  + [{"dimension": "sex_age", "category": k, "people": v} for k, v in spec["sex_age"].items()],
        "budget_years": [{"year": year, "amount": Decimal(amount)} for year, amount in spec["years"].items()],
        "funding": [{"funder": organisation_loaded(key), "amount": Decimal(amount), "currency": currency,
                     "value_date": date.fromisoformat(on)} for key, amount, currency, on in spec["funding"]],
        "participants": [{"organisation": organisation_loaded(spec["organisation"]), "role": "2"}],
    })
    return ProjectInput(**data)


def load_demo_projects(*, rates_source: Source) -> int:
    for currency, on, rate in ILLUSTRATIVE_RATES:
        if not ExchangeRate.all_objects.filter(load_key=f"rate:{currency}:{on}").exists():
            ExchangeRate.objects.create(load_key=f"rate:{currency}:{on}", currency=currency,
                                        on_date=date.fromisoformat(on), units_per_usd=Decimal(rate), source=rates_source)
    created = 0
    for spec in PROJECTS:
        if Project.all_objects.filter(load_key=f"project:{spec['key']}").exists():
            continue
        proposer = User.objects.get(username=spec["user"])
        project = services.project_create(user=proposer, data=demo_input(spec), illustrative=True)
        Project.all_objects.filter(pk=project.pk).update(load_key=f"project:{spec['key']}")
        for target, who in PATHS[spec["status"]]:
            actor = proposer if who == "proposer" else User.objects.get(username=who)
            project = services.project_transition(project=project, user=actor, to_status=target,
                                                  expected_version=project.version)
        created += 1
    return created
