"""Issue 15, item 2: no lost update through the forms. Two people signed in on two clients open the same
record; the first saves; the second's save, whatever happens in between, is refused as a conflict: the
form comes back with the conflict box (what the other person changed) and the second person's input,
and the stored record, its version and its history are exactly the first person's.

Every record people edit through a form is here (the API's writes are in test_no_lost_update_api.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
import pytest
from django.test import Client

from minga.capacity.models import TrainingDelivery
from minga.finance.tracking import FundingFlow, TrackedPledge
from minga.localgov.models import NeedsStatement
from minga.portfolio.models import Project
from minga.process.models import ProgressUpdate, RoadmapAction
from minga.results.models import Indicator, ReportingPeriod, ResultReport
from minga.services.models import Service
from tests.codes import YEAR
from tests.conftest import verify_session

pytestmark = pytest.mark.django_db

DRAFT = f"PQ-COL-{YEAR}-0002"
CUCUTA = f"PQ-COL-{YEAR}-0001"


def signed_in(user) -> Client:
    """One more browser: its own session, signed in as ``user``, reading pages in English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    verify_session(client, user)
    return client


def form_data(response, testid: str | None) -> dict:
    """What the browser sends from the page's form as it stands (several values for a multiple choice)."""
    document = lxml.html.fromstring(response.content.decode())
    form = document.xpath(f'//form[@data-testid="{testid}"]' if testid else '//main//form[.//input[@name="version"]]')[0]
    data: dict[str, list] = {}
    for name, value in form.form_values():
        # A browser drops the newline that starts a textarea's content (Django writes one); lxml keeps it.
        data.setdefault(name, []).append(value.removeprefix("\n") if isinstance(value, str) else value)
    return data


def conflict_box(response):
    boxes = lxml.html.fromstring(response.content.decode()).xpath('//*[@data-testid="edit-conflict"]')
    return boxes[0] if len(boxes) == 1 else None


@dataclass
class Edit:
    """One record's edit form, the change each person makes, and how to read the stored value back."""

    name: str
    record: Callable  # () -> the record (its history and version are checked)
    url: Callable  # (record) -> the form's address
    first_role: str
    second_role: str
    first: dict  # the first person's change
    second: dict  # the second person's change (valid)
    invalid: dict  # a change the form refuses, tried by the second person before the valid one
    stored: Callable  # (record) -> the value the changes are about
    first_value: object
    testid: str | None = None
    changed_label: str = ""  # the field the conflict box names as changed by the first person
    creates: bool = False  # the form makes the record when none exists yet (a result report's cell)
    extra: dict = field(default_factory=dict)


def _pledge():
    TrackedPledge.all_objects.filter(load_key="tracked-pledge:can-2023").update(status="draft", is_public=False)
    return TrackedPledge.all_objects.get(load_key="tracked-pledge:can-2023")


def _flow():
    FundingFlow.all_objects.filter(load_key="flow:can-1").update(status="draft", is_public=False)
    return FundingFlow.all_objects.get(load_key="flow:can-1")


def _report_url(_record):
    indicator = Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended")
    period = ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q3")
    return f"/results/projects/{CUCUTA}/report/?indicator={indicator.pk}&period={period.pk}&territory=CO-ARA"


def _report():
    """The report of one cell (children attended, 2026-Q3, Arauca), which the first save creates; None before."""
    return ResultReport.objects.filter(indicator__load_key=f"results-indicator:{CUCUTA}:children-attended",
                                       period__load_key=f"results-period:{CUCUTA}:2026-Q3",
                                       subdivision_id="CO-ARA").first()


def _versions(edit, record):
    """(version, history rows) before the first save: nothing yet for a record the first save creates."""
    if edit.creates:
        assert record is None
        return 0, 0
    return record.version, record.history.count()


def _only_the_first_save_is_stored(edit, before: tuple, stored_after_first, users):
    after = edit.record()
    assert edit.stored(after) == stored_after_first
    assert after.version == before[0] + 1
    assert after.history.count() == before[1] + 1
    assert after.history.first().history_user == users[edit.first_role]


