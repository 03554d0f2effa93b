"""The typed project input: the field table, ProjectInput, and project_input_from."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import get_template

from minga.accounts.models import User
from minga.api.portfolio_schemas import ProjectIn, ProjectPatch
from minga.common.languages import LANGUAGES
from minga.portfolio import bulk, demo, services
from minga.portfolio.forms import STEP_OF_FIELD, STEPS, step_of
from minga.portfolio.inputs import (
    AMOUNT_FIELDS,
    COUNT_FIELDS,
    DATE_FIELDS,
    FIELD_OF_NAME,
    FIELDS,
    PART_KEYS,
    SCALAR_FIELDS,
    TEXT_FIELDS,
    Kind,
    ProjectInput,
    project_input_from,
)
from minga.portfolio.models import Project

# The editable model fields people do not enter on the form, with why.
NOT_ENTERED = {
    "id": "the key",
    "country": "follows the proposing organisation",
    "status": "moved by the workflow's transitions",
}


def test_every_field_people_edit_has_a_row_in_the_table():
    editable = {field.name for field in Project._meta.concrete_fields if field.editable}
    assert editable - set(NOT_ENTERED) == set(SCALAR_FIELDS), (
        "An editable Project field needs a row in portfolio/inputs/fields.py (or a reason in NOT_ENTERED)")


def test_the_table_expands_per_language_and_gives_the_lists_the_adapters_read():
    assert FIELD_OF_NAME["title_pt"].names == ("title_es", "title_pt", "title_en")
    assert [name for name in SCALAR_FIELDS if name.startswith("summary_")] == [f"summary_{c}" for c in LANGUAGES]
    # The lists the code kept before the table (a field added to the table joins its kind's list).
    assert {"title_es", "title_pt", "title_en", "summary_es", "summary_pt", "summary_en", "description_es",
            "description_pt", "description_en", "budget_currency", "sdg_targets"} <= set(TEXT_FIELDS)
    assert {"planned_start", "planned_end", "budget_value_date"} <= set(DATE_FIELDS)
    assert {"budget_amount", "requested_amount"} <= set(AMOUNT_FIELDS)
    assert {"people_total", "people_with_disabilities"} <= set(COUNT_FIELDS)
    for names, kinds in ((TEXT_FIELDS, {Kind.TEXT, Kind.CURRENCY}), (DATE_FIELDS, {Kind.DATE}),
                         (AMOUNT_FIELDS, {Kind.AMOUNT}), (COUNT_FIELDS, {Kind.COUNT})):
        assert names == tuple(name for name in SCALAR_FIELDS if FIELD_OF_NAME[name].kind in kinds)
    assert len(SCALAR_FIELDS) == len(set(SCALAR_FIELDS)) == sum(len(row.names) for row in FIELDS)


def test_each_field_is_on_its_step_of_the_form():
    assert all(STEP_OF_FIELD[name] == FIELD_OF_NAME[name].step for name in SCALAR_FIELDS)
    assert all(STEP_OF_FIELD[row.name] == row.step for row in FIELDS)  # "title": errors about all three
    before_the_table = {
        **{f"{stem}_{c}": 1 for stem in ("title", "summary", "description") for c in LANGUAGES},
        "proposing_organisation": 1, "planned_start": 1, "planned_end": 1, "sdg_targets": 1, "is_regional": 2,
        "people_total": 4, "people_with_disabilities": 4, "budget_amount": 5, "budget_currency": 5,
        "budget_value_date": 5, "requested_amount": 5}
    assert {name: STEP_OF_FIELD[name] for name in before_the_table} == before_the_table
    assert (step_of("title"), step_of("summary"), step_of("locations[2].percentage"), step_of("themes[quito-axes]"),
            step_of("funding"), step_of("comment")) == (1, 1, 2, 3, 5, 7)


@pytest.mark.django_db
def test_each_step_form_holds_exactly_its_fields_of_the_table(users):
    for number, step_class in STEPS.items():
        step = step_class(user=users["focal_col"])
        scalars = [name for name in (step.form.fields if step.form else []) if name in FIELD_OF_NAME]
        assert scalars == [row_name for row_name in SCALAR_FIELDS if STEP_OF_FIELD[row_name] == number]
        # The template lays out LAID_OUT by hand; any other field of the step follows them.
        template = get_template(step.template).template.source
        for name in step.LAID_OUT:
            assert name in scalars
            assert f"form.{name} " in template, (step.template, name)
        assert [field.name for field in step.more_fields()] == [name for name in scalars if name not in step.LAID_OUT]


@pytest.mark.django_db
def test_the_template_and_the_api_take_every_field_the_table_gives_them():
    keys = [column.key for column in bulk.columns()]
    assert sorted(key for key in keys if key in FIELD_OF_NAME) == sorted(
        name for name, row in FIELD_OF_NAME.items() if row.column)
    assert not {f"description_{c}" for c in LANGUAGES} & set(keys)
    api = {name for name, row in FIELD_OF_NAME.items() if row.api}
    assert api <= set(ProjectIn.model_fields) and api <= set(ProjectPatch.model_fields)
    assert set(ProjectIn.model_fields) - api == set(PART_KEYS)
    assert ProjectIn.model_fields["proposing_organisation"].is_required()
    assert not ProjectPatch.model_fields["proposing_organisation"].is_required()


def test_an_input_knows_what_was_given():
    given = ProjectInput(title_es="Centros", planned_start=None, locations=[])
    assert given.given == {"title_es", "planned_start", "locations"}
    assert given.keys() == ["title_es", "planned_start", "locations"]
    assert (given.title_pt, given.is_regional, given.budget_amount, given.themes) == ("", False, None, [])
    assert (given.get("title_pt"), given.get("title_pt", "-"), given["planned_start"]) == (None, "-", None)
    assert "title_es" in given and "title_pt" not in given
    with pytest.raises(KeyError):
        given["title_pt"]
    with pytest.raises(TypeError):
        ProjectInput(not_a_field="x")  # not a field of the table
    assert ProjectInput.coerce({"title_es": "Centros"}) == ProjectInput(title_es="Centros")


def test_an_update_over_a_saved_input_replaces_only_what_it_gives():
    saved = ProjectInput(title_es="Centros", budget_amount=Decimal("10"), locations=[{"country": None}])
    merged = ProjectInput(budget_amount=Decimal("12"), themes=[]).over(saved)
    assert merged.as_dict() == {"title_es": "Centros", "budget_amount": Decimal("12"),
                                "locations": [{"country": None}], "themes": []}


def _rows(rows) -> list:
    """Rows in a comparable form: records by key, numbers by value (100 == 100.00), in any order."""
    def plain(value):
        return str(value.pk) if hasattr(value, "pk") else f"{value.normalize():f}" if isinstance(
            value, Decimal) else str(value)
    return sorted(tuple(sorted((key, plain(value)) for key, value in row.items())) for row in rows)


@pytest.mark.django_db
def test_a_saved_project_reads_back_as_the_input_it_was_made_from(users):
    spec = next(spec for spec in demo.PROJECTS if spec["key"] == "carchi-integration")
    made = demo.demo_input(spec)
    project = services.project_create(user=User.objects.get(username="secretaria"), data=made)
    saved = project_input_from(project)
    assert saved.given == {*SCALAR_FIELDS, *PART_KEYS}
    for key in made.keys():  # noqa: SIM118 -- a ProjectInput, whose keys() are the fields it was given
        if key in PART_KEYS:
            assert _rows(saved[key]) == _rows(made[key]), key
        else:
            assert saved[key] == made[key], key
    assert (saved.description_es, saved.is_regional, saved.contacts) == ("", False, [])
    assert saved.funding[0]["amount"] == Decimal("400000") and saved.funding[0]["value_date"] == date(2026, 1, 15)
    assert project_input_from(project, parts=("themes",)).given == {*SCALAR_FIELDS, "themes"}


@pytest.mark.django_db
def test_saving_a_project_as_it_reads_changes_nothing_but_the_version(users):
    focal = users["focal_per"]
    spec = next(spec for spec in demo.PROJECTS if spec["key"] == "lima-kit")
    project = services.project_create(user=focal, data=demo.demo_input(spec))
    before = {field.attname: getattr(project, field.attname) for field in Project._meta.concrete_fields}
    parts_before = project_input_from(project)
    history = project.history.count()

    updated = services.project_update(project=project, user=focal, data=project_input_from(project),
                                      expected_version=project.version, reason="as it was")

    after = {field.attname: getattr(updated, field.attname) for field in Project._meta.concrete_fields}
    assert after["version"] == before["version"] + 1
    # The account of the parts is the same whatever order and decimals the rows came in (the demo
    # wrote "2026 1500000", the database reads "2026 1500000.00"): nothing else changed.
    assert {key: value for key, value in after.items() if key not in ("version", "updated_at")} == {
        key: value for key, value in before.items() if key not in ("version", "updated_at")}
    assert "budget years: 2026 1500000, 2027 750000" in after["parts_summary"]
    assert project_input_from(updated) == parts_before
    assert updated.history.count() == history + 1

    # Saved again as it reads: still nothing but the version, and the audit keeps a row for each save.
    again = services.project_update(project=updated, user=focal, data=project_input_from(updated),
                                    expected_version=updated.version, reason="as it was")
    assert {field.attname: getattr(again, field.attname) for field in Project._meta.concrete_fields
            if field.attname not in ("version", "updated_at")} == {
        key: value for key, value in after.items() if key not in ("version", "updated_at")}
    assert again.history.count() == history + 2
    latest, previous = again.history.order_by("-history_id")[:2]
    assert latest.diff_against(previous).changes == []  # a row with no change of any field


def test_the_parts_summary_is_the_same_whatever_order_and_decimals_the_parts_come_in():
    from types import SimpleNamespace

    col, nsa, ara = (SimpleNamespace(iso3="COL"), SimpleNamespace(code="CO-NSA"), SimpleNamespace(code="CO-ARA"))
    sent = {"locations": [{"country": col, "subdivision": nsa, "municipality": None, "percentage": Decimal("40")},
                          {"country": col, "subdivision": None, "municipality": None, "percentage": Decimal("100")},
                          {"country": col, "subdivision": ara, "municipality": None, "percentage": Decimal("60.00")}],
            "budget_years": [{"year": 2027, "amount": Decimal("750000")}, {"year": 2026, "amount": Decimal("1500000")}]}
    stored = {"locations": list(reversed(sent["locations"])),
              "budget_years": [{"year": 2026, "amount": Decimal("1500000.00")},
                               {"year": 2027, "amount": Decimal("750000.00")}]}
    assert services.describe_parts(sent) == services.describe_parts(stored) == (
        "territories: COL 100%, CO-ARA 60%, CO-NSA 40%\nbudget years: 2026 1500000, 2027 750000")


@pytest.mark.django_db
def test_the_parts_summary_names_organisations_as_registered_whatever_language_the_saver_reads():
    """A save by a reader of another language is no change of participants or funders (the conflict box and the
    history said "participants" changed when a Spanish reader saved what an English one had written)."""
    from django.utils import translation

    from minga.reference.models import Organisation

    canada = Organisation.objects.create(name="Global Affairs Canada", acronym="GAC", name_es="Asuntos Mundiales Canadá",
                                         name_pt="Assuntos Globais Canadá")
    parts = {"participants": [{"organisation": canada, "role": "funder"}],
             "funding": [{"funder": canada, "amount": Decimal("1000.00"), "currency": "CAD"}]}
    written = set()
    for language in ("es", "en", "pt"):
        with translation.override(language):
            written.add(services.describe_parts(parts))
    assert written == {"secured: Global Affairs Canada (GAC) 1000 CAD\nparticipants: Global Affairs Canada (GAC) (funder)"}
