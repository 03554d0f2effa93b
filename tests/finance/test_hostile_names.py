"""Issue 15, item 4: HTML and script in a stored name stay text everywhere it is shown: in the page, inside the
Vega-Lite chart specs embedded in the page (JSON in a ``<script type="application/json">``, where ``</script>``
must not end the element), and in the conference PDF (read back with pdftotext)."""

import io
import json
import subprocess

import lxml.html
import pytest
from django.core.cache import cache
from django.core.management import call_command

from minga.reference.models import Organisation

pytestmark = pytest.mark.django_db

HOSTILE = '</script><script>alert("x")</script><b onmouseover=alert(1)>GAC</b> & Co'


@pytest.fixture
def hostile(ledger):
    Organisation.objects.filter(name="Global Affairs Canada").update(name=HOSTILE)
    cache.clear()
    return ledger


def test_the_dashboard_shows_the_name_as_text_and_its_chart_specs_hold_it_as_data(client, hostile):
    response = client.get("/funding/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert HOSTILE not in html and "<script>alert" not in html and "<b onmouseover" not in html
    tree = lxml.html.fromstring(response.content)
    assert HOSTILE in tree.text_content()  # shown, as text
    specs = [json.loads(node.text) for node in tree.xpath("//script[@type='application/json']")]
    assert specs  # the chart specs are there, and each still reads as JSON
    assert not tree.xpath("//script[not(@type='application/json') and not(@src)]")  # no script made from data


def test_the_conference_pdf_prints_the_name_as_text(hostile, tmp_path):
    output = tmp_path / "report.pdf"
    call_command("report", "conference", "brussels-2023", "--format", "pdf", "--language", "en",
                 "--output", str(output), stdout=io.StringIO())
    command = ["pdftotext", "-raw", str(output), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert '</script><script>alert("x")</script><b' in text.replace("\n", "")
