"""Two gaps of the IATI reader: a budget whose value-date, period or value is given but is no date or no number
was dropped without a word (left out of ``minga export iati-activities``, nobody told); an activity's description
was its first one in each language whatever its type, so objectives given first showed as the description."""

import io
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from minga.exchange import problems as said
from minga.exchange.iati import activity_export, importer, reader, stream
from minga.exchange.models import IatiActivity
from minga.finance.tracking import FundingFlow

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "iati"
needs_shared = pytest.mark.skipif(not (SHARED / "schema").is_dir(),
                                  reason="../shared/data/iati is not beside the repository")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the report's sentences are compared in English
        yield


GOOD_BUDGET = """<budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
    <value currency="USD" value-date="2024-01-01">900000</value></budget>
  """


def budget(*, start: str = "2025-01-01", end: str = "2025-12-31", value: str = "750000",
           value_date: str = "2025-01-01") -> str:
    return f"""<budget type="1" status="2"><period-start iso-date="{start}"/><period-end iso-date="{end}"/>
    <value value-date="{value_date}">{value}</value></budget>
  """


def activity(identifier: str, *, budgets: str = GOOD_BUDGET,
             descriptions: str = '<description type="1"><narrative>Descripción</narrative></description>') -> str:
    return f"""<iati-activity default-currency="USD" xml:lang="es">
  <iati-identifier>{identifier}</iati-identifier>
  <reporting-org ref="XM-DAC-7" type="10"><narrative>Donante</narrative></reporting-org>
  <title><narrative>Agua</narrative></title>
  {descriptions}
  <participating-org role="1" ref="XM-DAC-7" type="10"><narrative>Donante</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-01-01"/>
  <recipient-country code="CO" percentage="100"/>
  {budgets}
  <transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>
    <value value-date="2024-03-01">1000</value></transaction>
</iati-activity>"""


def document(*activities: str) -> bytes:
    return ('<iati-activities version="2.03">\n' + "".join(activities) + "</iati-activities>").encode()


def run(*activities: str, **options) -> importer.Report:
    return importer.import_source(io.BytesIO(document(*activities)), name="budgets.xml", **options)


STORED_GOOD = {"type": "1", "status": "1", "start": "2024-01-01", "end": "2024-12-31", "value": "900000",
               "currency": "USD", "value_date": "2024-01-01"}


def note(template: str, **params) -> dict:
    return {"source": "budgets.xml", "identifier": "XM-B-1", "line": 2, "message": template % params,
            "template": template, "params": params}


def exported_budgets() -> list[tuple]:
    """The budgets of ``minga export iati-activities``, after checking the file validates when the schema is at
    hand."""
    written = etree.fromstring(activity_export.build().to_bytes())
    if (SHARED / "schema").is_dir():
        schema = stream.load_schema(SHARED / "schema")
        assert schema.validate(written), schema.error_log
    return [(part.find("period-start").get("iso-date"), part.find("period-end").get("iso-date"),
             part.findtext("value"), part.find("value").get("value-date")) for part in written.iter("budget")]


# 1. Budgets. The second budget of the activity starts at line 13 (the file's first line holds the root element).

@pytest.mark.parametrize("value_date", ["2023-13-45", "soon"])
def test_a_budget_whose_value_date_is_no_date_is_a_note_and_the_activity_imported_without_it(value_date):
    report = run(activity("XM-B-1", budgets=GOOD_BUDGET + budget(value_date=value_date)))
    assert (report.counts["created"], report.counts["invalid"], report.flows) == (1, 0, 1)
    assert report.problems == [note(said.BUDGET_VALUE_DATE_NOT_A_DATE, line=13, value=value_date)]
    assert report.problems[0]["message"] == (f"budget at line 13: value-date {value_date!r} is not a date; the "
                                             "activity imported without this budget")
    assert IatiActivity.objects.get(identifier="XM-B-1").data["budgets"] == [STORED_GOOD]
    assert exported_budgets() == [("2024-01-01", "2024-12-31", "900000", "2024-01-01")]


