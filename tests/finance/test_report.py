"""``minga report funding`` and ``GET /api/v1/funding`` on the hand-built ledger (sums: test_selectors.py)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

COL = {"key": "COL", "label": "Colombia", "pledged_usd": "1100000.00", "funding_usd": "1690000.00",
       "disbursed_usd": "1490000.00", "requirement_usd": "10000000.00", "gap_usd": "8310000.00",
       "unconverted": {"PYG": "1000000.00"}, "committed_usd": "600000.00", "unconverted_pledged": {}}


def run(*args) -> str:
    out = StringIO()
    call_command("report", "funding", *args, stdout=out)
    return out.getvalue()


def test_json_rows_by_country(ledger, english):
    rows = json.loads(run("--by", "country", "--format", "json"))
    assert [row["key"] for row in rows] == ["COL", "PER", "regional"]
    assert rows[0] == COL
    assert list(rows[0])[:8] == ["key", "label", "pledged_usd", "funding_usd", "disbursed_usd", "requirement_usd",
                                 "gap_usd", "unconverted"]


def test_csv_and_table_with_a_year(ledger, english):
    assert run("--by", "year", "--year", "2024", "--format", "csv").splitlines() == [
        "key,label,pledged_usd,funding_usd,disbursed_usd,requirement_usd,gap_usd,unconverted,committed_usd,"
        "unconverted_pledged",
        "2024,2024,0.00,301000.00,300000.00,,,,1000.00,"]
    assert run("--by", "donor", "--year", "2023").splitlines() == [
        "key           label                                       pledged_usd   funding_usd  disbursed_usd  "
        "requirement_usd  gap_usd  unconverted",
        "US-GOV-1      U.S. Agency for International Development    500,000.00          0.00           0.00  "
        "              —        —  1000000.00 PYG",
        "XM-DAC-301-2  Global Affairs Canada                      3,500,000.00  1,600,000.00   1,400,000.00  "
        "              —        —",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (("--by", "country", "--year", "20x3"), "--year: Not a whole number."),
    (("--by", "country", "--year", "1800"), "--year: Between 1990 and 2100."),
])
def test_refusals_name_the_option(ledger, english, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert str(refused.value) == message


def test_the_api_gives_the_same_rows(ledger, client, english):
    response = client.get("/api/v1/funding?by=country", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.json()[0] == COL
    refused = client.get("/api/v1/funding?by=planet&year=2023", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (422, {"detail": {"by": [
        "One of: country, subdivision, donor, conference, theme, year."]}})
    refused = client.get("/api/v1/funding?by=year&year=99999", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (422, {"detail": {"year": ["Between 1990 and 2100."]}})


@pytest.mark.parametrize(("by", "queries"), [("country", 6), ("subdivision", 5), ("donor", 5), ("year", 6)])
def test_the_report_runs_a_fixed_number_of_queries_whatever_the_rows(ledger, django_assert_num_queries, by, queries):
    from minga.finance.selectors.report import report_rows

    with django_assert_num_queries(queries):
        rows = report_rows(None, by=by)
    assert rows
