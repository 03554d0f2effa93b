"""The multi-step submission form: drafts saved step by step, errors where they belong, conflicts, access.

Each step is filled as a browser would: the page is fetched, its form read with every prefilled
value (lxml), some fields changed and the whole form sent back.
"""

from decimal import Decimal

import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from minga.portfolio.models import Project, ProjectDocument
from minga.reference.currencies import active_currencies
from minga.reference.models import Organisation
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"  # the demo draft of focal.col: a title, one line of work, nothing else
PUBLISHED = f"PQ-COL-{YEAR}-0001"


def form_values(response, testid="step-form") -> dict:
    """What the browser would send from the page's form as it stands (all prefilled values)."""
    document = lxml.html.fromstring(response.content.decode())
    form = document.xpath(f'//form[@data-testid="{testid}"]')[0]
    return dict(form.form_values())


def slot(response, slot_id) -> list[str]:
    """The error messages shown in one place of the page (next to a field, a row or a table)."""
    document = lxml.html.fromstring(response.content.decode())
    return [p.text_content() for p in document.get_element_by_id(f"slot-{slot_id}").xpath('.//p[@class="error"]')]


def fill(client, url, changes: dict, after="next"):
    page = client.get(url)
    assert page.status_code == 200
    data = {**form_values(page), **changes, "after": after}
    return client.post(url, {key: value for key, value in data.items() if value is not None})


def gov(key) -> Organisation:
    return Organisation.objects.get(load_key=f"organisation:{key}")


def edit_url(code, step):
    return f"/projects/{code}/edit/?step={step}"


def test_proposing_organisation_offers_only_those_in_the_focal_points_remit(browser, users):
    page = browser(users["focal_col"]).get("/projects/new/")
    assert page.status_code == 200
    options = lxml.html.fromstring(page.content.decode()).xpath('//select[@name="proposing_organisation"]/option')
    assert [option.text_content() for option in options if option.get("value")] == [
        "Alcaldía de San José de Cúcuta (COL)", "Gobierno de la República de Colombia (COL)"]


def test_currencies_are_chosen_by_name_the_regions_first(browser, users):
    # The currency is a list of ISO 4217 currencies by name (no code typed): USD, EUR, then those of the member
    # states and Venezuela by name, then every other currency in use by name.
    page = lxml.html.fromstring(browser(users["focal_col"]).get(edit_url(DRAFT, 5)).content.decode())
    for name in ("budget_currency", "funding-0-currency"):
        groups = page.xpath(f'//select[@name="{name}"]/optgroup')
        assert [group.get("label") for group in groups] == ["Currencies of the region", "Other currencies"]
        region = [(option.get("value"), option.text_content()) for option in groups[0].xpath("option")]
        assert region == [
            ("USD", "US Dollar (USD)"), ("EUR", "Euro (EUR)"), ("ARS", "Argentine Peso (ARS)"),
            ("BRL", "Brazilian Real (BRL)"), ("CLP", "Chilean Peso (CLP)"), ("COP", "Colombian Peso (COP)"),
            ("CRC", "Costa Rican Colón (CRC)"), ("DOP", "Dominican Peso (DOP)"), ("GYD", "Guyanaese Dollar (GYD)"),
            ("MXN", "Mexican Peso (MXN)"), ("PAB", "Panamanian Balboa (PAB)"), ("PYG", "Paraguayan Guarani (PYG)"),
            ("PEN", "Peruvian Sol (PEN)"), ("UYU", "Uruguayan Peso (UYU)"), ("VES", "Venezuelan Bolívar (VES)")]
        others = groups[1].xpath("option/@value")
        assert len(others) == len(active_currencies()) - len(region)
        assert {"CAD", "JPY", "GBP", "CHF"} <= set(others) and not set(others) & {code for code, _ in region}
        assert page.xpath(f'//select[@name="{name}"]/option[1]/@value') == [""]
    assert page.xpath("//datalist") == []