@pytest.mark.parametrize("value", ["1,000", "NaN", "25E2", "Infinity"])
def test_a_budget_whose_value_is_no_xsd_decimal_is_a_note_and_the_activity_imported_without_it(value):
    report = run(activity("XM-B-1", budgets=budget(value=value) + GOOD_BUDGET))
    assert (report.counts["created"], report.counts["invalid"], report.flows) == (1, 0, 1)
    assert report.problems == [note(said.BUDGET_VALUE_NOT_A_NUMBER, line=11, value=value)]
    assert report.problems[0]["message"] == (f"budget at line 11: value {value!r} is not a number; the activity "
                                             "imported without this budget")
    assert IatiActivity.objects.get(identifier="XM-B-1").data["budgets"] == [STORED_GOOD]
    assert exported_budgets() == [("2024-01-01", "2024-12-31", "900000", "2024-01-01")]


def test_a_budget_whose_period_is_no_date_is_a_note_for_each_and_the_activity_imported_without_it():
    report = run(activity("XM-B-1", budgets=GOOD_BUDGET + budget(start="2025-02-30", end="later")))
    assert (report.counts["created"], report.counts["invalid"]) == (1, 0)
    assert report.problems == [
        note(said.BUDGET_PERIOD_NOT_A_DATE, line=13, element="period-start", value="2025-02-30"),
        note(said.BUDGET_PERIOD_NOT_A_DATE, line=13, element="period-end", value="later")]
    assert [row["message"] for row in report.problems] == [
        "budget at line 13: period-start '2025-02-30' is not a date; the activity imported without this budget",
        "budget at line 13: period-end 'later' is not a date; the activity imported without this budget"]
    assert IatiActivity.objects.get(identifier="XM-B-1").data["budgets"] == [STORED_GOOD]
    assert exported_budgets() == [("2024-01-01", "2024-12-31", "900000", "2024-01-01")]


def test_a_budget_note_is_said_in_the_readers_language():
    problem, = run(activity("XM-B-1", budgets=budget(value="1,000"))).problems
    with translation.override("es"):
        assert said.shown(problem) == ("presupuesto en la línea 11: el valor '1,000' no es un número; la actividad "
                                       "importada sin este presupuesto")
    with translation.override("pt"):
        assert said.shown(problem) == ("orçamento na linha 11: o valor '1,000' não é um número; a atividade "
                                       "importada sem este orçamento")


def test_a_budget_that_is_no_date_or_no_number_refuses_the_file_with_strict():
    with pytest.raises(importer.ImportRefused, match="1 problems; with --strict nothing of the file was imported"):
        run(activity("XM-B-1", budgets=budget(value_date="soon")), activity("XM-B-2"), strict=True)
    assert not IatiActivity.objects.filter(identifier__startswith="XM-B-").exists()
    assert not FundingFlow.all_objects.filter(reference__startswith="XM-B-").exists()


def test_a_well_formed_budget_is_read_as_before_and_a_second_import_leaves_the_activity_unchanged():
    data = activity("XM-B-1", budgets=GOOD_BUDGET + budget(value="+750000.50", value_date="2025-01-01T00:00:00"))
    assert run(data).problems == []
    assert IatiActivity.objects.get(identifier="XM-B-1").data["budgets"] == [STORED_GOOD, {
        "type": "1", "status": "2", "start": "2025-01-01", "end": "2025-12-31", "value": "+750000.50",
        "currency": "USD", "value_date": "2025-01-01"}]
    assert run(data).counts["unchanged"] == 1


def test_a_budget_stored_by_an_earlier_version_that_is_no_date_or_number_is_still_left_out_of_the_export():
    """Earlier versions stored such a budget (its value as given, a value-date that was no date as ""): until the
    activity is imported again, the export leaves it out, and the file validates."""
    run(activity("XM-B-1"))
    stored = IatiActivity.objects.get(identifier="XM-B-1")
    stored.data["budgets"] += [{**STORED_GOOD, "value": "1,000"}, {**STORED_GOOD, "value": "NaN"},
                               {**STORED_GOOD, "value_date": ""}, {**STORED_GOOD, "start": ""}]
    IatiActivity.objects.filter(pk=stored.pk).update(data=stored.data)
    assert exported_budgets() == [("2024-01-01", "2024-12-31", "900000", "2024-01-01")]


# 2. Descriptions. IATI's DescriptionType: 1 General, 2 Objectives, 3 Target groups, 4 Other; none given is general.

TYPED = """<description type="2"><narrative>Objetivos</narrative><narrative xml:lang="en">Objectives</narrative>
  </description>
  <description type="3"><narrative xml:lang="pt">Grupos-alvo</narrative></description>
  <description type="1"><narrative>General</narrative></description>"""


