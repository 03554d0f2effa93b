"""The public catalogue page, the project page and document downloads: what each reader sees, exactly."""

import json
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minga.accounts.models import User
from minga.common import charts
from minga.portfolio import demo, services
from minga.portfolio.models import Project
from tests.charts import map_rows
from tests.codes import YEAR

pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_labels():
    cache.clear()  # names cached per language
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def rows(response) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)"', response.content.decode())


def get(client, url, **headers):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=headers.pop("language", "en"), **headers)


def test_the_catalogue_lists_what_the_public_may_see(client):
    response = get(client, "/projects/")
    assert response.status_code == 200
    assert rows(response) == [f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001", f"PQ-COL-{YEAR}-0001"]  # newest first
    html = response.content.decode()
    assert f"PQ-BRA-{YEAR}-0001" not in html and f"PQ-COL-{YEAR}-0002" not in html
    totals = re.search(r'data-testid="catalogue-totals">(.*?)</p>', html, re.S).group(1)
    assert "3 projects" in totals
    assert re.search(r'data-total="requested">\$3,000,000\.00<', totals)
    assert re.search(r'data-total="secured">\$287,687\.17<', totals)
    assert re.search(r'data-total="gap">\$2,712,312\.83<', totals)
    assert "not converted" not in totals


def test_a_filtered_view_is_a_plain_get_address_that_works_without_javascript(client):
    response = get(client, "/projects/?subdivision=CO-NSA")
    assert rows(response) == [f"PQ-COL-{YEAR}-0001"]
    html = response.content.decode()
    assert re.search(r'<form id="catalogue-form" method="get" action="/projects/"', html)
    assert re.search(r'<input type="checkbox" id="facet-subdivision-co-nsa" name="subdivision" value="CO-NSA" checked>',
                     html)
    assert '<noscript><button type="submit">' in html
    assert 'data-testid="stable-address">http://testserver/projects/?subdivision=CO-NSA</a>' in html
    # The exports of this very list carry the same filters.
    assert re.findall(r'<a href="(/projects/export\.[a-z]+\?[^"]*)" download>', html) == [
        "/projects/export.xlsx?subdivision=CO-NSA", "/projects/export.csv?subdivision=CO-NSA",
        "/projects/export.iati?subdivision=CO-NSA"]


def test_htmx_replaces_the_results_and_sets_the_clean_address(client):
    response = get(client, "/projects/?q=&country=COL&gap_min=&sort=newest", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="facets"' in html
    assert rows(response) == [f"PQ-COL-{YEAR}-0001"]
    assert response.headers["HX-Push-Url"] == "/projects/?country=COL"
    assert "HX-Request" in response.headers["Vary"]
    # On a history restore htmx asks for the whole page.
    restored = get(client, "/projects/?country=COL", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_facets_show_their_counts(client):
    html = get(client, "/projects/").content.decode()
    assert re.search(r'id="facet-marker-gender"[^>]*>\s*<label[^>]*>Gender approach</label>\s*'
                     r'<span class="count" data-count="3">3</span>', html)
    assert re.search(r'id="facet-country-per"[^>]*>\s*<label[^>]*>Peru</label>\s*<span class="count" data-count="1">',
                     html)


def test_pagination_links_keep_the_filters(client, monkeypatch):
    from minga.portfolio.selectors import catalogue_view

    monkeypatch.setattr(catalogue_view, "PER_PAGE", 2)
    html = get(client, "/projects/?sort=code&country=COL&country=ECU&country=PER").content.decode()
    assert 'href="?country=COL&amp;country=ECU&amp;country=PER&amp;sort=code&amp;page=2"' in html
    second = get(client, "/projects/?country=COL&country=ECU&country=PER&sort=code&page=2")
    assert rows(second) == [f"PQ-PER-{YEAR}-0001"]


def test_a_title_in_another_language_is_marked(client):
    html = get(client, "/projects/").content.decode()
    per = re.search(fr'<tr data-code="PQ-PER-{YEAR}-0001">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'lang="es">Kit de desarrollo de capacidades[^<]*</a> <span class="fallback" lang="es"[^>]*>\[es\]',
                     per)
    col = re.search(fr'<tr data-code="PQ-COL-{YEAR}-0001">(.*?)</tr>', html, re.S).group(1)
    assert "Reception and first-response centres" in col and "fallback" not in col
    assert "illustrative" in col
    spanish = get(client, "/projects/", language="es").content.decode()
    per_es = re.search(fr'<tr data-code="PQ-PER-{YEAR}-0001">(.*?)</tr>', spanish, re.S).group(1)
    assert "fallback" not in per_es


def test_amounts_that_cannot_be_converted_say_so(client, users):
    spec = {**next(spec for spec in demo.PROJECTS if spec["key"] == "lima-kit"), "currency": "VES"}
    project = services.project_create(user=users["focal_per"], data=demo.demo_input(spec))
    for target, who in (("submitted", "focal_per"), ("under_review", "secretariat"), ("published", "secretariat")):
        project = services.project_transition(project=project, user=users[who], to_status=target,
                                              expected_version=project.version)
    html = get(client, "/projects/").content.decode()
    row = re.search(rf'<tr data-code="{project.code}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row, re.S)
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells] == ["not converted", "$0.00", "not converted"]
    assert re.search(r'data-total="not-converted">1 not converted<', html)
    assert re.search(r'data-total="gap">\$2,712,312\.83<', html)  # the other three only
    page = get(client, project.get_absolute_url()).content.decode()
    assert re.search(r'data-figure="gap"><span class="not-converted">not converted</span>', page)
    note = re.search(r'<p class="note">Conversion to US dollars: ([^<]*)</p>', page).group(1)
    assert "VES" in note  # the services' note (in the language it was written in) says why


def test_focal_point_sees_their_draft_marked_as_such(client_as, users):
    response = get(client_as(users["focal_col"]), "/projects/?country=COL&sort=code")
    assert rows(response) == [f"PQ-COL-{YEAR}-0001"]  # the draft names no territory yet
    response = get(client_as(users["focal_col"]), "/projects/?sort=code")
    assert rows(response) == [f"PQ-COL-{YEAR}-0001", f"PQ-COL-{YEAR}-0002", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]
    draft = re.search(fr'<tr data-code="PQ-COL-{YEAR}-0002">(.*?)</tr>', response.content.decode(), re.S).group(1)
    assert '<span class="badge badge-draft">Draft</span>' in draft
    assert rows(get(client_as(users["focal_per"]), "/projects/?sort=code")) == [
        f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]


def test_the_project_page_shows_the_whole_record(client):
    response = get(client, f"/projects/PQ-COL-{YEAR}-0001/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="project-title">Reception and first-response centres' in html
    # No English summary: the Spanish one, marked; the Portuguese one under "In other languages".
    assert re.search(r'<p class="lead" lang="es">Dos centros de orientación.*?<span class="fallback" lang="es">\[es\]',
                     html, re.S)
    assert '<div class="other-language" lang="pt"><p><span class="fallback">[pt]</span> Dois centros' in html
    territories = re.search(r'data-testid="territory-table">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<code>([^<]+)</code></td><td class=\"num\" data-value=\"[^\"]*\">([^<]+)</td>", territories) == [
        ("COL", "100 %"), ("CO-ARA", "30 %"), ("CO-NSA", "70 %"), ("CO54001", "100 %")]
    markers = re.search(r'data-testid="marker-table">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+) <span', markers) == [
        ("Territorial approach", "Principal objective"), ("Gender approach", "Principal objective"),
        ("Best interests of the child", "Significant objective"), ("Human rights-based approach", "Significant objective")]
    groups = re.search(r'data-testid="people-groups">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', groups) == [
        ("Refugees and migrants", "3,000"), ("Host community", "1,200")]
    assert "4,200 people served, of whom 150 persons with disabilities" in html
    assert re.search(r'data-testid="budget">COP\s?6,000,000,000(?:\.00)? .*?— \$1,500,000\.00', html, re.S)
    years = re.search(r'data-testid="budget-years">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r"<td>(\d{4})</td><td class=\"num\" data-value=\"[^\"]*\">[^<]+</td><td class=\"num\">([^<]+)</td>", years) == [
        ("2026", "$900,000.00"), ("2027", "$600,000.00")]
    note = re.search(r'<p class="note">Conversion to US dollars: ([^<]*)</p>', html).group(1)
    assert "COP" in note and "4000" in note and "2026-01-02" in note  # stored in the language it was written in
    assert re.search(r'data-figure="requested">\$1,200,000\.00', html)
    assert re.search(r'data-figure="secured">\$0\.00', html)
    assert re.search(r'data-figure="gap"><strong>\$1,200,000\.00</strong>', html)
    assert "0% of the amount requested is secured" in html
    assert "Accountable" in re.search(r'data-testid="participants">(.*?)</ul>', html, re.S).group(1)
    timeline = re.findall(r"<li><strong>([^<]+)</strong>", re.search(r'data-testid="timeline">(.*?)</ol>', html,
                                                                      re.S).group(1))
    assert timeline == ["Draft", "Submitted", "Under review", "Published"]
    assert "Full history of changes" not in html  # the public reads no history


def test_the_map_highlights_the_projects_subdivisions(client):
    html = get(client, f"/projects/PQ-COL-{YEAR}-0001/").content.decode()
    spec = json.loads(re.search(r'<script id="project-map-spec" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert spec["transform"][0] == {"filter": {"field": "properties.country", "oneOf": ["COL"]}}
    values = map_rows(spec)
    assert sorted(v["code"] for v in values if v["status"] == "Project territory") == ["CO-ARA", "CO-NSA"]
    assert len(values) > 30  # every Colombian department with a boundary is drawn


def test_a_country_named_without_subdivisions_is_highlighted_whole():
    spec = charts.project_territories_map_spec(topojson_urls={"PER": "/static/minga/geo/admin1/PER.topo.json"},
                                               names={"PE-LMA": "Lima", "PE-TUM": "Tumbes"},
                                               highlighted={"PE-LMA", "PE-TUM"})
    assert [v["status"] for v in map_rows(spec)] == ["Project territory"] * 2


def test_history_link_for_those_who_may_read_it(client_as, users):
    assert "Full history of changes" in get(client_as(users["focal_col"]), f"/projects/PQ-COL-{YEAR}-0001/").content.decode()
    assert "Full history of changes" in get(client_as(users["observer"]), f"/projects/PQ-COL-{YEAR}-0001/").content.decode()
    donor = get(client_as(users["donor_can"]), f"/projects/PQ-COL-{YEAR}-0001/")
    assert donor.status_code == 200 and "Full history of changes" not in donor.content.decode()
    project = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    assert reverse("audit:history", args=["portfolio.project", project.pk]) in get(
        client_as(users["secretariat"]), f"/projects/PQ-COL-{YEAR}-0001/").content.decode()


@pytest.mark.parametrize(("who", "code", "status"), [
    ("anonymous", f"PQ-COL-{YEAR}-0002", 404),
    ("anonymous", f"PQ-BRA-{YEAR}-0001", 404),
    ("anonymous", f"PQ-XXX-{YEAR}-0001", 404),
    ("focal_per", f"PQ-COL-{YEAR}-0002", 404),
    ("donor_can", f"PQ-BRA-{YEAR}-0001", 404),
    ("focal_col", f"PQ-COL-{YEAR}-0002", 200),
    ("observer", f"PQ-BRA-{YEAR}-0001", 200),
    ("anonymous", f"PQ-ECU-{YEAR}-0001", 200),
])
def test_a_hidden_project_is_not_found_rather_than_forbidden(client_as, users, who, code, status):
    assert get(client_as(users[who]), f"/projects/{code}/").status_code == status


def test_contacts_only_for_readers_of_the_projects_history(client_as, users):
    # Issue 8, finding 8: as the API, the page shows contacts only to those who may read the history
    # (before, names went to everyone and e-mail and telephone to anyone signed in).
    project = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    services.project_update(project=project, user=users["secretariat"], expected_version=project.version, data={
        "contacts": [{"name": "Marta Rincón", "position": "Coordinator", "email": "marta@example.org",
                      "phone": "+57 300 000 0000"}]})
    for role in (None, "donor_can"):
        response = get(client_as(users[role] if role else None), f"/projects/PQ-COL-{YEAR}-0001/")
        html = response.content.decode()
        assert response.status_code == 200, role
        assert "Marta Rincón" not in html and "marta@example.org" not in html and "+57 300" not in html, role
    signed_in = get(client_as(users["focal_col"]), f"/projects/PQ-COL-{YEAR}-0001/").content.decode()
    contacts = re.search(r'data-testid="contacts">(.*?)</ul>', signed_in, re.S).group(1)
    assert 'Marta Rincón, Coordinator — <a href="mailto:marta@example.org">marta@example.org</a> — +57 300 000 0000' in (
        contacts)


def test_documents_are_served_to_those_who_may_see_the_project(client_as, users, media):
    published = Project.objects.get(code=f"PQ-COL-{YEAR}-0001")
    document = services.project_document_add(project=published, user=users["secretariat"], kind="proposal",
                                             uploaded_file=SimpleUploadedFile("propuesta.pdf", PDF, "application/pdf"))
    url = reverse("portfolio:document_download", args=[published.code, document.pk])
    assert url in get(client_as(None), published.get_absolute_url()).content.decode()
    response = get(client_as(None), url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="propuesta.pdf"'
    assert b"".join(response.streaming_content) == PDF
    # The right document under another project's address is not found.
    assert get(client_as(None), reverse("portfolio:document_download", args=[f"PQ-PER-{YEAR}-0001", document.pk])
               ).status_code == 404

    services.project_document_remove(document=document, user=users["secretariat"])
    assert get(client_as(None), url).status_code == 404
    assert url not in get(client_as(None), published.get_absolute_url()).content.decode()


def test_a_drafts_documents_stay_with_those_who_see_the_draft(client_as, users, media):
    draft = Project.objects.get(code=f"PQ-COL-{YEAR}-0002")
    document = services.project_document_add(project=draft, user=users["focal_col"], kind="annex",
                                             uploaded_file=SimpleUploadedFile("anexo.pdf", PDF, "application/pdf"))
    url = reverse("portfolio:document_download", args=[draft.code, document.pk])
    assert get(client_as(None), url).status_code == 404
    assert get(client_as(users["focal_per"]), url).status_code == 404
    assert get(client_as(users["donor_can"]), url).status_code == 404
    assert get(client_as(users["focal_col"]), url).status_code == 200
    assert get(client_as(User.objects.get(username="secretaria")), url).status_code == 200
