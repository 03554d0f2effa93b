"""Issue 11: the secretariat's menu leads to its import pages (IATI, FTS, HXL), and each import page leads to the
two others; anonymous visitors and the other roles see no such link."""

import lxml.html
import pytest

pytestmark = pytest.mark.django_db
PAGES = ["/projects/import/iati/", "/projects/import/fts/", "/projects/import/hxl/"]


def menu_links(client, path="/") -> list[tuple[str, str]]:
    page = lxml.html.fromstring(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content)
    return [(a.get("href"), a.text_content()) for a in page.xpath("//*[@data-testid='imports-link']")]


def test_the_secretariats_menu_links_its_import_pages(client_as, users):
    client = client_as(users["secretariat"])
    assert menu_links(client) == [("/projects/import/iati/", "Data imports")]
    for path in PAGES:
        page = lxml.html.fromstring(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content)
        nav = page.xpath("//*[@data-testid='import-nav']")[0]
        assert nav.get("aria-label") == "Data imports"
        assert [(a.get("href"), a.text_content(), a.get("aria-current")) for a in nav.xpath(".//a")] == [
            (other, name, "page" if other == path else None) for other, name in zip(
                PAGES, ["IATI activities", "OCHA FTS flows and plans", "HXL tables"], strict=True)]


@pytest.mark.parametrize("role", ["anonymous", "donor_can", "focal_col", "local_cucuta", "observer"])
def test_no_other_role_sees_the_link(client_as, users, role):
    client = client_as(users[role])
    assert menu_links(client) == []
    assert menu_links(client, "/projects/") == []
