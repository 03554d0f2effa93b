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


@pytest.mark.parametrize(("by", "queries"), [("country", 4), ("subdivision", 6), ("donor", 3), ("conference", 5), ("theme", 6), ("year", 5)])
def test_the_report_runs_a_fixed_number_of_queries_whatever_the_rows(ledger, django_assert_num_queries, by, queries):
    from minga.finance.selectors.report import report_rows

    with django_assert_num_queries(queries):
        rows = report_rows(None, by=by)
    assert rows


def computed(user, by, year=None) -> list[dict]:
    """The rows as the flows give them (``funding_rows``), in the report's columns."""
    from minga.finance.selectors.funding import FundingFilters, funding_rows
    from minga.finance.selectors.report import KEYS

    return [{key: row[key] for key in KEYS}
            for row in (r.as_dict() for r in funding_rows(user, by, FundingFilters(year=year)))]


@pytest.mark.parametrize("role", ["anonymous", "secretariat"])
@pytest.mark.parametrize("year", [None, 2023, 2024])
@pytest.mark.parametrize("by", ["country", "donor"])
def test_by_country_and_donor_the_report_reads_the_kept_totals_and_they_give_the_flows_rows(
        ledger, users, english, monkeypatch, role, year, by):
    from minga.finance.selectors import report
    from tests.finance.kept import assert_totals_kept_exactly

    user = users[role]
    expected = computed(user, by, year)
    assert expected  # rows to compare: the ledger has money in every one of these
    monkeypatch.setattr(report, "funding_rows_sql", lambda *args: pytest.fail("computed from the flows"))
    assert report.report_rows(user, by=by, year=year) == expected
    assert_totals_kept_exactly()


def test_the_api_and_the_command_give_the_kept_rows_exactly(ledger, client, english):
    expected = computed(None, "country")
    assert expected[0] == COL
    assert client.get("/api/v1/funding?by=country", HTTP_ACCEPT_LANGUAGE="en").json() == expected
    assert json.loads(run("--by", "country", "--format", "json")) == expected
    assert client.get("/api/v1/funding?by=donor&year=2023", HTTP_ACCEPT_LANGUAGE="en").json() == computed(
        None, "donor", 2023)


def test_an_officer_who_sees_their_own_drafts_gets_them_from_the_flows(ledger, users, english):
    from minga.finance.selectors.report import report_rows

    donors = {row["key"]: row for row in report_rows(users["donor_can"], by="donor")}
    assert donors["XM-DAC-301-2"]["disbursed_usd"] == "1700999.00"  # the draft of 999 counts for its donor
    assert {row["key"]: row for row in report_rows(None, by="donor")}["XM-DAC-301-2"]["disbursed_usd"] == "1700000.00"
