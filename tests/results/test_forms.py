"""Issue 13, results by territory: the indicator and period forms (the project's focal point, its local-government
officer and the secretariat; every other role refused), stale edits refused, and locking by the secretariat alone."""

from decimal import Decimal

import lxml.html
import pytest

from minga.results.models import Indicator, ReportingPeriod

pytestmark = pytest.mark.django_db
CUCUTA = "PQ-COL-2026-0001"
ROLES_STATUS = [("secretariat", 200), ("focal_col", 200), ("local_cucuta", 200), ("focal_per", 403),
                ("donor_can", 403), ("observer", 403)]


def children():
    return Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended")


def urls():
    return {"indicator_create": f"/results/projects/{CUCUTA}/indicators/new/",
            "indicator_edit": f"/results/indicators/{children().pk}/edit/",
            "period_create": f"/results/projects/{CUCUTA}/periods/new/"}


@pytest.mark.parametrize("page", ["indicator_create", "indicator_edit", "period_create"])
@pytest.mark.parametrize(("role", "status"), ROLES_STATUS)
def test_who_opens_the_forms(client_as, users, page, role, status):
    assert client_as(users[role]).get(urls()[page]).status_code == status


@pytest.mark.parametrize("page", ["indicator_create", "indicator_edit", "period_create"])
def test_the_public_is_sent_to_sign_in(client_as, page):
    response = client_as(None).get(urls()[page])
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


INDICATOR = {"name_es": "Familias con vivienda temporal", "name_pt": "", "name_en": "Families in temporary housing",
             "unit_es": "familias", "unit_pt": "", "unit_en": "families", "kind": "other", "aggregation": "max",
             "baseline": "1.200", "target": "2.500,5", "line": ""}


@pytest.mark.parametrize("role", ["local_cucuta", "focal_col", "secretariat"])
def test_an_owner_adds_an_indicator_with_numbers_in_their_locale(client_as, users, role):
    response = client_as(users[role]).post(f"/results/projects/{CUCUTA}/indicators/new/", INDICATOR,
                                           HTTP_ACCEPT_LANGUAGE="es")
    assert (response.status_code, response["Location"]) == (302, f"/results/projects/{CUCUTA}/")
    made = Indicator.objects.get(name_en="Families in temporary housing")
    assert (made.project.code, made.name_es, made.unit_en, made.kind, made.aggregation, made.baseline, made.target,
            made.position, made.version) == (CUCUTA, "Familias con vivienda temporal", "families", "other", "max",
                                             Decimal("1200"), Decimal("2500.5"), 3, 1)
    assert [entry.history_user for entry in made.history.all()] == [users[role]]


@pytest.mark.parametrize("role", ["focal_per", "donor_can", "observer"])
def test_other_roles_may_not_add_an_indicator(client_as, users, role):
    before = Indicator.objects.count()
    response = client_as(users[role]).post(f"/results/projects/{CUCUTA}/indicators/new/", INDICATOR)
    assert (response.status_code, Indicator.objects.count()) == (403, before)


