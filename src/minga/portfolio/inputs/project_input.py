"""The services' input: one typed record of a project's scalar fields and parts, and which were given.

``ProjectInput`` has one attribute per row of the field table (``fields.FIELDS``, typed by its
kind) and one list per kind of part (rows typed below). Only the fields a caller names are
*given* (``ProjectInput.given``): a form step or an API PATCH sends some fields, and an update
changes only those. The input reads like a mapping of its given fields (``input.get("title_es")``,
``input["locations"]``), which is what ``validation.check`` reads.

:func:`project_input_from` rebuilds the whole input from a saved project: the services merge an
update over it, the form steps show it, and tests compare with it.
"""

from dataclasses import dataclass, field, fields, make_dataclass
from datetime import date
from decimal import Decimal
from typing import TypedDict

from django.db.models import Prefetch

from minga.portfolio.inputs.fields import FIELD_OF_NAME, SCALAR_FIELDS, Kind
from minga.portfolio.models import Project
from minga.reference.models import Country, Marker, Municipality, Organisation, Subdivision, Term


class LocationPart(TypedDict):
    country: Country
    subdivision: Subdivision | None
    municipality: Municipality | None
    percentage: Decimal


class ThemePart(TypedDict):
    term: Term
    percentage: Decimal


class MarkerPart(TypedDict):
    marker: Marker
    significance: int


class PeoplePart(TypedDict):
    dimension: str
    category: str
    people: int


class BudgetYearPart(TypedDict):
    year: int
    amount: Decimal


class FundingPart(TypedDict):
    funder: Organisation
    amount: Decimal
    currency: str
    value_date: date


class ParticipantPart(TypedDict):
    organisation: Organisation
    role: str


class ContactPart(TypedDict):
    name: str
    position: str
    email: str
    phone: str


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()  # the default of every attribute: "not given", told apart from a given None or ""

# The type of each kind of field, and its value when the field is not given.
TYPES = {Kind.TEXT: str, Kind.CURRENCY: str, Kind.DATE: date | None, Kind.AMOUNT: Decimal | None,
         Kind.COUNT: int | None, Kind.BOOL: bool, Kind.ORGANISATION: Organisation | None}
EMPTY = {Kind.TEXT: "", Kind.CURRENCY: "", Kind.BOOL: False}


@dataclass(kw_only=True)
class _InputBase:
    locations: list[LocationPart] = UNSET
    themes: list[ThemePart] = UNSET
    markers: list[MarkerPart] = UNSET
    people: list[PeoplePart] = UNSET
    budget_years: list[BudgetYearPart] = UNSET
    funding: list[FundingPart] = UNSET
    participants: list[ParticipantPart] = UNSET
    contacts: list[ContactPart] = UNSET
    given: frozenset = field(init=False, default=frozenset(), compare=True)

    def __post_init__(self):
        given = []
        for item in fields(self):
            if item.name == "given":
                continue
            if getattr(self, item.name) is UNSET:
                kind = FIELD_OF_NAME[item.name].kind if item.name in FIELD_OF_NAME else None
                setattr(self, item.name, [] if kind is None else EMPTY.get(kind))
            else:
                given.append(item.name)
        self.given = frozenset(given)

    @classmethod
    def coerce(cls, data) -> "ProjectInput":
        """``data`` itself, or a mapping of the same names as an input (a name outside the table is a TypeError)."""
        return data if isinstance(data, cls) else cls(**data)

    # Read like a mapping of the given fields -----------------------------------------------------
    def keys(self) -> list[str]:
        """The given names: scalars in table order, then parts."""
        return [key for key in (*SCALAR_FIELDS, *PART_KEYS) if key in self.given]

    def __contains__(self, key) -> bool:
        return key in self.given

    def __getitem__(self, key):
        if key not in self.given:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key) if key in self.given else default

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.keys()}

    def scalars(self) -> dict:
        """The given scalar fields, in table order."""
        return {key: getattr(self, key) for key in SCALAR_FIELDS if key in self.given}

    def parts(self) -> dict[str, list]:
        return {key: getattr(self, key) for key in PART_KEYS if key in self.given}

    def over(self, base: "ProjectInput") -> "ProjectInput":
        """``base`` with this input's given fields in place of its own (an update over the saved project)."""
        return type(self)(**{**base.as_dict(), **self.as_dict()})


PART_KEYS: tuple[str, ...] = tuple(item.name for item in fields(_InputBase) if item.name != "given")

ProjectInput = make_dataclass(
    "ProjectInput",
    [(name, TYPES[row.kind], field(default=UNSET)) for name, row in FIELD_OF_NAME.items()],
    bases=(_InputBase,), kw_only=True,
    namespace={"__doc__": "A project as the services take it: the field table's scalars and the parts, "
                          "with the names that were given (``given``).", "__module__": __name__})


# How each kind of part is read back from a saved project: its relation, the rows it joins, one row as input.
_PARTS = {
    "locations": ("locations", ("country", "subdivision", "municipality"), lambda r: {
        "country": r.country, "subdivision": r.subdivision, "municipality": r.municipality,
        "percentage": r.percentage}),
    "themes": ("themes", ("term__vocabulary",), lambda r: {"term": r.term, "percentage": r.percentage}),
    "markers": ("markers", ("marker",), lambda r: {"marker": r.marker, "significance": r.significance}),
    "people": ("people", (), lambda r: {"dimension": r.dimension, "category": r.category, "people": r.people}),
    "budget_years": ("budget_years", (), lambda r: {"year": r.year, "amount": r.amount}),
    "funding": ("funding", ("funder",), lambda r: {
        "funder": r.funder, "amount": r.amount, "currency": r.currency, "value_date": r.value_date}),
    "participants": ("participants", ("organisation",), lambda r: {"organisation": r.organisation, "role": r.role}),
    "contacts": ("contacts", (), lambda r: {"name": r.name, "position": r.position, "email": r.email,
                                             "phone": r.phone}),
}


def _prefetched_as(key: str) -> str:
    return f"input_{key}"


def input_prefetches(parts=PART_KEYS) -> list[Prefetch]:
    """For a list of projects whose inputs are all rebuilt (my projects): each kind of part in one query.

    The rows go to their own attributes (``input_locations`` …), in the order the single-project read
    gives, so that no other prefetch of the same relation (the API's, ordered for display) is mistaken for them.
    """
    prefetches = []
    for key in parts:
        relation, joins, _row = _PARTS[key]
        model = Project._meta.get_field(relation).related_model
        prefetches.append(Prefetch(relation, queryset=model.objects.select_related(*joins) if joins
                                   else model.objects.all(), to_attr=_prefetched_as(key)))
    return prefetches


def _part_rows(project: Project, key: str) -> list[dict]:
    relation, joins, row = _PARTS[key]
    saved = getattr(project, _prefetched_as(key), None)
    if saved is None:
        manager = getattr(project, relation)
        saved = manager.select_related(*joins) if joins else manager.all()
    return [row(r) for r in saved]


def project_input_from(project: Project, *, parts=PART_KEYS) -> ProjectInput:
    """The saved project as a whole input: every scalar field and every part given.

    ``parts`` narrows the parts read (a form step shows only its own, and reads only those).
    """
    return ProjectInput(**{name: getattr(project, name) for name in SCALAR_FIELDS},
                        **{key: _part_rows(project, key) for key in parts})
