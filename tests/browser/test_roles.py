"""Each role signs in through the login form and sees, and may do, what its role allows.

The demo holds one account per role (minga.site.demo) and one unpublished, illustrative figure:
refugees and migrants in Norte de Santander (CO-NSA), entered by the Colombia focal point.
"""

import re

import pytest
from playwright.sync_api import expect

from minga.reference.models import Organisation, PopulationFigure
from minga.site.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

UNPUBLISHED = "Norte de Santander"


def figure_rows(page):
    return page.get_by_test_id("figure-table").locator("tbody tr")


def unpublished_row(page):
    """The row of the Norte de Santander figure (the "Where" column names the subdivision)."""
    return figure_rows(page).filter(has=page.locator("td:nth-child(2)", has_text=UNPUBLISHED))


def action_names(row) -> list[str]:
    return [text.strip() for text in row.locator("td.actions").locator("a, button").all_inner_texts()]


# username → (name in the user menu, role in the user menu, actions on the unpublished figure or
# None when the figure is not shown at all).
ROLES = {
    None: (None, None, None),
    "secretaria": ("Ana Secretaría", "Secretaría Técnica", ["Editar", "Publicar", "Historial"]),
    "focal.col": ("Camilo Punto focal Colombia", "Punto focal nacional", ["Editar", "Historial"]),
    "focal.per": ("Rosa Punto focal Perú", "Punto focal nacional", None),
    "cucuta": ("Luis Alcaldía de Cúcuta", "Funcionario/a de gobierno local", ["Editar", "Historial"]),
    "donante.can": ("Claire Canada", "Representante de donante", None),
    "observador": ("Olga Observadora", "Revisor/a u observador/a", ["Historial"]),
}