def test_focal_point_creates_a_draft_through_the_steps_and_submits_it(browser, users):
    client = browser(users["focal_col"])
    response = fill(client, "/projects/new/", {
        "proposing_organisation": gov("gov-col").pk, "title_es": "Acogida en Arauca y Norte de Santander",
        "summary_pt": "Centros de acolhimento na fronteira.", "planned_start": "2026-03-01",
        "planned_end": "2027-12-31", "sdg_targets": "10.7"})
    project = Project.objects.get(title_es="Acogida en Arauca y Norte de Santander")
    assert response.status_code == 302 and response["Location"] == edit_url(project.code, 2)
    assert (project.code, project.status, project.version, project.created_by) == (
        f"PQ-COL-{YEAR}-0003", "draft", 1, users["focal_col"])
    assert project.summary_pt == "Centros de acolhimento na fronteira."

    response = fill(client, edit_url(project.code, 2), {
        "locations-0-subdivision": "CO-NSA", "locations-0-percentage": "60",
        "locations-1-country": "COL", "locations-1-subdivision": "CO-ARA", "locations-1-percentage": "40"})
    assert response.status_code == 302 and response["Location"] == edit_url(project.code, 3)
    project.refresh_from_db()
    assert project.version == 2
    assert sorted((row.country_id, row.subdivision_id, row.municipality_id, row.percentage)
                  for row in project.locations.all()) == [
        ("COL", "CO-ARA", None, Decimal("40.00")), ("COL", "CO-NSA", None, Decimal("60.00"))]

    response = fill(client, edit_url(project.code, 3), {
        "axis__reception-centres": "70", "axis__gender-equity": "30", "line__women-access-to-rights": "100",
        "marker__territorial": "2", "marker__gender": "2", "marker__best-interests-of-the-child": "1",
        "marker__human-rights": "0"})
    assert response.status_code == 302 and response["Location"] == edit_url(project.code, 4)
    assert sorted((row.term.code, row.percentage) for row in project.themes.all()) == [
        ("gender-equity", Decimal("30.00")), ("reception-centres", Decimal("70.00")),
        ("women-access-to-rights", Decimal("100.00"))]
    assert dict(project.markers.values_list("marker_id", "significance")) == {
        "territorial": 2, "gender": 2, "best-interests-of-the-child": 1, "human-rights": 0}

    response = fill(client, edit_url(project.code, 4), {
        "people_total": "1000", "people_with_disabilities": "25", "group__refugees_migrants": "700",
        "group__host_community": "300", "sexage__women": "600", "sexage__girls": "400"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.people_total, project.people_with_disabilities) == (1000, 25)
    assert sorted(project.people.values_list("dimension", "category", "people")) == [
        ("population_group", "host_community", 300), ("population_group", "refugees_migrants", 700),
        ("sex_age", "girls", 400), ("sex_age", "women", 600)]

    response = fill(client, edit_url(project.code, 5), {
        "budget_amount": "400000000", "budget_currency": "cop", "budget_value_date": "2026-03-01",
        "requested_amount": "300000000",
        "budget_years-0-year": "2026", "budget_years-0-amount": "250000000",
        "budget_years-1-year": "2027", "budget_years-1-amount": "150000000",
        "funding-0-funder": gov("gac").pk, "funding-0-amount": "10000", "funding-0-currency": "USD",
        "funding-0-value_date": "2026-02-01"})
    assert response.status_code == 302
    project.refresh_from_db()
    # 4,000 COP per USD in the demo rate table.
    assert (project.budget_currency, project.budget_usd, project.requested_usd, project.secured_usd,
            project.gap_usd) == ("COP", Decimal("100000.00"), Decimal("75000.00"), Decimal("10000.00"),
                                 Decimal("65000.00"))
    assert list(project.budget_years.values_list("year", "amount")) == [
        (2026, Decimal("250000000.00")), (2027, Decimal("150000000.00"))]

    response = fill(client, edit_url(project.code, 6), {
        "participants-0-organisation": gov("gov-col").pk, "participants-0-role": "2",
        "contacts-0-name": "Marta Gómez", "contacts-0-email": "marta@example.org"})
    assert response.status_code == 302 and response["Location"] == edit_url(project.code, 7)
    assert list(project.participants.values_list("organisation__load_key", "role")) == [("organisation:gov-col", "2")]
    assert list(project.contacts.values_list("name", "email")) == [("Marta Gómez", "marta@example.org")]

    review = client.get(edit_url(project.code, 7))
    assert review.context["missing"] == []
    assert b'data-testid="complete"' in review.content
    project.refresh_from_db()
    assert project.version == 6

    response = client.post(f"/projects/{project.code}/transition/", {"to_status": "submitted", "version": 6})
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.code}/"
    project.refresh_from_db()
    assert (project.status, project.version, project.submitted_at is not None) == ("submitted", 7, True)
    assert list(project.transitions.values_list("from_status", "to_status", "user__username")) == [
        ("", "draft", "focal.col"), ("draft", "submitted", "focal.col")]


