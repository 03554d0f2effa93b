"""Issue 15, item 2 in the browser: two people, each in their own browser, edit the same project. The
first saves; the second's save shows the conflict box naming what the first changed, keeps what the
second typed, and the project stays as the first saved it."""

import pytest
from playwright.sync_api import expect

from minga.portfolio.models import Project
from tests.codes import YEAR

pytestmark = pytest.mark.browser

DRAFT = f"PQ-COL-{YEAR}-0002"


def test_the_second_of_two_browsers_editing_a_project_sees_the_conflict(open_page):
    url = f"/projects/{DRAFT}/edit/?step=1"
    version = Project.objects.get(code=DRAFT).version
    secretariat = open_page("secretaria", url)
    focal = open_page("focal.col", url)

    secretariat.locator('[name="title_es"]').fill("Título guardado por la secretaría")
    secretariat.get_by_test_id("save-draft").click()
    expect(secretariat.get_by_role("status")).to_have_text("Guardado.")

    focal.locator('[name="title_es"]').fill("Título del punto focal")
    focal.get_by_test_id("save-draft").click()
    conflict = focal.get_by_test_id("edit-conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_role("heading")).to_have_text("Otra persona modificó este registro")
    expect(conflict.locator("p").first).to_contain_text(f"Ahora está en la versión {version + 1}.")
    changes = conflict.get_by_test_id("conflict-changes")
    expect(changes.locator("tbody th")).to_have_text(["Título (español)"])
    expect(changes.locator("tbody ins")).to_have_text(["Título guardado por la secretaría"])
    expect(focal.locator('[name="title_es"]')).to_have_value("Título del punto focal")

    stored = Project.objects.get(code=DRAFT)
    assert (stored.title_es, stored.version) == ("Título guardado por la secretaría", version + 1)
    last = stored.history.first()
    assert (last.history_user.username, last.title_es) == ("secretaria", "Título guardado por la secretaría")
    assert not stored.history.filter(title_es="Título del punto focal").exists()
