"""The field table: every scalar field of a project that people enter, written down once.

One row per field says what kind of value it holds, whether it is given per language, on which
step of the submission form it is entered, whether the bulk template has a column for it, and
what the API says about it. The services, the form steps, the API schemas and the bulk upload
read this table; adding a scalar field is the model field plus one row here (docs/project-input.md).
"""

from dataclasses import dataclass

from minga.common.languages import LANGUAGES


class Kind:
    """What a field holds, and so how each adapter reads and shows it."""

    TEXT = "text"
    CURRENCY = "currency"  # an ISO 4217 code, kept upper-case
    DATE = "date"
    AMOUNT = "amount"  # a non-negative decimal in the budget's currency
    COUNT = "count"  # a non-negative whole number (of people)
    BOOL = "bool"
    ORGANISATION = "organisation"  # a reference.Organisation, named by number or IATI identifier


@dataclass(frozen=True)
class Field:
    name: str  # the model field, or the stem of one per language ("title" → title_es, title_pt, title_en)
    kind: str
    step: int  # the submission form's step on which it is entered
    languages: tuple[str, ...] = ()  # for a field given per language: LANGUAGES
    column: bool = True  # the bulk template has a column per name (keyed by the name)
    api: bool = True  # the API's create/update bodies take it, under its name
    api_description: str = ""
    api_example: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The model fields of this row: ``title_es, title_pt, title_en`` or just ``planned_start``."""
        return tuple(f"{self.name}_{code}" for code in self.languages) if self.languages else (self.name,)


# In the order the form and the template show them.
FIELDS: tuple[Field, ...] = (
    Field("proposing_organisation", Kind.ORGANISATION, step=1,
          api_description="Organisation id or IATI identifier of a member-state government body or local government "
                          "you may propose for"),
    Field("title", Kind.TEXT, step=1, languages=LANGUAGES),
    Field("summary", Kind.TEXT, step=1, languages=LANGUAGES),
    Field("description", Kind.TEXT, step=1, languages=LANGUAGES, column=False),
    Field("planned_start", Kind.DATE, step=1),
    Field("planned_end", Kind.DATE, step=1),
    Field("sdg_targets", Kind.TEXT, step=1, api_example="5.2, 10.7"),
    Field("is_regional", Kind.BOOL, step=2, api_description="Covers the region rather than named territories"),
    Field("people_total", Kind.COUNT, step=4),
    Field("people_with_disabilities", Kind.COUNT, step=4),
    Field("budget_amount", Kind.AMOUNT, step=5),
    Field("budget_currency", Kind.CURRENCY, step=5, api_description="ISO 4217", api_example="COP"),
    Field("budget_value_date", Kind.DATE, step=5, api_description="The date whose rate converts the budget to USD"),
    Field("requested_amount", Kind.AMOUNT, step=5,
          api_description="Asked of the Group of Friends, in the budget's currency"),
)

FIELD_OF_NAME: dict[str, Field] = {name: row for row in FIELDS for name in row.names}
SCALAR_FIELDS: tuple[str, ...] = tuple(FIELD_OF_NAME)


def names_of(*kinds: str) -> tuple[str, ...]:
    return tuple(name for name, row in FIELD_OF_NAME.items() if row.kind in kinds)


TEXT_FIELDS = names_of(Kind.TEXT, Kind.CURRENCY)
DATE_FIELDS = names_of(Kind.DATE)
AMOUNT_FIELDS = names_of(Kind.AMOUNT)
COUNT_FIELDS = names_of(Kind.COUNT)
BOOL_FIELDS = names_of(Kind.BOOL)
ORGANISATION_FIELDS = names_of(Kind.ORGANISATION)


def fields_of_step(step: int) -> tuple[str, ...]:
    """The scalar fields entered on ``step``, in table order."""
    return tuple(name for name, row in FIELD_OF_NAME.items() if row.step == step)


def step_of_scalars() -> dict[str, int]:
    """Field (and stem of a per-language field, where errors such as "title" are keyed) → its step."""
    steps = {row.name: row.step for row in FIELDS}
    steps.update({name: row.step for name, row in FIELD_OF_NAME.items()})
    return steps
