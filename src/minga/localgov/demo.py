"""Illustrative needs statements of the demo's local governments (Cúcuta, Tulcán)."""

from decimal import Decimal

from minga.localgov.models import NeedsStatement, NeedStatus
from minga.reference.loaders import create_missing
from minga.reference.models import Term
from minga.reference.selectors import organisation_loaded

DEMO = "loaded with the demo data"
NEEDS = [
    ("demo-cucuta", "reception-centres", "Ampliar el centro de orientación del terminal de transporte (ejemplo).",
     Decimal("850000000"), "COP", NeedStatus.SEEKING),
    ("demo-tulcan", "child-protection", "Espacio amigable para niñas, niños y adolescentes en el paso "
     "fronterizo de Rumichaca (ejemplo).", Decimal("120000"), "USD", NeedStatus.IDENTIFIED),
]


def load_demo_needs() -> int:
    created_count = 0
    for number, (organisation, theme, description, cost, currency, status) in enumerate(NEEDS, start=1):
        _, created = create_missing(NeedsStatement, f"need:{organisation}:{number}", {
            "organisation": organisation_loaded(organisation),
            "theme": Term.objects.get(vocabulary_id="quito-axes", code=theme), "description": description,
            "estimated_cost": cost, "currency": currency, "status": status, "is_illustrative": True}, reason=DEMO)
        created_count += created
    return created_count
