"""HTML, JavaScript and a formula in every text field users write (issue 15, item 4), read back everywhere.

The payload goes into every text field of every model that users write: the fields are those the input
dataclasses and forms name (a new field of ``ProjectInput``, ``ServiceInput``… is covered without a change
here), kept when the model stores them as free text (no choices, not an e-mail address, a web address or a
unique key). It is written straight into the rows of the demo data (the services' own checks are tested
elsewhere: here the question is only what the readers do with such text once it is stored).

Then every page and API operation of tests/test_query_counts.py that answers a GET with 200 is read as its
usual caller, and the narrative checker is given the payload:

- HTML (pages, htmx fragments, chart specs and their data tables): the payload is never markup (no
  ``<script>alert``, no element with an ``onerror`` attribute, no ``javascript:`` address), and where it is
  shown it is escaped;
- JSON: it parses; CSV, HXL: a cell holding the payload does not start with = + - @; XLSX: such a cell is a
  string, never a formula; Atom feeds: well-formed XML with no element the payload would make;
- PDF: read back with ``pdftotext``, the payload is printed as the text it is.
"""

import csv
import dataclasses
import io
import json
import shutil
import subprocess

import lxml.etree
import lxml.html
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from openpyxl import load_workbook

from minga.capacity.services import DeliveryInput, ResourceInput
from minga.common.cache import DOMAINS, bump
from minga.finance.inputs import FlowInput
from minga.localgov.forms import NeedsStatementForm
from minga.portfolio.inputs import ProjectInput
from minga.process.forms import EvidenceForm, ProgressForm
from minga.process.services import EvidenceInput, ProgressInput
from minga.reference.forms import OrganisationForm
from minga.results.services import IndicatorInput, ReportInput
from minga.services.inputs import ServiceInput
from tests.test_query_counts import CASES, Setting, send

pytestmark = pytest.mark.django_db

PAYLOAD = "=1+1<script>alert(1)</script><img src=x onerror=alert(1)>\"'&"
ESCAPED = "=1+1&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;"
MARK = "alert(1)"
PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"

# Where users write text: each model with the inputs (dataclasses, forms) that write it.
WRITTEN = {
    "portfolio.Project": [ProjectInput],
    "services.Service": [ServiceInput],
    "process.ProgressUpdate": [ProgressInput, ProgressForm],
    "process.ActionEvidence": [EvidenceInput, EvidenceForm],
    "finance.FundingFlow": [FlowInput],  # a pledge (PledgeInput) has no free text: its donor's and source's
    "reference.Source": [],  # cited by pledges and figures: every free-text field
    "results.Indicator": [IndicatorInput],
    "results.ResultReport": [ReportInput],
    "capacity.TrainingDelivery": [DeliveryInput],
    "capacity.KitResource": [ResourceInput],
    "reference.Organisation": [OrganisationForm],
    "localgov.NeedsStatement": [NeedsStatementForm],
    "process.Meeting": [],  # loaded from the process's data: every free-text field
}
# Text that is not free text although stored as such: codes and time zones chosen from lists, phone numbers.
NOT_FREE_TEXT = {"time_zone", "phone", "whatsapp", "language", "currency", "budget_currency", "sdg_targets"}


def input_names(source) -> set[str]:
    if dataclasses.is_dataclass(source):
        return {f.name for f in dataclasses.fields(source)}
    if hasattr(source, "base_fields"):
        return set(source.base_fields)
    return set()


def free_text(field) -> bool:
    return (isinstance(field, (models.CharField, models.TextField)) and not field.choices and not field.unique
            and not isinstance(field, (models.EmailField, models.URLField, models.SlugField))
            and field.name not in NOT_FREE_TEXT and not field.name.endswith(("code", "identifier", "_key"))
            and (field.max_length is None or field.max_length >= len(PAYLOAD)))  # shorter: codes, not prose


def written_fields() -> dict[str, list[str]]:
    """Model label → its free-text fields that users write."""
    found = {}
    for label, sources in WRITTEN.items():
        model = apps.get_model(label)
        names = set().union(*(input_names(source) for source in sources)) if sources else None
        found[label] = sorted(f.name for f in model._meta.get_fields()
                              if free_text(f) and (names is None or f.name in names))
    return found


def test_the_swept_fields_come_from_the_inputs():
    fields = written_fields()
    assert all(fields.values()), {label: names for label, names in fields.items() if not names}
    assert {"title_es", "title_pt", "title_en", "summary_en", "description_es"} <= set(fields["portfolio.Project"])
    assert {"name_es", "description_pt", "eligibility_en", "documents_es", "address", "fees"} <= set(fields["services.Service"])
    assert fields["process.ProgressUpdate"] == ["note"]
    assert {"name_es", "unit_en"} <= set(fields["results.Indicator"])
    assert {"name", "name_es"} <= set(fields["reference.Organisation"])
    assert fields["finance.FundingFlow"] == ["reference"]


def plant(fields: dict[str, list[str]]) -> dict[str, int]:
    """The payload into every listed field of every row; rows changed per model."""
    changed = {}
    for label, names in fields.items():
        model = apps.get_model(label)
        manager = getattr(model, "all_objects", model.objects)
        value = PAYLOAD
        if model._meta.unique_together or model._meta.constraints:  # a source's publisher and title: the row's id keeps them unique
            value = Concat(Value(PAYLOAD + " "), Cast("pk", models.CharField()), output_field=models.TextField())
        changed[label] = manager.update(**dict.fromkeys(names, value))
    bump(*DOMAINS)
    cache.clear()
    return changed


