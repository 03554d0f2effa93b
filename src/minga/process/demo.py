"""Illustrative roadmap records for the demo: two actions with invented leads, dates, milestones and progress.

The four real actions (``data/process.json``) keep only what the 2023 declaration says; what a
roadmap looks like once followed up is shown on these two, every one of them flagged illustrative.
"""

from datetime import date

from minga.process.models import Milestone, ProgressUpdate, RoadmapAction, RoadmapStatus
from minga.reference.loaders import create_missing
from minga.reference.models import LINES_OF_WORK, Source, Term
from minga.reference.selectors import organisation_loaded

DEMO = "loaded with the demo data"

ACTIONS = [
    {"code": "demo-cucuta-kit-rollout", "line": "children-adolescents-on-the-move", "lead": "demo-cucuta",
     "partners": ["gov-col"], "starts_on": "2025-01-01", "due_on": "2026-12-31", "status": RoadmapStatus.UNDER_WAY,
     "progress": 30,
     "label_es": "Aplicación del kit de capacidades en Cúcuta (ilustrativo)",
     "label_pt": "Aplicação do kit de capacidades em Cúcuta (ilustrativo)",
     "label_en": "Rolling out the capacity kit in Cúcuta (illustrative)",
     "milestones": [("Kit adaptado al municipio", "Kit adaptado ao município", "Kit adapted to the municipality",
                     "2025-06-30", "2025-06-20"),
                    ("Primera formación impartida", "Primeira formação realizada", "First training delivered",
                     "2025-10-31", None)],
     "updates": [("2025-03-15", RoadmapStatus.UNDER_WAY, 10, "Illustrative note: the kit's adaptation started."),
                 ("2025-09-30", RoadmapStatus.UNDER_WAY, 30, "Illustrative note: the adapted kit was validated.")]},
    {"code": "demo-media-training-canada", "line": "new-migration-narrative", "lead": "gac", "partners": [],
     "starts_on": "2024-03-01", "due_on": "2025-06-30", "status": RoadmapStatus.DELAYED, "progress": 60,
     "label_es": "Talleres para periodistas (ilustrativo)",
     "label_pt": "Oficinas para jornalistas (ilustrativo)",
     "label_en": "Workshops for journalists (illustrative)",
     "milestones": [],
     "updates": [("2025-05-10", RoadmapStatus.DELAYED, 60, "Illustrative note: two of the workshops were postponed.")]},
]


def load_demo_roadmap(*, source: Source) -> int:
    """Create the illustrative actions that are missing (with their milestones and notes); how many were."""
    lines = {term.code: term for term in Term.objects.filter(vocabulary_id=LINES_OF_WORK)}
    created_count = 0
    for spec in ACTIONS:
        action, created = create_missing(RoadmapAction, f"roadmap-action:{spec['code']}", {
            "code": spec["code"], "line": lines[spec["line"]], "lead_organisation": organisation_loaded(spec["lead"]),
            "starts_on": date.fromisoformat(spec["starts_on"]), "due_on": date.fromisoformat(spec["due_on"]),
            "status": spec["status"], "progress": spec["progress"], "source": source, "is_illustrative": True,
            **{f"label_{code}": spec[f"label_{code}"] for code in ("es", "pt", "en")}}, reason=DEMO)
        if not created:
            continue
        created_count += 1
        action.partners.set([organisation_loaded(key) for key in spec["partners"]])
        for position, (title_es, title_pt, title_en, due_on, done_on) in enumerate(spec["milestones"]):
            create_missing(Milestone, f"milestone:{spec['code']}:{position}", {
                "action": action, "title_es": title_es, "title_pt": title_pt, "title_en": title_en,
                "due_on": date.fromisoformat(due_on), "done_on": date.fromisoformat(done_on) if done_on else None,
                "is_illustrative": True}, reason=DEMO)
        for on_date, status, progress, note in spec["updates"]:
            create_missing(ProgressUpdate, f"progress:{spec['code']}:{on_date}", {
                "action": action, "on_date": date.fromisoformat(on_date), "status": status, "progress": progress,
                "note": note, "is_illustrative": True}, reason=DEMO)
    return created_count