def test_save_as_draft_stays_on_the_step_and_my_projects_resumes_it(browser, users):
    client = browser(users["focal_col"])
    response = fill(client, edit_url(DRAFT, 1), {"summary_es": "Una estrategia de comunicación."}, after="stay")
    assert response.status_code == 302 and response["Location"] == edit_url(DRAFT, 1)
    assert Project.objects.get(code=DRAFT).summary_es == "Una estrategia de comunicación."

    page = client.get("/projects/mine/")
    rows = {row["project"].code: (row["project"].status, row["next"]["text"], row["next"]["url"])
            for row in page.context["rows"]}
    assert rows == {
        DRAFT: ("draft", "Complete the project (9 items missing), then submit", edit_url(DRAFT, 1)),
        PUBLISHED: ("published", "Mark it in implementation when it starts", f"/projects/{PUBLISHED}/"),
    }


def test_shares_not_totalling_100_show_the_exact_error_under_the_table_and_save_nothing(browser, users):
    client = browser(users["focal_col"])
    before = Project.objects.get(code=DRAFT)
    response = fill(client, edit_url(DRAFT, 2), {
        "locations-0-subdivision": "CO-NSA", "locations-0-percentage": "60",
        "locations-1-subdivision": "CO-ARA", "locations-1-percentage": "30"})
    assert response.status_code == 200
    assert slot(response, "locations") == ["The shares of the subdivisions total 90%, not 100%."]
    assert slot(response, "locations-row-0") == [] and slot(response, "locations-row-1") == []
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.locations.count()) == (before.version, 0)
    # What was typed is still in the form.
    assert form_values(response)["locations-1-percentage"] == "30"


def test_a_row_error_shows_on_its_row(browser, users):
    response = fill(browser(users["focal_col"]), edit_url(DRAFT, 2), {
        "locations-0-country": "COL", "locations-0-percentage": "100",
        "locations-1-subdivision": "CO-ARA", "locations-1-percentage": "250",
        "locations-2-municipality": "XX999"})
    assert response.status_code == 200
    assert slot(response, "locations-row-0") == []
    assert slot(response, "locations-row-1") == ["Share (%): Ensure this value is less than or equal to 100."]
    assert slot(response, "locations-row-2") == ["Municipality: No municipality has the p-code XX999.",
                                                 "Share (%): This field is required."]
    assert Project.objects.get(code=DRAFT).locations.count() == 0


def test_a_subdivision_of_another_country_is_named_on_its_row(browser, users):
    response = fill(browser(users["focal_col"]), edit_url(DRAFT, 2), {
        "locations-0-country": "COL", "locations-0-percentage": "100",
        "locations-1-country": "PER", "locations-1-subdivision": "CO-NSA", "locations-1-percentage": "100"})
    assert response.status_code == 200
    assert slot(response, "locations-row-1") == ["Norte de Santander is not in Peru."]
    assert slot(response, "locations-row-0") == [] and slot(response, "locations") == []


def test_axis_shares_error_shows_under_the_axes(browser, users):
    response = fill(browser(users["focal_col"]), edit_url(DRAFT, 3), {
        "axis__education": "50", "axis__regularization": "20"})
    assert response.status_code == 200
    assert slot(response, "axes") == ["The shares in “Quito Process thematic axes” total 70%, not 100%."]
    assert slot(response, "lines") == []
    assert list(Project.objects.get(code=DRAFT).themes.values_list("term__code", flat=True)) == [
        "new-migration-narrative"]