def markup_problems(html: str) -> list[str]:
    problems = []
    lowered = html.lower()
    for raw in ("<script>alert", "<img src=x onerror"):  # escaped, "onerror=alert" itself is harmless text
        if raw in lowered:
            problems.append(f"raw {raw!r}")
    if not html.strip():
        return problems
    tree = lxml.html.fromstring(html)
    if tree.xpath("//*[@onerror]"):
        problems.append("an element with onerror")
    # A data block (json_script: type="application/json", its < > & escaped) is not run; any other script is.
    if [s for s in tree.xpath("//script[not(@type) or @type='text/javascript' or @type='module']")
            if MARK in (s.text or "")]:
        problems.append("a script running the payload")
    return problems


def check_csv(text: str) -> list[str]:
    return [f"formula cell {cell[:20]!r}" for row in csv.reader(io.StringIO(text)) for cell in row
            if MARK in cell and cell.startswith(("=", "+", "-", "@"))]


def check_xlsx(content: bytes) -> tuple[list[str], bool]:
    problems, shown = [], False
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and MARK in cell.value:
                    shown = True
                    if cell.data_type != "s" or (cell.value.startswith("=") and not cell.quotePrefix):
                        problems.append(f"{sheet.title}!{cell.coordinate} is {cell.data_type}")
    return problems, shown


def pdf_text(content: bytes, folder) -> str | None:
    """The PDF's text by ``pdftotext``; None for a file it cannot read (an uploaded document served as it was
    stored, such as the test's minimal stand-in: Minga made no text of it)."""
    path = folder / "read.pdf"
    path.write_bytes(content)
    result = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=False)
    return result.stdout.decode() if result.returncode == 0 else None


def check(response, folder) -> tuple[list[str], bool]:
    """Problems of one answer, and whether it shows the payload."""
    kind = response.get("Content-Type", "").split(";")[0]
    content = b"".join(response.streaming_content) if response.streaming else response.content  # a file: a PDF
    if kind == "text/html":
        html = content.decode()
        return markup_problems(html), ESCAPED in html
    if kind == "application/json" or kind.endswith("+json"):
        json.loads(content)
        return [], PAYLOAD in content.decode()
    if kind in ("text/csv", "text/plain") and b"," in content:
        text = content.decode("utf-8-sig")
        return check_csv(text), MARK in text
    if "spreadsheetml" in kind:
        return check_xlsx(content)
    if kind == "application/pdf":
        text = pdf_text(content, folder)
        if text is None:
            return [], False
        shown = MARK in text
        # Printed as text, the payload keeps its angle brackets (a line may break anywhere inside it).
        return ([] if not shown or "<script>alert(1)</script>" in "".join(text.split())
                else ["the PDF lost the payload's markup"]), shown
    if kind in ("application/atom+xml", "application/xml", "text/xml"):
        tree = lxml.etree.fromstring(content)
        return (["an element made by the payload"] if tree.xpath("//*[local-name()='script' or local-name()='img']")
                else []), MARK in content.decode()
    return [], False


def table_csv_links(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html") or not response.content.strip():
        return []
    return lxml.html.fromstring(response.content).xpath("//a[@data-csv-for]/@href")


READS = [case for case in CASES if case.method == "GET" and case.status == 200 and not case.warm]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_payload_in_every_text_field_is_never_markup_nor_a_formula_anywhere(client_as, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    changed = plant(written_fields())
    # The demo has rows of each, but evidence (none is loaded: its reader, the action page, is swept with the rest).
    assert {label for label, count in changed.items() if not count} == {"process.ActionEvidence"}, changed
    problems, shown = {}, set()
    for case in READS:
        role = case.caller.removeprefix("token:").removeprefix("pending:")
        client = client_as(None if role == "anonymous" or case.caller.startswith("token:") else users[role],
                           verified=not case.caller.startswith("pending:"))
        request = case.request(Setting(users=users, client=client))
        response = send(client, case, request)
        if response.status_code != case.status:
            problems[case.id] = [f"status {response.status_code}"]
            continue
        found, showing = check(response, tmp_path)
        if found:
            problems[case.id] = found
        if showing:
            shown.add(case.name)
        # and each of the page's tables as CSV (?csv=TABLE): a formula nowhere there either
        for link in table_csv_links(response):
            answer = client.get(link)
            found, showing = check(answer, tmp_path) if answer.status_code == 200 else ([f"status {answer.status_code}"], False)
            if found:
                problems[f"{case.id} {link}"] = found
            if showing:
                shown.add(f"{case.name} csv")
    for text in (PAYLOAD, f"Una oleada {PAYLOAD} de venezolanos llegó."):
        response = client_as(None).post("/language/check/", {"text": text, "language": "es"})
        assert response.status_code == 200
        found, showing = check(response, tmp_path)
        assert (found, showing) == ([], True)
    assert problems == {}
    # Where the payload is shown, it is shown escaped (and the readers above found it there).
    assert shown >= SHOWN, sorted(SHOWN - shown)


SHOWN = {"portfolio:project_detail", "portfolio:catalogue", "services:detail", "reference:organisation_detail",
         "results:project", "process:roadmap_action", "capacity:library", "exchange:project_export",
         "process:roadmap_report", "process:roadmap_csv", "process:roadmap_xlsx", "portfolio:bulk_template",
         "results:template", "finance:funding_dashboard", "finance:flow_detail", "localgov:profile",
         "process:meeting_detail", "narrative:guide_pdf", "programmes:feed_country", "site:home",
         # the pages' own tables as CSV (?csv=TABLE)
         "capacity:library csv", "finance:funding_dashboard csv", "finance:funding_records csv",
         "narrative:guide_print csv", "portfolio:catalogue csv", "portfolio:project_detail csv",
         "process:roadmap csv", "reference:organisation_list csv", "site:home csv"}