def test_the_general_description_is_the_description_in_each_language_and_the_others_stand_in_for_it():
    untyped = '<description type="4"><narrative>Otra</narrative></description><description><narrative>Sin tipo' \
              '</narrative></description>'
    report = run(activity("XM-B-1", descriptions=TYPED), activity("XM-B-2", descriptions=untyped))
    assert (report.counts["created"], report.problems) == (2, [])
    first, second = IatiActivity.objects.order_by("identifier")
    # Spanish: the general text, though the objectives come first; English and Portuguese have none, so the first
    # text in the file's order; as read, each language where it was first named (PostgreSQL's jsonb sorts keys).
    assert first.descriptions == {"es": "General", "en": "Objectives", "pt": "Grupos-alvo"}
    record = next(stream.activities(io.BytesIO(document(activity("XM-B-1", descriptions=TYPED)))))
    assert list(record.descriptions.items()) == [("es", "General"), ("en", "Objectives"), ("pt", "Grupos-alvo")]
    assert first.data["descriptions"] == first.descriptions
    assert second.descriptions == {"es": "Sin tipo"}
    written = etree.fromstring(activity_export.build().to_bytes())
    # One description each; its narratives in the order the stored data gives back (keys sorted, or jsonb's).
    assert [{narrative.get("{http://www.w3.org/XML/1998/namespace}lang"): narrative.text
             for narrative in description.iterfind("narrative")} for description in written.iter("description")] == [
        {None: "General", "en": "Objectives", "pt": "Grupos-alvo"}, {None: "Sin tipo"}]


def test_an_activity_stored_with_its_objectives_as_description_is_updated_on_its_next_import_its_money_untouched():
    data = activity("XM-B-1", descriptions=TYPED)
    run(data)
    stored = IatiActivity.objects.get(identifier="XM-B-1")
    flows = list(FundingFlow.objects.filter(reference__startswith="XM-B-1#").values_list("pk", "status"))
    # As earlier versions stored it: the first text in each language, whatever its type.
    earlier = {**stored.data, "descriptions": {"es": "Objetivos", "en": "Objectives", "pt": "Grupos-alvo"}}
    IatiActivity.objects.filter(pk=stored.pk).update(data=earlier, descriptions=earlier["descriptions"],
                                                     fingerprint=reader.fingerprint_of(earlier))
    report = run(data)
    assert (report.counts["updated"], report.counts["unchanged"], report.problems) == (1, 0, [])
    assert IatiActivity.objects.get(identifier="XM-B-1").descriptions == {
        "es": "General", "en": "Objectives", "pt": "Grupos-alvo"}
    assert list(FundingFlow.objects.filter(reference__startswith="XM-B-1#").values_list("pk", "status")) == flows
    assert run(data).counts["unchanged"] == 1


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/iati is not beside the repository")
def test_of_the_shared_activities_only_those_with_a_general_description_after_another_read_otherwise():
    """The fingerprints stored by earlier versions (``test_iati_batches``: ``data()`` is the data they were taken
    of) change for these seven alone, each in English, its general description given after another type."""
    changed = []
    for path in sorted(SHARED.rglob("*.xml")):
        try:
            for _event, element in etree.iterparse(str(path), tag="iati-activity", resolve_entities=False,
                                                   no_network=True, load_dtd=False):
                record = reader.read_activity(element)
                earlier = {}
                for description in element.iterfind("description"):
                    for language, text in reader._texts(description, record.default_language).items():
                        earlier.setdefault(language, text)
                if record.descriptions != earlier:
                    assert list(record.descriptions) == list(earlier)  # the same languages, in the same order
                    changed.append((path.name, record.identifier, [language for language, text in earlier.items()
                                                                   if record.descriptions[language] != text]))
        except etree.XMLSyntaxError:
            continue
    assert changed == [
        ("dportal-covid-messy.xml", "CH-FDJP-CHE106823242-2019723a", ["en"]),
        ("dportal-covid-messy.xml", "CH-FDJP-CHE-106823242-20119723b", ["en"]),
        ("dportal-covid-messy.xml", "LK-DRC-GA139-LFS1.2", ["en"]),
        ("dportal-covid-messy.xml", "KR-GOV-051-2020080102233", ["en"]),
        ("dportal-covid-messy.xml", "KR-GOV-051-2020070101252", ["en"]),
        ("dportal-covid-messy.xml", "GB-COH-1762840-VIE082-UN03-01", ["en"]),
        ("dportal-foodsecurity.xml", "NL-KVK-30214009-C380", ["en"])]
