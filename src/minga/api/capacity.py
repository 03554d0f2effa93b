"""The capacity-development kit for scripts: the coverage of the priority municipalities (the page's table)."""

from datetime import date

from ninja import Router, Schema

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES

router = Router(tags=["capacity"])


class CoverageOut(Schema):
    pcode: str
    municipality: str
    subdivision: str
    country: str
    trainings: int
    last_training: date | None
    participants: int
    by_sex: dict[str, int]
    by_role: dict[str, int]


@router.get("/capacity/coverage", response=list[CoverageOut],
            summary="Each priority municipality: trainings given with the kit and officials trained by sex and role")
def coverage(request):
    return [{
        "pcode": row.municipality.pcode, "municipality": row.municipality.name,
        "subdivision": row.municipality.subdivision_id, "country": row.municipality.subdivision.country_id,
        "trainings": row.deliveries, "last_training": row.last_on, "participants": row.participants,
        "by_sex": {name: row.counts[name] for name, _label in SEXES},
        "by_role": {name: row.counts[name] for name, _label in ROLES},
    } for row in selectors.coverage().rows]
