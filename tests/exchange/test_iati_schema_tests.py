"""Issue 15, item 4: the 286 files of the IATI schema tests (../shared/data/iati/schema-tests: 58 should-pass,
225 should-fail XML files, three other files). Every file gives a report and no crash; a file the schema
refuses changes nothing in the database (tests/exchange/test_iati_import.py checks that each gives a problem).

The should-pass files are valid against the XSD but hold placeholders ("xx" codes, empty identifiers): Minga
stores an activity only with an identifier, so each of their activities is either stored or reported with
a reason of Minga's own, never with one of the schema's."""

import contextlib
from pathlib import Path

import pytest

from minga.exchange.iati import importer, stream
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow

pytestmark = pytest.mark.django_db
TESTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati" / "schema-tests"
needs_shared = pytest.mark.skipif(not TESTS.is_dir(), reason="../shared/data/iati/schema-tests is not there")


def files(kind: str) -> list[Path]:
    return sorted((TESTS / kind).rglob("*.xml")) if TESTS.is_dir() else []


@pytest.fixture(scope="module")
def schema():
    return stream.load_schema(TESTS.parent / "schema") if TESTS.is_dir() else None


def state() -> tuple[int, ...]:
    return (IatiActivity.all_objects.count(), IatiTransaction.objects.count(), FundingFlow.all_objects.count(),
            IatiActivity.history.count())


@needs_shared
def test_the_folder_holds_the_286_files():
    assert (len(files("should-pass")), len(files("should-fail")),
            sum(1 for path in TESTS.rglob("*") if path.is_file())) == (58, 225, 286)


@needs_shared
@pytest.mark.parametrize("path", files("should-pass"), ids=lambda path: str(path).split("should-pass/")[-1])
def test_a_should_pass_file_is_read_without_a_schema_problem_and_each_activity_stored_or_reported(path, schema):
    before = state()
    report = importer.import_source(path, name=path.name, schema=schema)  # never refused whole
    assert report.counts["read"] == report.counts["created"] + report.counts["invalid"]
    # Each holds one activity with an empty identifier (a placeholder): reported with Minga's reason alone.
    assert (report.counts["read"], report.counts["invalid"]) == (1, 1)
    messages = [problem["message"] for problem in report.problems]
    assert "no iati-identifier" in messages
    assert all(message and "Element '" not in message for message in messages)
    assert state()[0] == before[0] + report.counts["created"]


@needs_shared
@pytest.mark.parametrize("path", files("should-fail"), ids=lambda path: str(path).split("should-fail/")[-1])
def test_a_should_fail_file_changes_nothing(path, schema):
    before = state()
    report = importer.Report()
    with contextlib.suppress(importer.ImportRefused):
        importer.import_source(path, name=path.name, schema=schema, report=report)
    assert state() == before
    assert report.problems
