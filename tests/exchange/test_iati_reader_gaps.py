"""Three gaps of the IATI reader, each once silent: a language written in capitals (``ES`` beside ``es``) kept as a
second language; a transaction's value-date that is no date replaced by the transaction date; a transaction's own
recipient-region dropped when the activity names one country (and an activity giving its places at both levels,
which IATI 2.03 forbids, never reported)."""

import io

import pytest
from django.utils import translation

from minga.exchange import problems as said
from minga.exchange.iati import importer, reader, stream
from minga.exchange.models import IatiActivity, IatiTransaction
from minga.finance.tracking import FundingFlow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the report's sentences are compared in English
        yield


def activity(identifier: str, *, language: str = "es", title: str = "<narrative>Agua</narrative>",
             places: str = '<recipient-country code="CO" percentage="100"/>', value_date: str = "2024-03-01",
             transaction_place: str = "") -> str:
    return f"""<iati-activity default-currency="USD" xml:lang="{language}">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donante</narrative></reporting-org>
  <title>{title}</title>
  <description><narrative xml:lang="ES">Descripción</narrative><narrative xml:lang="EN">Description</narrative>
    </description>
  {places}
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>
    <value value-date="{value_date}">1000</value>{transaction_place}</transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-04-01"/>
    <value value-date="2024-04-01">500</value>{transaction_place}</transaction>
</iati-activity>"""


def document(*activities: str) -> bytes:
    return ('<iati-activities version="2.03">\n' + "".join(activities) + "</iati-activities>").encode()


def read(*activities: str) -> list[reader.ActivityRecord]:
    return list(stream.activities(io.BytesIO(document(*activities))))


def run(*activities: str, **options) -> importer.Report:
    return importer.import_source(io.BytesIO(document(*activities)), name="gaps.xml", **options)


# 1. Languages: IATI's Language codelist is ISO 639-1, lower case; xml:lang is BCP 47, whose tags are
# case-insensitive. Minga's languages are "es", "pt", "en" (common/languages.py).

def test_a_language_in_capitals_is_the_same_language_as_in_lower_case():
    title = '<narrative>Agua</narrative><narrative xml:lang="ES">Agua potable</narrative>'
    record, = read(activity("XM-L-1", language="es", title=title))
    assert record.problems == []
    assert record.titles == {"es": "Agua"}  # one Spanish title, the first given: "ES" used to be a second language
    assert record.descriptions == {"es": "Descripción", "en": "Description"}


@pytest.mark.parametrize(("given", "code"), [("ES", "es"), ("es-CO", "es"), ("pt-BR", "pt"), ("PT_br", "pt"),
                                             ("ENG", "en"), ("spa", "es"), (" En ", "en")])
def test_the_activitys_language_is_read_as_the_platforms_two_letter_code(given, code):
    record, = read(activity("XM-L-2", language=given, title='<narrative>T</narrative>'))
    assert (record.default_language, record.titles) == (code, {code: "T"})


def test_an_imported_activity_keeps_one_text_per_language_under_the_platforms_codes():
    title = ('<narrative xml:lang="EN">Water</narrative><narrative>Agua</narrative>'
             '<narrative xml:lang="es">Otra</narrative>')
    report = run(activity("XM-L-3", language="ES", title=title))
    assert (report.counts["created"], report.problems) == (1, [])
    stored = IatiActivity.objects.get(identifier="XM-L-3")
    assert (stored.titles, stored.descriptions, stored.data["default_language"]) == (
        {"en": "Water", "es": "Agua"}, {"es": "Descripción", "en": "Description"}, "es")


# 2. A value-date that is no date: the value date chooses the rate, so a wrong one gives wrong dollars.

@pytest.mark.parametrize("value_date", ["2023-13-45", "soon", "01/03/2024"])
def test_a_value_date_that_is_no_date_is_reported_with_its_line_and_the_others_imported(value_date):
    report = run(activity("XM-D-1", value_date=value_date), activity("XM-D-2"))
    assert (report.counts["created"], report.counts["invalid"]) == (1, 1)
    assert report.problems == [{"source": "gaps.xml", "identifier": "XM-D-1", "line": 2,
                                "message": f"transaction at line 9: value-date {value_date!r} is not a date",
                                "template": said.TRANSACTION_VALUE_DATE_NOT_A_DATE,
                                "params": {"line": 9, "value": value_date}}]
    assert list(IatiActivity.objects.values_list("identifier", flat=True)) == ["XM-D-2"]
    assert FundingFlow.objects.filter(reference__startswith="XM-D-1#").count() == 0


def test_a_missing_value_date_is_still_the_transaction_date_as_documented():
    missing = activity("XM-D-3").replace('<value value-date="2024-03-01">', "<value>")
    report = run(missing)
    assert (report.counts["created"], report.problems) == (1, [])
    assert [str(day) for day in IatiTransaction.objects.order_by("position").values_list("value_date", flat=True)] == [
        "2024-03-01", "2024-04-01"]


# 3. A transaction's own recipient-region. IATI 2.03: the places are given for the activity or for every
# transaction, not both; Minga reads 489 and 498 as regional.

def test_a_transactions_own_region_makes_its_flow_regional_and_the_activity_regional():
    report = run(activity("XM-R-1", places="", transaction_place='<recipient-region code="489"/>'))
    assert (report.counts["created"], report.problems) == (1, [])
    assert IatiActivity.objects.get(identifier="XM-R-1").is_regional is True
    assert list(FundingFlow.objects.filter(reference__startswith="XM-R-").order_by("reference").values_list(
        "reference", "country_id")) == [
        ("XM-R-1#1", None), ("XM-R-1#2", None)]


def test_places_at_both_levels_are_reported_and_each_transactions_own_place_is_used():
    both = activity("XM-R-2", transaction_place='<recipient-region code="489"/>')
    report = run(both, activity("XM-R-3"))
    assert (report.counts["created"], report.counts["invalid"]) == (2, 0)
    assert report.problems == [{
        "source": "gaps.xml", "identifier": "XM-R-2", "line": 2,
        "message": "transaction at line 9: recipient-country or recipient-region given for the activity and for its "
                   "transactions (IATI 2.03: one or the other); imported, each transaction's own place used",
        "template": said.PLACES_AT_BOTH_LEVELS, "params": {"line": 9}}]
    # The transaction's region, not the activity's one country: the flows are regional; the other activity's
    # flows go to its country.
    assert list(FundingFlow.objects.filter(reference__startswith="XM-R-").order_by("reference").values_list(
        "reference", "country_id")) == [
        ("XM-R-2#1", None), ("XM-R-2#2", None), ("XM-R-3#1", "COL"), ("XM-R-3#2", "COL")]
    assert IatiActivity.objects.get(identifier="XM-R-2").is_regional is True


def test_places_at_both_levels_refuse_the_file_with_strict():
    with pytest.raises(importer.ImportRefused, match="1 problems; with --strict nothing of the file was imported"):
        run(activity("XM-R-4", transaction_place='<recipient-country code="PE"/>'), activity("XM-R-5"), strict=True)
    assert IatiActivity.objects.count() == 0
