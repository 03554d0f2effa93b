"""Illustrative results for the demo: indicators and quarterly reports on two demo projects, all made up.

They show what the results pages look like once reported: a sum, a latest value and a largest value; a
locked first quarter; cells left missing on purpose. Every record is flagged ``is_illustrative``.
"""

from decimal import Decimal

from minga.portfolio.models import Project
from minga.reference.loaders import create_missing
from minga.reference.models import LINES_OF_WORK, Municipality, Term
from minga.results.models import Aggregation, Frequency, Indicator, IndicatorKind, ReportingPeriod, ResultReport

DEMO = "loaded with the demo data"

# (project, indicator key, names es/pt/en, unit es/pt/en, kind, aggregation, line, baseline, target,
#  {quarter: {territory: (value, breakdown)}})
CUCUTA, NSA, ARA = "PQ-COL-2026-0001", "CO-NSA", "CO-ARA"
CUCUTA_TOWN = "CO54001"  # San José de Cúcuta's p-code: its territory key is made from its pk at load time
INDICATORS = [
    (CUCUTA, "children-attended",
     ("Niñas, niños y adolescentes atendidos (ilustrativo)", "Crianças e adolescentes atendidos (ilustrativo)",
      "Children and adolescents attended (illustrative)"), ("personas", "pessoas", "people"),
     IndicatorKind.PEOPLE, Aggregation.SUM, "children-adolescents-on-the-move", None, Decimal(3000),
     {1: {CUCUTA_TOWN: (420, {"sex": {"female": 230, "male": 190}, "age": {"0-17": 420},
                              "population": {"refugees_migrants": 380, "host_community": 40}}),
          ARA: (150, {}), NSA: (60, {})},
      2: {CUCUTA_TOWN: (510, {"sex": {"female": 270, "male": 240}}), ARA: (170, {})},
      3: {CUCUTA_TOWN: (480, {})}}),
    (CUCUTA, "women-enrolled",
     ("Mujeres inscritas en el programa de medios de vida, acumulado (ilustrativo)",
      "Mulheres inscritas no programa de meios de vida, acumulado (ilustrativo)",
      "Women enrolled in the livelihoods programme, to date (illustrative)"), ("personas", "pessoas", "people"),
     IndicatorKind.PEOPLE, Aggregation.LATEST, "women-access-to-rights", Decimal(0), Decimal(400),
     {1: {CUCUTA_TOWN: (120, {})}, 2: {CUCUTA_TOWN: (180, {})}}),
    (CUCUTA, "reception-points",
     ("Puntos de recepción en funcionamiento (ilustrativo)", "Pontos de recepção em funcionamento (ilustrativo)",
      "Reception points operating (illustrative)"), ("puntos", "pontos", "points"),
     IndicatorKind.OTHER, Aggregation.MAX, "children-adolescents-on-the-move", Decimal(1), Decimal(4),
     {1: {CUCUTA_TOWN: (2, {})}, 2: {CUCUTA_TOWN: (3, {})}, 3: {CUCUTA_TOWN: (3, {})}}),
    ("PQ-PER-2026-0001", "legal-orientation",
     ("Personas con orientación jurídica (ilustrativo)", "Pessoas com orientação jurídica (ilustrativo)",
      "People given legal orientation (illustrative)"), ("personas", "pessoas", "people"),
     IndicatorKind.PEOPLE, Aggregation.SUM, "women-access-to-rights", None, Decimal(5000),
     {1: {"PE-LMA": (800, {}), "PE-TUM": (260, {})}, 2: {"PE-LMA": (950, {})}}),
]
QUARTERS = (1, 2, 3)
LOCKED = (1,)
YEAR = 2026


def load_demo_results() -> int:
    """Create the illustrative indicators, periods and reports that are missing; how many reports were made."""
    lines = {term.code: term for term in Term.objects.filter(vocabulary_id=LINES_OF_WORK)}
    town = Municipality.objects.filter(pcode=CUCUTA_TOWN).first()
    created_count = 0
    for position, (code, key, names, units, kind, aggregation, line, baseline, target, reports) in enumerate(INDICATORS):
        project = Project.objects.filter(code=code).first()
        if project is None:
            continue
        periods = {quarter: create_missing(ReportingPeriod, f"results-period:{code}:{YEAR}-Q{quarter}", {
            "project": project, "frequency": Frequency.QUARTERLY, "year": YEAR, "number": quarter,
            "is_locked": quarter in LOCKED, "is_illustrative": True}, reason=DEMO)[0] for quarter in QUARTERS}
        indicator, _created = create_missing(Indicator, f"results-indicator:{code}:{key}", {
            "project": project, "name_es": names[0], "name_pt": names[1], "name_en": names[2], "unit_es": units[0],
            "unit_pt": units[1], "unit_en": units[2], "kind": kind, "aggregation": aggregation,
            "line": lines.get(line), "baseline": baseline, "target": target, "position": position,
            "is_illustrative": True}, reason=DEMO)
        for quarter, cells in reports.items():
            for territory, (value, breakdown) in cells.items():
                municipality = town if territory == CUCUTA_TOWN else None
                if territory == CUCUTA_TOWN and town is None:
                    continue
                subdivision = municipality.subdivision_id if municipality else territory
                _report, created = create_missing(ResultReport, f"results-report:{code}:{key}:{quarter}:{territory}", {
                    "indicator": indicator, "period": periods[quarter], "subdivision_id": subdivision,
                    "municipality": municipality, "value": Decimal(value), "breakdown": breakdown,
                    "note": "Illustrative figure, made up for the demonstration.", "is_illustrative": True},
                    reason=DEMO)
                created_count += created
    return created_count