def test_an_indicator_without_a_name_is_refused(client_as, users, english):
    before = Indicator.objects.count()
    response = client_as(users["local_cucuta"]).post(
        f"/results/projects/{CUCUTA}/indicators/new/", {**INDICATOR, "name_es": "", "name_en": ""},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Name the indicator in at least one language." in response.content.decode()
    assert Indicator.objects.count() == before


def test_an_edit_keeps_history_and_a_stale_edit_is_refused(client_as, users, english):
    indicator = children()
    url = f"/results/indicators/{indicator.pk}/edit/"
    client = client_as(users["local_cucuta"])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'name="version" value="{indicator.version}"' in form
    assert 'value="Children and adolescents attended (illustrative)"' in form
    data = {**{name: getattr(indicator, name) for name in ("name_es", "name_pt", "name_en", "unit_es", "unit_pt",
                                                          "unit_en", "kind", "aggregation")},
            "baseline": "", "target": "3,500", "line": indicator.line_id, "version": indicator.version}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    changed = Indicator.objects.get(pk=indicator.pk)
    assert (changed.target, changed.version, changed.history.count()) == (Decimal(3500), indicator.version + 1, 2)
    # The same form sent again (another editor's stale copy) changes nothing.
    response = client_as(users["focal_col"]).post(url, {**data, "target": "9,999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert (f"This record was changed by someone else (you edited version {indicator.version}, it is now at "
            f"version {indicator.version + 1}). Nothing was saved") in response.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal(3500)


def test_another_countrys_focal_point_may_not_edit(client_as, users):
    indicator = children()
    response = client_as(users["focal_per"]).post(f"/results/indicators/{indicator.pk}/edit/",
                                                  {**INDICATOR, "version": indicator.version})
    assert response.status_code == 403
    assert Indicator.objects.get(pk=indicator.pk).version == indicator.version


@pytest.mark.parametrize("role", ["local_cucuta", "focal_col", "secretariat"])
def test_an_owner_opens_a_quarter(client_as, users, role):
    response = client_as(users[role]).post(f"/results/projects/{CUCUTA}/periods/new/",
                                           {"frequency": "quarterly", "year": "2026", "number": "4"})
    assert (response.status_code, response["Location"]) == (302, f"/results/projects/{CUCUTA}/")
    period = ReportingPeriod.objects.get(project__code=CUCUTA, year=2026, number=4)
    assert (period.frequency, period.is_locked, period.version) == ("quarterly", False, 1)


@pytest.mark.parametrize(("data", "message"), [
    ({"frequency": "quarterly", "year": "2026", "number": "3"}, "This project already has the period 2026 Q3."),
    ({"frequency": "monthly", "year": "2026", "number": "10"},
     "This project reports quarterly; all its periods have the same length."),
    ({"frequency": "quarterly", "year": "2026", "number": "5"}, "A year has four quarters."),
])
def test_a_period_that_cannot_be_opened_is_refused(client_as, users, english, data, message):
    before = ReportingPeriod.objects.count()
    response = client_as(users["local_cucuta"]).post(f"/results/projects/{CUCUTA}/periods/new/", data,
                                                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportingPeriod.objects.count() == before


@pytest.mark.parametrize("role", ["focal_per", "donor_can", "observer"])
def test_other_roles_may_not_open_a_period(client_as, users, role):
    before = ReportingPeriod.objects.count()
    response = client_as(users[role]).post(f"/results/projects/{CUCUTA}/periods/new/",
                                           {"frequency": "quarterly", "year": "2026", "number": "4"})
    assert (response.status_code, ReportingPeriod.objects.count()) == (403, before)


@pytest.mark.parametrize(("role", "status"), [("secretariat", 302), ("focal_col", 403), ("local_cucuta", 403),
                                              ("focal_per", 403), ("donor_can", 403), ("observer", 403)])
def test_only_the_secretariat_locks_and_opens_a_period_again(client_as, users, role, status):
    period = ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q1")
    assert period.is_locked
    response = client_as(users[role]).post(f"/results/periods/{period.pk}/lock/",
                                           {"version": period.version, "locked": "0"})
    assert response.status_code == status
    assert ReportingPeriod.objects.get(pk=period.pk).is_locked is (status != 302)


def test_the_owners_see_the_links_and_the_public_only_the_export(client_as, users, english):
    indicator = children()
    owner = client_as(users["local_cucuta"]).get(f"/results/projects/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en")
    html = owner.content.decode()
    for link in (f"/results/projects/{CUCUTA}/indicators/new/", f"/results/indicators/{indicator.pk}/edit/",
                 f"/results/projects/{CUCUTA}/periods/new/", f"/results/projects/{CUCUTA}/upload/",
                 f"/results/projects/{CUCUTA}/results.xlsx"):
        assert f'href="{link}"' in html, link
    public = client_as(None).get(f"/results/projects/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/results/projects/{CUCUTA}/results.xlsx"' in public
    assert "/indicators/new/" not in public and "/upload/" not in public and "/edit/" not in public


def test_a_stale_edit_shows_what_changed_since_and_saving_again_applies_it(client_as, users, english):
    indicator = children()
    url = f"/results/indicators/{indicator.pk}/edit/"
    data = {**{name: getattr(indicator, name) for name in ("name_es", "name_pt", "name_en", "unit_es", "unit_pt",
                                                          "unit_en", "kind", "aggregation")},
            "baseline": "", "target": "3,500", "line": indicator.line_id, "version": indicator.version}
    assert client_as(users["local_cucuta"]).post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    # Another editor read the same version and asks for 9,999: the conflict box says what changed since.
    client = client_as(users["focal_col"])
    response = client.post(url, {**data, "target": "9,999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content.decode())
    [box] = page.xpath("//*[@data-testid='edit-conflict']")
    assert box.xpath("string(h2)") == "Someone else changed this record"
    assert [[" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
            for row in box.xpath(".//table[@data-testid='conflict-changes']/tbody/tr")] == CONFLICT_ROWS
    assert page.xpath("//form[@data-testid='indicator-form']//input[@name='version']/@value") == [str(indicator.version + 1)]
    assert page.xpath("//input[@name='target']/@value") == ["9,999"]  # the editor's changes are still in the form
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal(3500)
    # Saving again (the form now carries the version it was compared with) applies the editor's change.
    response = client.post(url, {**data, "target": "9,999", "version": indicator.version + 1}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    changed = Indicator.objects.get(pk=indicator.pk)
    assert (changed.target, changed.version) == (Decimal(9999), indicator.version + 2)


CONFLICT_ROWS = [["Target", "3000.00", "3500.00"]]