EDITS = [
    Edit("project", lambda: Project.objects.get(code=DRAFT), lambda p: f"/projects/{p.code}/edit/?step=1",
         "secretariat", "focal_col", {"title_es": "Título de la secretaría"}, {"title_es": "Título del punto focal"},
         {"planned_start": "2026-05-01", "planned_end": "2026-01-01"}, lambda p: p.title_es,
         "Título de la secretaría", testid="step-form", changed_label="Title (Spanish)",
         extra={"after": "stay"}),
    Edit("pledge", _pledge, lambda p: f"/pledges/{p.pk}/edit/", "secretariat", "donor_can",
         {"amount": "111"}, {"amount": "222"}, {"amount": "-5"}, lambda p: p.amount, 111, changed_label="Amount"),
    Edit("flow", _flow, lambda f: f"/flows/{f.pk}/edit/", "secretariat", "donor_can",
         {"amount": "111"}, {"amount": "222"}, {"amount": "-5"}, lambda f: f.amount, 111, changed_label="Amount"),
    Edit("service", lambda: Service.objects.get(load_key="service:cucuta-espacio-apoyo"),
         lambda s: f"/services/{s.pk}/edit/", "secretariat", "local_cucuta",
         {"name_es": "Nombre de la secretaría"}, {"name_es": "Nombre de la alcaldía"}, {"latitude": "500"},
         lambda s: s.name_es, "Nombre de la secretaría", changed_label="Name (Spanish)"),
    Edit("needs statement", lambda: NeedsStatement.objects.get(load_key="need:demo-cucuta:1"),
         lambda n: f"/local-governments/needs/{n.pk}/edit/", "secretariat", "local_cucuta",
         {"description": "Descripción de la secretaría."}, {"description": "Descripción de la alcaldía."},
         {"description": ""}, lambda n: n.description, "Descripción de la secretaría.", changed_label="Description"),
    Edit("training delivery", lambda: TrainingDelivery.all_objects.get(load_key="kit-delivery:CO54001:2025-10-20"),
         lambda d: f"/capacity/deliveries/{d.pk}/edit/", "secretariat", "local_cucuta",
         {"note": "Nota de la secretaría."}, {"note": "Nota de la alcaldía."}, {"pre_score": "140"},
         lambda d: d.note, "Nota de la secretaría.", changed_label="Note"),
    Edit("roadmap action", lambda: RoadmapAction.objects.get(code="demo-cucuta-kit-rollout"),
         lambda a: f"/process/roadmap/{a.code}/progress/", "secretariat", "local_cucuta",
         {"progress": "40", "note": "De la secretaría."}, {"progress": "60", "note": "De la alcaldía."},
         {"progress": "140"}, lambda a: (a.progress, list(ProgressUpdate.objects.filter(action=a).order_by(
             "-pk").values_list("note", flat=True)[:1])), (40, ["De la secretaría."]), changed_label="Progress (%)"),
    Edit("result report", _report, _report_url, "secretariat", "local_cucuta",
         {"value": "35", "note": "De la secretaría."}, {"value": "45", "note": "De la alcaldía."}, {"value": "-3"},
         lambda r: (r.value, r.note), (35, "De la secretaría."), creates=True),
]