def test_each_role_signs_in_and_sees_on_colombia_what_it_is_allowed_to(new_context, login_form):
    # One browser context for all roles, each signing in through the login form (the charts' scripts
    # stay in the browser cache between roles).
    page = new_context().new_page()
    page.goto("/countries/COL/")
    menu = page.locator(".user-menu")
    for username, (name, role, actions) in ROLES.items():
        who = username or "anonymous"
        if username is not None:
            page.goto("/accounts/login/?next=/countries/COL/")
            login_form(page, username, DEMO_PASSWORD)
            expect(page, who).to_have_url(re.compile(r"/countries/COL/$"))
        expect(page.get_by_role("heading", level=1), who).to_have_text("Colombia (COL)")
        if username is None:
            expect(menu.get_by_test_id("user-name"), who).to_have_count(0)
            expect(menu.get_by_role("link", name="Iniciar sesión"), who).to_be_visible()
        else:
            expect(menu.get_by_test_id("user-name"), who).to_have_text(name)
            expect(menu.get_by_test_id("user-roles"), who).to_have_text(role)

        # The four published figures of Colombia are public.
        expect(figure_rows(page).filter(has_text="publicada"), who).to_have_count(4)
        row = unpublished_row(page)
        if actions is None:
            expect(row, f"{who} must not see the unpublished figure").to_have_count(0)
            expect(figure_rows(page), who).to_have_count(4)
        else:
            expect(row, f"{who} must see the unpublished figure").to_have_count(1)
            expect(row.locator("td.num"), who).to_have_text("≈ 300 mil")
            expect(row.locator("td:nth-child(6)"), who).to_have_text("pendiente de publicación")
            assert action_names(row) == actions, who
        # Only the secretariat publishes.
        expect(page.get_by_test_id("figure-table").get_by_role("button", name="Publicar"), who).to_have_count(
            1 if username == "secretaria" else 0)

        # Next role: drop the session (the overview that signing out leads to is slow to draw).
        page.context.clear_cookies()

    # The menu's sign-in link comes back to the page; signing out leads to the overview, nobody signed in.
    page.goto("/countries/COL/")
    menu.get_by_role("link", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    login_form(page, "observador", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/countries/COL/$"))
    expect(menu.get_by_test_id("user-name")).to_have_text("Olga Observadora")
    menu.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("El Proceso de Quito en síntesis")
    expect(menu.get_by_test_id("user-name")).to_have_count(0)
    expect(menu.get_by_role("link", name="Iniciar sesión")).to_be_visible()


def test_secretariat_publishes_the_figure_then_the_public_sees_it(open_page):
    page = open_page("secretaria", "/countries/COL/")
    unpublished_row(page).get_by_role("button", name="Publicar").click()

    expect(page.get_by_role("status")).to_have_text("Cifra publicada.")
    row = unpublished_row(page)
    expect(row.locator("td:nth-child(6)")).to_have_text("publicada")
    assert action_names(row) == ["Editar", "Retirar", "Historial"]
    figure = PopulationFigure.objects.get(subdivision_id="CO-NSA")
    assert figure.is_published
    assert page.url.endswith(f"/countries/COL/#figure-{figure.pk}")

    public = open_page(None, "/countries/COL/")
    row = unpublished_row(public)
    expect(row).to_have_count(1)
    expect(row.locator("td.num")).to_have_text("≈ 300 mil")
    expect(row.locator("td:nth-child(6)")).to_have_text("publicada")
    assert action_names(row) == []


def test_donor_officer_edits_their_organisation_with_history_but_not_others(open_page):
    canada = Organisation.objects.get(load_key="organisation:gov-can")
    page = open_page("donante.can", canada.get_absolute_url())

    for acronym, reason in [("GdC", "Sigla usada en los informes"), ("GoC", "Sigla oficial en inglés")]:
        page.get_by_role("main").get_by_role("link", name="Editar").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Editar Government of Canada")
        page.get_by_label("Sigla:", exact=True).fill(acronym)
        page.get_by_label("Motivo del cambio (se guarda en el historial)").fill(reason)
        page.get_by_role("button", name="Guardar").click()
        expect(page.get_by_role("status")).to_have_text("Cambios guardados.")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Gobierno de Canadá ({acronym})")  # its Spanish name, with the acronym edited

    page.get_by_role("main").get_by_role("link", name="Historial").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historial de Gobierno de Canadá (GoC)")
    entries = page.get_by_test_id("history").locator("li.history-entry")
    expect(entries).to_have_count(3)
    latest = entries.first
    expect(latest.locator("p").first).to_contain_text("Modificado")
    expect(latest.locator("p").first).to_contain_text("· Claire Canada ·")
    expect(latest.locator("p").first).to_contain_text("versión 3")
    expect(latest.locator("p.reason")).to_have_text("Sigla oficial en inglés")
    changes = latest.locator("tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.locator("th")).to_have_text("Sigla")
    expect(changes.locator("del")).to_have_text("GdC")
    expect(changes.locator("ins")).to_have_text("GoC")
    expect(entries.nth(1).locator("ins")).to_have_text("GdC")
    expect(entries.nth(1).locator("p").first).to_contain_text("· Claire Canada ·")
    assert Organisation.objects.get(pk=canada.pk).acronym == "GoC"

    # The IOM is not theirs: no Edit (nor History, nor Delete) on its page, and its edit page refuses.
    iom = Organisation.objects.get(load_key="organisation:iom")
    page.goto(iom.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Organización Internacional para las Migraciones (OIM)")  # OIM in Spanish
    actions = page.locator("main .actions-bar")
    expect(actions.get_by_role("link", name="Editar")).to_have_count(0)
    expect(actions.get_by_role("link", name="Historial")).to_have_count(0)
    expect(actions.get_by_role("button")).to_have_count(0)

    response = page.goto(f"/organisations/{iom.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("No permitido")
    expect(page.get_by_role("main").locator("p").first).to_have_text(
        "No tiene permiso para modificar este registro (organización).")
    assert Organisation.objects.get(pk=iom.pk).acronym == "IOM"


def test_second_editor_of_a_stale_form_gets_the_conflict_box_and_the_first_edit_stays(open_page):
    colombia = Organisation.objects.get(load_key="organisation:gov-col")
    edit_url = f"/organisations/{colombia.pk}/edit/"
    first = open_page("focal.col", edit_url)
    second = open_page("focal.col", edit_url)
    for page in (first, second):
        expect(page.get_by_role("heading", level=1)).to_have_text("Editar Gobierno de la República de Colombia")

    first.get_by_label("Sigla:", exact=True).fill("GOBCOL")
    first.get_by_role("button", name="Guardar").click()
    expect(first.get_by_role("status")).to_have_text("Cambios guardados.")

    second.get_by_label("Sigla:", exact=True).fill("RepCol")
    second.get_by_role("button", name="Guardar").click()
    conflict = second.get_by_test_id("edit-conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("heading")).to_have_text("Otra persona modificó este registro")
    expect(conflict.locator("p").first).to_contain_text("Ahora está en la versión 2.")
    expect(second.get_by_label("Sigla:", exact=True)).to_have_value("RepCol")
    expect(second.get_by_role("status")).to_have_count(0)

    colombia.refresh_from_db()
    assert (colombia.acronym, colombia.version) == ("GOBCOL", 2)
