"""The catalogue's demo entries: two real regularization programmes, stated only as far as their sources go
(DOMAIN.md: Colombia's ETPV, Peru's CPP 2023 window), and illustrative entries for the other themes."""

from datetime import date

from minga.programmes.models import Programme
from minga.reference.loaders import create_missing
from minga.reference.models import Source
from minga.reference.selectors import organisation_loaded

DEMO = "loaded with the demo data"
NOT_IN_SOURCE = {
    "es": "La fuente no lo detalla: consulte a la entidad que lo gestiona.",
    "pt": "A fonte não o detalha: consulte a entidade que o gere.",
    "en": "Not given in the source: ask the body that runs it.",
}

REAL = [
    {"code": "col-etpv", "country": "COL", "theme": "regularization", "runner": "gov-col", "source": "col_etpv_2023_08",
     "deadline": None, "is_free": True,
     "name": ("Estatuto Temporal de Protección para Migrantes Venezolanos (ETPV)",
              "Estatuto Temporário de Proteção para Migrantes Venezuelanos (ETPV)",
              "Temporary Protection Statute for Venezuelan Migrants (ETPV)"),
     "summary": ("Registro y Permiso por Protección Temporal (PPT) de diez años; 2.875.743 personas registradas y "
                 "2.306.810 con el PPT otorgado o en trámite al 31 de agosto de 2023 (Migración Colombia).",
                 "Registro e Permissão por Proteção Temporária (PPT) de dez anos; 2.875.743 pessoas registradas e "
                 "2.306.810 com a PPT concedida ou em trâmite em 31 de agosto de 2023 (Migración Colombia).",
                 "Registration and a ten-year Temporary Protection Permit (PPT); 2,875,743 people registered and "
                 "2,306,810 holding or processing the PPT at 31 August 2023 (Migración Colombia).")},
    {"code": "per-cpp-2023", "country": "PER", "theme": "regularization", "runner": "gov-per", "source": "per_cpp_2023",
     "deadline": date(2023, 11, 10), "is_free": True,
     "name": ("Carné de Permiso Temporal de Permanencia (CPP), convocatoria 2023",
              "Carteira de Permissão Temporária de Permanência (CPP), janela de 2023",
              "Temporary Permanence Permit card (CPP), 2023 window"),
     "summary": ("214.633 solicitudes; la convocatoria cerró el 10 de noviembre de 2023 (Migraciones).",
                 "214.633 pedidos; a janela encerrou em 10 de novembro de 2023 (Migraciones).",
                 "214,633 applications; the window closed on 10 November 2023 (Migraciones).")},
]

ILLUSTRATIVE = [
    ("demo-ecu-emprende", "ECU", "employment", "demo-tulcan",
     ("Emprende en Tulcán (ejemplo)", "Empreenda em Tulcán (exemplo)", "Start a business in Tulcán (example)")),
    ("demo-col-cuenta", "COL", "financial-inclusion", "demo-cucuta",
     ("Mi primera cuenta (ejemplo)", "Minha primeira conta (exemplo)", "My first bank account (example)")),
    ("demo-col-titulos", "COL", "recognition", "demo-cucuta",
     ("Convalida tu título (ejemplo)", "Revalide seu diploma (exemplo)", "Get your diploma recognised (example)")),
    ("demo-ecu-vivienda", "ECU", "housing", "demo-tulcan",
     ("Arriendo solidario (ejemplo)", "Aluguel solidário (exemplo)", "Solidarity rent (example)")),
    ("demo-col-escuela", "COL", "education", "demo-cucuta",
     ("Todos a la escuela (ejemplo)", "Todos à escola (exemplo)", "Everyone to school (example)")),
]
ILLUSTRATIVE_TEXTS = {
    "summary": ("Programa de demostración: no es real.", "Programa de demonstração: não é real.",
                "Demonstration programme: not a real one."),
    "eligibility": ("Personas refugiadas y migrantes y comunidad de acogida del municipio.",
                    "Pessoas refugiadas e migrantes e comunidade de acolhida do município.",
                    "Refugees and migrants and the host community of the municipality."),
    "how_to_apply": ("En la oficina municipal de atención, con un documento de identidad.",
                     "No escritório municipal de atendimento, com um documento de identidade.",
                     "At the municipal service desk, with an identity document."),
}


def _languages(name: str, texts) -> dict:
    return {f"{name}_{code}": text for code, text in zip(("es", "pt", "en"), texts, strict=True)}


def load_demo_programmes(*, sources: dict[str, Source]) -> int:
    """Create the missing entries (published); how many were."""
    created_count = 0
    unknown = {f"{name}_{code}": NOT_IN_SOURCE[code] for name in ("eligibility", "how_to_apply") for code in NOT_IN_SOURCE}
    for spec in REAL:
        _, created = create_missing(Programme, f"programme:{spec['code']}", {
            "code": spec["code"], "country_id": spec["country"], "theme": spec["theme"],
            "runner": organisation_loaded(spec["runner"]), "source": sources[spec["source"]],
            "deadline": spec["deadline"], "is_free": spec["is_free"], "is_published": True,
            **_languages("name", spec["name"]), **_languages("summary", spec["summary"]), **unknown}, reason=DEMO)
        created_count += created
    for code, country, theme, runner, names in ILLUSTRATIVE:
        _, created = create_missing(Programme, f"programme:{code}", {
            "code": code, "country_id": country, "theme": theme, "runner": organisation_loaded(runner),
            "source": sources["illustrative"], "is_free": True, "is_published": True, "is_illustrative": True,
            **_languages("name", names),
            **{field: value for name, texts in ILLUSTRATIVE_TEXTS.items()
               for field, value in _languages(name, texts).items()}}, reason=DEMO)
        created_count += created
    return created_count