def _post(client, url, data: dict, changes: dict):
    return client.post(url, {**data, **{key: [value] for key, value in changes.items()}})


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.name)
def test_the_second_save_of_a_record_read_before_the_first_is_refused(edit, users):
    record = edit.record()
    url = edit.url(record)
    first, second = signed_in(users[edit.first_role]), signed_in(users[edit.second_role])
    first_form, second_form = (form_data(client.get(url), edit.testid) for client in (first, second))
    before = _versions(edit, record)

    saved = _post(first, url, first_form, {**edit.first, **edit.extra})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored_after_first = edit.stored(edit.record())
    if edit.first_value is not None:
        assert stored_after_first == edit.first_value

    refused = _post(second, url, second_form, {**edit.second, **edit.extra})
    assert refused.status_code in (400, 409)
    box = conflict_box(refused)
    assert box is not None, refused.content.decode()[:3000]
    assert "Someone else changed this record" in box.text_content()
    if edit.changed_label:
        assert edit.changed_label in [th.text_content().strip() for th in box.xpath('.//th[@scope="row"]')]
    # The second person's input is still in the form.
    kept = form_data(refused, edit.testid)
    assert all(kept[key] == [value] for key, value in edit.second.items())
    # Nothing of the second person's is stored: the record, its version and its history are the first's.
    _only_the_first_save_is_stored(edit, before, stored_after_first, users)


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.name)
def test_a_form_shown_again_for_a_mistake_still_carries_the_version_read(edit, users):
    """The lost update found by this issue: after a refused mistake the form came back carrying the version
    stored now, so that the second save went through over the first person's change, unannounced."""
    record = edit.record()
    url = edit.url(record)
    first, second = signed_in(users[edit.first_role]), signed_in(users[edit.second_role])
    second_form = form_data(second.get(url), edit.testid)
    first_form = form_data(first.get(url), edit.testid)
    before = _versions(edit, record)
    assert _post(first, url, first_form, {**edit.first, **edit.extra}).status_code == 302
    stored_after_first = edit.stored(edit.record())

    mistaken = _post(second, url, second_form, {**edit.second, **edit.invalid, **edit.extra})
    assert mistaken.status_code in (200, 400)
    again = form_data(mistaken, edit.testid)
    assert again.get("version") == second_form.get("version")

    # The mistake put right (the values first read), the same change sent again: a conflict, not a save.
    put_right = {key: second_form.get(key, [""])[0] for key in edit.invalid}
    refused = _post(second, url, again, {**put_right, **edit.second, **edit.extra})
    assert refused.status_code in (400, 409)
    assert conflict_box(refused) is not None
    _only_the_first_save_is_stored(edit, before, stored_after_first, users)


def test_the_maintenance_screens_refuse_a_stale_save_too(users):
    """Found by this issue: the admin moved the version on from the row it loaded at the save, so that a
    change page left open overwrote whatever was saved meanwhile (here or through the site), unannounced."""
    from minga.accounts.models import User
    from minga.accounts.twofactor import demo_device
    from minga.audit.services import record_update
    from minga.finance.models import Conference

    maintainer = User.objects.create_superuser(username="maintainer", email="m@example.org", password="x" * 20)
    demo_device(user=maintainer, secret_base32="JBSWY3DPEHPK3PXP")  # who may change everything has a second factor
    client = signed_in(maintainer)
    conference = Conference.objects.get(code="brussels-2023")
    url = f"/admin/finance/conference/{conference.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = _admin_form(page)
    assert data["read_version"] == [str(conference.version)]
    record_update(instance=conference, user=users["secretariat"], changes={"city_en": "Brussels (meanwhile)"},
                  expected_version=conference.version)

    response = client.post(url, {**data, "city_en": ["Stale Brussels"]})
    assert response.status_code == 200
    assert (f"This record was changed by someone else (you edited version {conference.version}, it is now at "
            f"version {conference.version + 1}).") in response.content.decode()
    stored = Conference.objects.get(pk=conference.pk)
    assert (stored.city_en, stored.version) == ("Brussels (meanwhile)", conference.version + 1)
    assert stored.history.first().history_user == users["secretariat"]

    # Read again, the same change goes through and moves the version on by one.
    data = _admin_form(client.get(url))
    assert client.post(url, {**data, "city_en": ["Brussels again"]}).status_code == 302
    stored = Conference.objects.get(pk=conference.pk)
    assert (stored.city_en, stored.version) == ("Brussels again", conference.version + 2)


def _admin_form(response) -> dict:
    form = lxml.html.fromstring(response.content.decode()).xpath('//form[@id="conference_form"]')[0]
    data: dict[str, list] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def test_a_period_locked_meanwhile_is_not_opened_again_by_a_page_read_before(users):
    period = ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q2")
    version, history_before = period.version, period.history.count()
    url = f"/results/periods/{period.pk}/lock/"
    first, second = signed_in(users["secretariat"]), signed_in(users["secretariat"])
    assert first.post(url, {"locked": "1", "version": str(version)}).status_code == 302
    response = second.post(url, {"locked": "0", "version": str(version)}, follow=True)
    assert response.status_code == 200
    assert (f"This record was changed by someone else (you edited version {version}, it is now at version "
            f"{version + 1}). Nothing was saved: reload it and apply your changes again.") in response.content.decode()
    stored = ReportingPeriod.objects.get(pk=period.pk)
    assert (stored.is_locked, stored.version, stored.history.count()) == (True, version + 1, history_before + 1)
