"""The secretariat's HXL import page: the preview shows the mapping and the refused rows and saves nothing;
the confirmation imports the accepted rows; nobody else may use it."""

from pathlib import Path

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minga.finance.tracking import Requirement

GLOBAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "hxl" / "fts_requirements_funding_global.csv"
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not GLOBAL.is_file(), reason="../shared/data/hxl is not beside the repository")]
URL = "/projects/import/hxl/"


def _upload(client):
    return client.post(URL, {"table": SimpleUploadedFile(GLOBAL.name, GLOBAL.read_bytes(), "text/csv")},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_preview_then_confirm(client_as, users):
    client = client_as(users["secretariat"])
    assert client.get(URL).status_code == 200
    page = lxml.html.fromstring(_upload(client).content)
    assert page.xpath("string(//*[@data-testid='hxl-summary'])").strip() == "4 rows to import, 4 refused."
    assert ["requirements", "#value+funding+required+usd", "requirement (US$)"] in [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in page.xpath("//*[@data-testid='hxl-mapping']//tbody/tr")]
    assert [row.xpath("string(td[1])") for row in page.xpath("//*[@data-testid='hxl-rejected']//tbody/tr")] == [
        "4", "5", "8", "10"]
    assert not Requirement.objects.filter(load_key__startswith="fts-plan-").exists()
    done = lxml.html.fromstring(client.post(URL, {"step": "confirm"}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert done.xpath("string(//*[@data-testid='hxl-imported'])").strip() == (
        "Imported: 4 created, 0 updated, 0 unchanged.")
    assert sorted(Requirement.objects.filter(load_key__startswith="fts-plan-").values_list("country_id", "amount")
                  ) == [("AFG", 1131050820), ("JOR", 52845731), ("JOR", 1475421996), ("PSE", 420381684)]
    again = lxml.html.fromstring(client.post(URL, {"step": "confirm"}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert again.xpath("string(//*[@data-testid='hxl-refused'])").strip() == (
        "The uploaded table is no longer kept: upload it again.")


def test_only_the_secretariat_imports(client_as, users):
    assert client_as(users["focal_col"]).get(URL).status_code == 403
    assert client_as(users["donor_can"]).post(URL, {"step": "confirm"}).status_code == 403
    assert client_as(None).get(URL).status_code == 302


def test_a_file_of_another_kind_is_refused(client_as, users):
    client = client_as(users["secretariat"])
    response = client.post(URL, {"table": SimpleUploadedFile("t.txt", b"a,b", "text/plain")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose a .csv or .xlsx file." in response.content.decode()
