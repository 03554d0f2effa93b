"""Illustrative records of the kit for the demo: a small library, two priority municipalities and one training.

Every record is flagged illustrative and the pages say so; the resources' links point to example.org, a
domain reserved for examples, because the kit's real files are not published yet.
"""

from datetime import date

from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.process.models import RoadmapAction
from minga.reference.loaders import create_missing
from minga.reference.models import Municipality, Term
from minga.reference.selectors import organisation_loaded

DEMO = "loaded with the demo data"
CHILDREN = "children-adolescents-on-the-move"

# series, kind, language, edition, published, title, audience
RESOURCES = [
    ("first-response", "module", "es", 1, "2024-05-01", "Módulo 1: primera respuesta (ilustrativo)", "front_line"),
    ("first-response", "module", "es", 2, "2025-02-01", "Módulo 1: primera respuesta (ilustrativo)", "front_line"),
    ("first-response", "module", "pt", 1, "2025-03-01", "Módulo 1: primeira resposta (ilustrativo)", "front_line"),
    ("first-response", "module", "en", 1, "2025-03-01", "Module 1: first response (illustrative)", "front_line"),
    ("child-protection", "module", "es", 1, "2025-02-01", "Módulo 2: protección de la niñez (ilustrativo)",
     "front_line"),
    ("facilitator-guide", "document", "es", 1, "2025-02-01", "Guía para facilitadores (ilustrativo)", "trainers"),
]
PRIORITIES = [("CO54001", "2025-01-15"), ("EC0401", "2025-01-15")]


def load_demo_kit() -> dict[str, int]:
    """Create what is missing; how many of each were created."""
    created = {"kit resources": 0, "priority municipalities": 0, "trainings": 0}
    line = Term.objects.get(vocabulary_id="lines-of-work-2023", code=CHILDREN)
    resources = {}
    for series, kind, language, edition, published, title, audience in RESOURCES:
        resource, made = create_missing(KitResource, f"kit:{series}:{language}:{edition}", {
            "series": series, "kind": kind, "language": language, "edition": edition,
            "published_on": date.fromisoformat(published), "title": title, "audience": audience, "line": line,
            "link": f"https://example.org/minga-demo/kit/{series}-{language}-v{edition}.pdf",
            "is_illustrative": True}, reason=DEMO)
        resources[(series, language, edition)] = resource
        created["kit resources"] += int(made)
    for pcode, since in PRIORITIES:
        _, made = create_missing(PriorityMunicipality, f"kit-priority:{pcode}", {
            "municipality": Municipality.all_objects.get(pcode=pcode), "since": date.fromisoformat(since),
            "is_illustrative": True}, reason=DEMO)
        created["priority municipalities"] += int(made)
    delivery, made = create_missing(TrainingDelivery, "kit-delivery:CO54001:2025-10-20", {
        "delivered_on": date(2025, 10, 20), "municipality": Municipality.all_objects.get(pcode="CO54001"),
        "organiser": organisation_loaded("demo-cucuta"),
        "action": RoadmapAction.objects.filter(code="demo-cucuta-kit-rollout").first(),
        "women": 14, "men": 9, "sex_other": 1, "social_services": 6, "child_protection": 5, "police": 4,
        "health": 3, "education": 4, "migration_authority": 2, "other_role": 0,
        "pre_score": "48.5", "post_score": "76.0",
        "note": "Illustrative record: a made-up training for the demonstration.", "is_illustrative": True},
        reason=DEMO)
    if made:
        delivery.modules.set([resources[("first-response", "es", 2)], resources[("child-protection", "es", 1)]])
    created["trainings"] += int(made)
    return created