def test_validation_as_you_type_returns_the_errors_in_place_without_saving(browser, users):
    client = browser(users["focal_col"])
    page = client.get(edit_url(DRAFT, 2))
    form = lxml.html.fromstring(page.content.decode()).xpath('//form[@data-testid="step-form"]')[0]
    assert (form.get("hx-post"), form.get("hx-trigger"), form.get("hx-target")) == (
        f"/projects/{DRAFT}/edit/validate/?step=2", "change delay:400ms", "#step-errors")
    data = {**form_values(page), "locations-0-subdivision": "CO-NSA", "locations-0-percentage": "60"}
    response = client.post(f"/projects/{DRAFT}/edit/validate/?step=2", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = lxml.html.fromstring(f"<div>{response.content.decode()}</div>")
    summary = fragment.xpath('.//*[@data-testid="step-problems"]//li')
    assert [item.text_content() for item in summary] == ["The shares of the subdivisions total 60%, not 100%."]
    swapped = {element.get("id"): [p.text_content() for p in element.xpath('.//p[@class="error"]')]
               for element in fragment.xpath('.//*[@hx-swap-oob]')}
    assert swapped["slot-locations"] == ["The shares of the subdivisions total 60%, not 100%."]
    assert swapped["slot-locations-row-0"] == [] and swapped["slot-is_regional"] == []
    assert Project.objects.get(code=DRAFT).version == 1

    data["locations-0-percentage"] = "100"
    response = client.post(f"/projects/{DRAFT}/edit/validate/?step=2", data, HTTP_HX_REQUEST="true")
    assert b'data-testid="step-ok"' in response.content
    assert Project.objects.get(code=DRAFT).locations.count() == 0


def test_validation_on_the_new_project_page_checks_step_one(browser, users):
    response = browser(users["focal_col"]).post("/projects/new/validate/?step=1", {
        "proposing_organisation": gov("gov-col").pk, "planned_start": "2026-05-01", "planned_end": "2026-01-01"})
    fragment = lxml.html.fromstring(f"<div>{response.content.decode()}</div>")
    swapped = {element.get("id"): [p.text_content() for p in element.xpath('.//p[@class="error"]')]
               for element in fragment.xpath('.//*[@hx-swap-oob]')}
    assert swapped["slot-title"] == ["Give a title in at least one language."]
    assert swapped["slot-planned_end"] == ["The planned end is before the planned start."]
    assert Project.objects.filter(code=f"PQ-COL-{YEAR}-0003").exists() is False


def test_a_stale_version_shows_the_conflict_and_changes_nothing(browser, users):
    client = browser(users["focal_col"])
    page = client.get(edit_url(DRAFT, 1))
    data = {**form_values(page), "title_es": "Mi cambio", "after": "stay"}
    assert data["version"] == "1"
    Project.objects.filter(code=DRAFT).update(version=2, title_es="El cambio de otra persona")

    response = client.post(edit_url(DRAFT, 1), data)
    assert response.status_code == 409
    conflict = lxml.html.fromstring(response.content.decode()).xpath('//*[@data-testid="edit-conflict"]')
    assert len(conflict) == 1 and "It is now at version 2." in conflict[0].text_content()
    project = Project.objects.get(code=DRAFT)
    assert (project.version, project.title_es) == (2, "El cambio de otra persona")
    # The typed change is kept, and saving again now applies it to version 2.
    assert form_values(response)["title_es"] == "Mi cambio" and form_values(response)["version"] == "2"


def test_a_focal_point_of_another_country_cannot_see_or_change_the_draft(browser, users):
    client = browser(users["focal_per"])
    before = Project.objects.get(code=DRAFT)
    assert client.get(edit_url(DRAFT, 1)).status_code == 404
    assert client.post(edit_url(DRAFT, 1), {"title_es": "Cambiado", "version": "1"}).status_code == 404
    assert client.post(f"/projects/{DRAFT}/edit/validate/?step=1", {"title_es": "x"}).status_code == 404
    assert client.post(f"/projects/{DRAFT}/transition/", {"to_status": "submitted", "version": "1"}).status_code == 404
    assert client.post(f"/projects/{DRAFT}/transition/", {"to_status": "withdrawn", "version": "1"}).status_code == 404
    assert client.post(f"/projects/{DRAFT}/documents/", {"kind": "annex"}).status_code == 404
    assert [row["project"].code for row in client.get("/projects/mine/").context["rows"]] == [f"PQ-PER-{YEAR}-0001"]
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.status, after.title_es) == (before.version, "draft", before.title_es)
    assert after.transitions.count() == 1


def test_a_published_project_is_visible_but_not_editable(browser, users):
    assert browser(users["focal_per"]).get(edit_url(PUBLISHED, 1)).status_code == 403
    # Its own focal point cannot edit it either once published: only drafts and changes requested are edited.
    assert browser(users["focal_col"]).get(edit_url(PUBLISHED, 1)).status_code == 403


def test_signing_in_is_needed_and_a_donor_proposes_nothing(browser, users):
    anonymous = browser(None)
    for url in ["/projects/new/", edit_url(DRAFT, 1), "/projects/mine/"]:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert browser(users["donor_can"]).get("/projects/new/").status_code == 403


def test_an_organisation_outside_the_remit_is_refused(browser, users):
    client = browser(users["focal_col"])
    response = fill(client, "/projects/new/", {"proposing_organisation": gov("gov-per").pk, "title_es": "Intruso"})
    assert response.status_code == 200
    assert slot(response, "proposing_organisation") == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert not Project.objects.filter(title_es="Intruso").exists()


