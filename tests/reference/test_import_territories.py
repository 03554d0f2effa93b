"""Issue 12: ``minga import territories FILE.csv``: municipalities and lower levels by official code (p-code)
with their parents, placed in their subdivision by code, by point (the vendored boundaries) or by parent;
all rows or none, and the same file twice changes nothing. Real codes and places of Colombia and Ecuador."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minga import cli
from minga.reference import imports
from minga.reference.models import Municipality

pytestmark = pytest.mark.django_db

HEADER = "pcode,name,subdivision,parent_pcode,admin_level,country,latitude,longitude\n"
ROWS = [
    # By code and point (Cúcuta: already in the demo, now with its point).
    "CO54001,San José de Cúcuta,CO-NSA,,2,COL,7.8939,-72.5078",
    # By point only: Ipiales lies in Nariño, a few kilometres from Tulcán across the border.
    "CO52356,Ipiales,,,2,COL,0.8303,-77.6444",
    "CO54874,Villa del Rosario,,,2,COL,7.8336,-72.4742",
    "EC0405,Montúfar,,,2,ECU,0.5167,-77.8667",
    "EC0707,Huaquillas,,,2,ECU,-3.4756,-80.2308",
    # A lower level with no point: it takes its parent's subdivision (the parent comes later in the file).
    "CO44430001,Maicao (cabecera),,CO44430,3,,,",
    "CO44430,Maicao,,,2,COL,11.3778,-72.2394",
]


def _file(tmp_path, rows):
    path = tmp_path / "territories.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def run(path, user) -> tuple[str, list[str]]:
    """The command as ``minga import territories`` runs it (call_command: Django's command runner would close
    the test's database connection); its output and its error lines."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_territories", path, "--user", user, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue().strip(), [*err.getvalue().splitlines(), f"CommandError: {error}"]
    return out.getvalue().strip(), err.getvalue().splitlines()


def test_minga_import_territories_is_the_command_import_territories(monkeypatch):
    seen = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", seen.append)
    assert cli.main(["minga", "import", "territories", "file.csv", "--user", "ana"]) == 0
    assert seen == [["minga", "import_territories", "file.csv", "--user", "ana"]]


def _placed(pcodes):
    return {m.pcode: (m.subdivision_id, m.parent.pcode if m.parent else None, m.admin_level, m.latitude)
            for m in Municipality.objects.filter(pcode__in=pcodes).select_related("parent")}


def test_the_command_places_each_unit_by_code_point_or_parent_and_is_idempotent(tmp_path):
    path = _file(tmp_path, ROWS)

    assert run(path, "secretaria") == ("created 6, updated 1, unchanged 0", [])
    assert _placed(["CO54001", "CO52356", "CO54874", "EC0405", "EC0707", "CO44430", "CO44430001"]) == {
        "CO54001": ("CO-NSA", None, 2, Decimal("7.893900")),
        "CO52356": ("CO-NAR", None, 2, Decimal("0.830300")),
        "CO54874": ("CO-NSA", None, 2, Decimal("7.833600")),
        "EC0405": ("EC-C", None, 2, Decimal("0.516700")),
        "EC0707": ("EC-O", None, 2, Decimal("-3.475600")),
        "CO44430": ("CO-LAG", None, 2, Decimal("11.377800")),
        "CO44430001": ("CO-LAG", "CO44430", 3, None),
    }
    history = Municipality.objects.get(pcode="CO52356").history.get()
    assert (history.history_type, history.history_user.username, history.history_change_reason) == (
        "+", "secretaria", "minga import territories")

    assert run(path, "secretaria") == ("created 0, updated 0, unchanged 7", [])


def test_a_file_with_wrong_rows_writes_nothing_and_names_each_row(tmp_path, english):
    before = Municipality.all_objects.count()
    path = _file(tmp_path, [
        ROWS[1],
        "EC0401,Tulcán,CO-NAR,,2,ECU,0.8117,-77.7173",  # the code says Nariño, the point lies in Carchi
        "EC0402,Bolívar,,,2,ECU,91,-77.9",
        "EC0403,Espejo,,,2,,,",
    ])

    assert run(path, "secretaria")[1] == [
        "row 3, subdivision: the point lies in EC-C, not in CO-NAR",
        "row 4, latitude: must lie between -90 and 90",
        "row 5, subdivision: empty: give the ISO 3166-2 code, a point inside it or a parent p-code",
        "CommandError: 3 row error(s): nothing was imported.",
    ]
    assert Municipality.all_objects.count() == before


def test_a_focal_point_imports_only_in_their_country(tmp_path, english):
    before = Municipality.all_objects.count()
    path = _file(tmp_path, [ROWS[1], ROWS[3]])

    assert run(path, "focal.col")[1] == [
        "row 3, subdivision: You may not create this record (municipality).",
        "CommandError: 1 row error(s): nothing was imported."]
    assert Municipality.all_objects.count() == before


def test_where_no_boundary_holds_the_point_the_parent_places_the_unit(monkeypatch, users):
    monkeypatch.setattr(imports, "subdivision_at", lambda iso3, latitude, longitude: None)  # geometry missing
    result = imports.municipalities_import(rows=[
        {"pcode": "EC040150", "name": "Tulcán (parroquia urbana)", "parent_pcode": "EC0401", "admin_level": "3",
         "country": "ECU", "latitude": "0.8117", "longitude": "-77.7173"},
    ], user=users["secretariat"], reason="test")

    assert (result.created, result.errors) == (1, [])
    assert _placed(["EC040150"]) == {"EC040150": ("EC-C", "EC0401", 3, Decimal("0.811700"))}
