import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minga.reference.models import Municipality

pytestmark = pytest.mark.django_db

HEADER = "pcode,name,subdivision,parent_pcode,admin_level\n"


def _csv(tmp_path, body: str):
    path = tmp_path / "municipalities.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_focal_point_imports_municipalities_once(tmp_path, capsys):
    path = _csv(tmp_path, "CO54001001,Cúcuta urbano,CO-NSA,CO54001,3\n"
                          "CO54498,Ocaña,CO-NSA,,2\n"
                          "CO08001,Barranquilla,co-atl,,2\n")
    call_command("import_municipalities", path, "--as-user", "focal.col")
    assert capsys.readouterr().out.strip() == "3 created, 0 updated, 0 unchanged"
    child = Municipality.objects.get(pcode="CO54001001")
    assert (child.parent.pcode, child.admin_level, child.subdivision_id) == ("CO54001", 3, "CO-NSA")
    assert Municipality.objects.get(pcode="CO08001").subdivision_id == "CO-ATL"
    call_command("import_municipalities", path, "--as-user", "focal.col")
    assert capsys.readouterr().out.strip() == "0 created, 0 updated, 3 unchanged"
    assert child.history.first().history_user.username == "focal.col"


@translation.override("en")
def test_one_bad_row_imports_nothing_and_names_row_and_column(tmp_path):
    before = Municipality.all_objects.count()
    path = _csv(tmp_path, "CO54498,Ocaña,CO-NSA,,2\n"
                          "CO99999,Nowhere,CO-XXX,,2\n"
                          "CO54499,,CO-NSA,CO00000,7\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_municipalities", path, "--as-user", "focal.col")
    assert str(caught.value).splitlines() == [
        "Nothing was imported:",
        "  row 3, subdivision: unknown ISO 3166-2 code 'CO-XXX'",
        "  row 4, name: empty",
        "  row 4, admin_level: must be a whole number from 2 to 5",
        "  row 4, parent_pcode: unknown p-code 'CO00000'",
    ]
    assert Municipality.all_objects.count() == before


@translation.override("en")
def test_focal_point_cannot_import_another_countrys_municipality(tmp_path):
    before = Municipality.all_objects.count()
    path = _csv(tmp_path, "CO54498,Ocaña,CO-NSA,,2\nPE150101,Lima,PE-LMA,,2\n")
    with pytest.raises(CommandError) as caught:
        call_command("import_municipalities", path, "--as-user", "focal.col")
    assert str(caught.value).splitlines() == [
        "Nothing was imported:", "  row 3, subdivision: You may not create this record (municipality)."]
    assert Municipality.all_objects.count() == before