def test_submitting_an_incomplete_draft_lists_every_missing_item_with_its_step(browser, users):
    client = browser(users["focal_col"])
    response = client.post(f"/projects/{DRAFT}/transition/", {"to_status": "submitted", "version": "1"})
    assert response.status_code == 302 and response["Location"] == edit_url(DRAFT, 7)
    assert Project.objects.get(code=DRAFT).status == "draft"
    page = client.get(edit_url(DRAFT, 7))
    items = [(item.text_content(), item.xpath(".//a")[0].get("href"))
             for item in lxml.html.fromstring(page.content.decode()).xpath('//*[@data-testid="missing-items"]/li')]
    assert items == [
        ("Give the planned start. — step 1, Basics", edit_url(DRAFT, 1)),
        ("Give the planned end. — step 1, Basics", edit_url(DRAFT, 1)),
        ("Give a summary in at least one language. — step 1, Basics", edit_url(DRAFT, 1)),
        ("Name at least one territory, or mark the project as regional. — step 2, Territories", edit_url(DRAFT, 2)),
        ("Choose at least one Quito Process axis. — step 3, Themes and markers", edit_url(DRAFT, 3)),
        ("Give the significance of each of the four cross-cutting approaches. — step 3, Themes and markers",
         edit_url(DRAFT, 3)),
        ("Say how many people the project serves. — step 4, People", edit_url(DRAFT, 4)),
        ("Give the total budget. — step 5, Money", edit_url(DRAFT, 5)),
        ("Say how much is requested from the Group of Friends. — step 5, Money", edit_url(DRAFT, 5)),
        ("Break the budget down by year. — step 5, Money", edit_url(DRAFT, 5)),
    ]
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Not submitted yet: the project is incomplete. Each missing item below links to the step "
                        "where it is entered."]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_text_file_named_pdf_is_refused_by_its_content(browser, users, media):
    client = browser(users["focal_col"])
    fake = SimpleUploadedFile("budget.pdf", b"just some text, not a PDF\n", content_type="application/pdf")
    response = client.post(f"/projects/{DRAFT}/documents/", {"kind": "budget", "file": fake,
                                                             "next": edit_url(DRAFT, 7)})
    assert response.status_code == 302 and response["Location"] == edit_url(DRAFT, 7)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Not uploaded: Only PDF, Word (DOCX) and Excel (XLSX) files are accepted; this file is none of them, "
        "whatever its name says."]
    assert ProjectDocument.objects.filter(project__code=DRAFT).count() == 0
    assert list(media.rglob("*")) == []


def test_a_real_pdf_is_kept_with_its_checked_type(browser, users, media):
    client = browser(users["focal_col"])
    pdf = SimpleUploadedFile("propuesta final.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    response = client.post(f"/projects/{DRAFT}/documents/", {"kind": "proposal", "file": pdf})
    assert response.status_code == 302 and response["Location"] == f"/projects/{DRAFT}/"
    document = ProjectDocument.objects.get(project__code=DRAFT)
    assert (document.kind, document.original_name, document.content_type, document.uploaded_by) == (
        "proposal", "propuesta_final.pdf", "application/pdf", users["focal_col"])
    page = client.get(edit_url(DRAFT, 7))
    assert [d.original_name for d in page.context["documents"]] == ["propuesta_final.pdf"]



@pytest.mark.parametrize("version", ["abc", "", "-1", "99999999999999999999"])
def test_a_step_saved_with_a_version_that_cannot_be_one_is_refused_plainly_and_changes_nothing(browser, users, version):
    client = browser(users["focal_col"])
    before = Project.objects.get(code=DRAFT)
    data = {**form_values(client.get(edit_url(DRAFT, 1))), "summary_es": "Otro resumen.", "version": version}
    response = client.post(edit_url(DRAFT, 1), data)
    assert (response.status_code, response.content.decode()) == (
        400, "The form's version is missing or not a number; reload the page.")
    after = Project.objects.get(code=DRAFT)
    assert (after.version, after.summary_es) == (before.version, before.summary_es)


def test_the_form_step_refuses_a_control_character_under_its_field(browser, users):
    client = browser(users["focal_col"])
    response = fill(client, edit_url(DRAFT, 1), {"title_en": "Rou\x0btes"}, after="stay")
    assert response.status_code == 200
    assert slot(response, "title_en") == ["Remove the control characters from this text: U+000B."]
    assert Project.objects.get(code=DRAFT).title_en == ""
