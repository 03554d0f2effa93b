"""Issue 13, "Roadmap": the actions of the lines of work, their flags, who reports progress, the progress
form (against the version read, all or nothing) and the table's exports."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from minga.process import roadmap
from minga.process.models import Milestone, ProgressUpdate, RoadmapAction, RoadmapStatus
from minga.process.roadmap import RoadmapFilters
from minga.reference.models import Source

pytestmark = pytest.mark.django_db

REAL = ["capacity-development-kit", "reception-services-girls-women", "socioeconomic-integration-communication",
        "media-officials-training"]
CUCUTA, GAC = "demo-cucuta-kit-rollout", "demo-media-training-canada"


def action(status=RoadmapStatus.UNDER_WAY, progress=None, starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31)):
    return RoadmapAction(status=status, progress=progress, starts_on=starts_on, due_on=due_on)


# --- The flags, on hand-built dates -------------------------------------------------------------

@pytest.mark.parametrize(("status", "today", "expected"), [
    (RoadmapStatus.UNDER_WAY, date(2027, 1, 1), True),   # the day after the due date
    (RoadmapStatus.PLANNED, date(2027, 1, 1), True),
    (RoadmapStatus.DELAYED, date(2027, 1, 1), True),
    (RoadmapStatus.UNDER_WAY, date(2026, 12, 31), False),  # due today is not late yet
    (RoadmapStatus.DONE, date(2027, 1, 1), False),
    (RoadmapStatus.DROPPED, date(2027, 1, 1), False),
])
def test_overdue_is_a_passed_due_date_on_an_open_action(status, today, expected):
    assert roadmap.is_overdue(action(status=status), today) is expected


def test_an_action_without_a_due_date_is_never_overdue_nor_at_risk():
    undated = action(due_on=None)
    assert (roadmap.is_overdue(undated, date(2030, 1, 1)), roadmap.is_at_risk(undated, date(2030, 1, 1))) == (False, False)
    assert roadmap.elapsed_percent(undated, date(2030, 1, 1)) is None


@pytest.mark.parametrize(("today", "elapsed"), [
    (date(2025, 12, 1), 0), (date(2026, 1, 1), 0), (date(2026, 7, 2), 50), (date(2026, 12, 31), 100),
    (date(2027, 3, 1), 100)])
def test_elapsed_share_is_whole_percent_of_the_span(today, elapsed):
    # 1 January to 31 December 2026: 364 days; 2 July is day 182, half of them.
    assert roadmap.elapsed_percent(action(), today) == elapsed


@pytest.mark.parametrize(("progress", "status", "today", "expected"), [
    (24, RoadmapStatus.UNDER_WAY, date(2026, 7, 2), True),    # 50 % of the time gone, 24 % done: 26 > 25
    (25, RoadmapStatus.UNDER_WAY, date(2026, 7, 2), False),   # 25 points behind: exactly the margin, not more
    (None, RoadmapStatus.PLANNED, date(2026, 7, 2), True),    # not reported counts as 0 %
    (0, RoadmapStatus.PLANNED, date(2026, 1, 1), False),      # not started yet: nothing to measure
    (0, RoadmapStatus.DONE, date(2026, 7, 2), False),         # closed actions are not at risk
    (0, RoadmapStatus.DROPPED, date(2026, 7, 2), False),
    (10, RoadmapStatus.UNDER_WAY, date(2027, 1, 1), False),   # overdue instead, not both
])
def test_at_risk_when_elapsed_time_exceeds_progress_by_more_than_the_margin(progress, status, today, expected):
    assert roadmap.AT_RISK_MARGIN == 25
    assert roadmap.is_at_risk(action(status=status, progress=progress), today) is expected


def test_a_milestone_is_overdue_when_its_due_date_passed_undone():
    milestone = Milestone(due_on=date(2026, 3, 31))
    assert roadmap.is_milestone_overdue(milestone, date(2026, 4, 1)) is True
    assert roadmap.is_milestone_overdue(milestone, date(2026, 3, 31)) is False
    milestone.done_on = date(2026, 4, 15)
    assert roadmap.is_milestone_overdue(milestone, date(2026, 5, 1)) is False


def test_the_rows_of_the_demo_carry_their_flags_on_a_given_day():
    rows = roadmap.rows(RoadmapFilters(), date(2026, 6, 1))
    flags = {row.action.code: (row.overdue, row.at_risk) for row in rows}
    # Cúcuta: 516 of 729 days gone (70 %) at 30 % → at risk; GAC's workshops were due 30 June 2025 → overdue.
    assert flags == {**dict.fromkeys(REAL, (False, False)), CUCUTA: (False, True), GAC: (True, False)}
    assert [line.code for line, _ in roadmap.grouped(rows)] == [
        "children-adolescents-on-the-move", "women-access-to-rights", "socioeconomic-integration",
        "new-migration-narrative"]


# --- The real data: only what the declaration says -------------------------------------------------

def test_the_four_declaration_items_are_actions_with_their_source_and_nothing_invented():
    found = RoadmapAction.objects.filter(code__in=REAL).select_related("line", "source").order_by("line__position")
    assert [(a.code, a.line.code) for a in found] == [
        ("capacity-development-kit", "children-adolescents-on-the-move"),
        ("reception-services-girls-women", "women-access-to-rights"),
        ("socioeconomic-integration-communication", "socioeconomic-integration"),
        ("media-officials-training", "new-migration-narrative")]
    assert {(a.status, a.progress, a.starts_on, a.due_on, a.lead_organisation_id, a.is_illustrative,
             a.source.load_key) for a in found} == {
        ("planned", None, None, None, None, False, "source:joint-declaration-brussels-2023")}
    assert not ProgressUpdate.objects.filter(action__code__in=REAL).exists()
    assert not Milestone.objects.filter(action__code__in=REAL).exists()


def test_every_demo_roadmap_record_is_flagged_illustrative():
    demo = RoadmapAction.objects.exclude(code__in=REAL)
    assert sorted(demo.values_list("code", "is_illustrative")) == [(CUCUTA, True), (GAC, True)]
    assert set(Milestone.objects.values_list("is_illustrative", flat=True)) == {True}
    assert set(ProgressUpdate.objects.values_list("is_illustrative", flat=True)) == {True}


# --- The pages ---------------------------------------------------------------------------------------

def test_the_table_filters_by_line_status_and_lead(client):
    def codes(query):
        response = client.get(f"/process/roadmap/{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return [row.action.code for _, rows in response.context["groups"] for row in rows]

    assert codes("") == [REAL[0], CUCUTA, REAL[1], REAL[2], REAL[3], GAC]
    assert codes("?line=new-migration-narrative") == [REAL[3], GAC]
    assert codes("?status=planned") == REAL
    gac = RoadmapAction.objects.get(code=GAC).lead_organisation_id
    assert codes(f"?lead={gac}") == [GAC]
    assert codes("?status=nonsense") == [REAL[0], CUCUTA, REAL[1], REAL[2], REAL[3], GAC]


def test_a_lead_that_is_no_number_is_a_400_naming_it(client):
    response = client.get("/process/roadmap/?lead=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "lead:" in response.content.decode()


def test_the_action_page_shows_milestones_notes_and_flags_and_offers_the_form_only_to_reporters(
        client_as, users):
    page = client_as(None).get(f"/process/roadmap/{CUCUTA}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kit adapted to the municipality" in html and "First training delivered" in html
    assert "Illustrative note: the adapted kit was validated." in html
    assert f"/process/roadmap/{CUCUTA}/progress/" not in html
    assert [late for _, late in page.context["milestones"]] == [False, True]
    html = client_as(users["local_cucuta"]).get(f"/process/roadmap/{CUCUTA}/").content.decode()
    assert f"/process/roadmap/{CUCUTA}/progress/" in html
    response = client_as(users["local_cucuta"]).get(f"/process/roadmap/{GAC}/")
    assert response.status_code == 200
    assert f"/process/roadmap/{GAC}/progress/" not in response.content.decode()


@pytest.mark.parametrize(("role", "code", "status"), [
    ("secretariat", REAL[0], 200),
    ("local_cucuta", CUCUTA, 200),
    ("donor_can", GAC, 200),
    ("local_cucuta", GAC, 403),
    ("local_cucuta", REAL[0], 403),
    ("donor_can", CUCUTA, 403),
    ("focal_col", CUCUTA, 403),
    ("observer", CUCUTA, 403),
])
def test_who_may_open_the_progress_form(client_as, users, role, code, status):
    assert client_as(users[role]).get(f"/process/roadmap/{code}/progress/").status_code == status


def test_the_progress_form_asks_the_anonymous_to_sign_in(client):
    response = client.get(f"/process/roadmap/{CUCUTA}/progress/")
    assert response.status_code == 302 and "/login" in response["Location"]


def _post(client, code, read_version, **values):
    data = {"on_date": "2026-02-01", "status": "under_way", "progress": "45", "note": "Two trainings held.",
            "version": str(read_version), **values}
    return client.post(f"/process/roadmap/{code}/progress/", data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_lead_officer_records_progress_and_the_action_follows(client_as, users):
    before = RoadmapAction.objects.get(code=CUCUTA)
    response = _post(client_as(users["local_cucuta"]), CUCUTA, before.version)
    assert response.status_code == 302 and response["Location"] == f"/process/roadmap/{CUCUTA}/"
    after = RoadmapAction.objects.get(code=CUCUTA)
    assert (after.status, after.progress, after.version) == ("under_way", 45, before.version + 1)
    update = ProgressUpdate.objects.get(action=after, note="Two trainings held.")
    assert (update.on_date, update.status, update.progress, update.reported_by, update.is_illustrative) == (
        date(2026, 2, 1), "under_way", 45, users["local_cucuta"], False)
    assert after.history.first().history_user == users["local_cucuta"]


def _unchanged(code, version, updates):
    current = RoadmapAction.objects.get(code=code)
    return current.version == version and ProgressUpdate.all_objects.count() == updates


def test_a_stale_version_is_refused_and_nothing_is_stored(client_as, users):
    current = RoadmapAction.objects.get(code=CUCUTA)
    updates = ProgressUpdate.all_objects.count()
    response = _post(client_as(users["local_cucuta"]), CUCUTA, current.version - 1 if current.version else 99)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()[0].startswith(
        "This record was changed by someone else (you edited version")
    assert _unchanged(CUCUTA, current.version, updates)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"status": "dropped"}, "status", "You cannot move this action from “under way” to “dropped”."),
    ({"on_date": "2099-01-01"}, "on_date", "A progress update cannot be dated in the future."),
    ({"progress": "101"}, "progress", "Ensure this value is less than or equal to 100."),
    ({"note": "\u200b"}, "note", "Say what was done since the last update."),
    ({"version": "x"}, "__all__", "The form's version is missing or not a number; reload the page."),
])
def test_a_refused_update_says_why_and_stores_nothing(client_as, users, values, field, message):
    current = RoadmapAction.objects.get(code=CUCUTA)
    updates = ProgressUpdate.all_objects.count()
    response = _post(client_as(users["local_cucuta"]), CUCUTA, current.version, **values)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert _unchanged(CUCUTA, current.version, updates)


def test_the_secretariat_may_drop_an_action_its_lead_may_not(client_as, users):
    current = RoadmapAction.objects.get(code=CUCUTA)
    response = _post(client_as(users["secretariat"]), CUCUTA, current.version, status="dropped")
    assert response.status_code == 302
    assert RoadmapAction.objects.get(code=CUCUTA).status == "dropped"


# --- Exports ------------------------------------------------------------------------------------------

def test_the_csv_has_the_filtered_rows_exactly(client):
    response = client.get("/process/roadmap/export.csv?line=new-migration-narrative", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minga-roadmap.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    source = Source.objects.get(load_key="source:joint-declaration-brussels-2023")
    illustrative = RoadmapAction.objects.get(code=GAC).source
    assert rows == [
        ["Line of work", "Code", "Action", "Lead organisation", "Status", "Progress (%)", "Starts", "Due",
         "Overdue", "At risk", "Illustrative", "Source", "Source address"],
        ["#sector+name+line", "#activity+code", "#activity+name", "#org+name+lead", "#status+name",
         "#indicator+progress+pct", "#date+start", "#date+end", "#status+overdue", "#status+at_risk",
         "#meta+illustrative", "#meta+source", "#meta+source+url"],
        ["A new migration narrative", "media-officials-training",
         "Training for media and officials on language and human mobility", "", "planned", "", "", "", "no", "no",
         "no", source.title, source.url],
        ["A new migration narrative", GAC, "Workshops for journalists (illustrative)",
         RoadmapAction.objects.get(code=GAC).lead_organisation.name, "delayed", "60", "2024-03-01", "2025-06-30",
         "yes", "no", "yes", illustrative.title, illustrative.url],
    ]


def test_text_that_starts_like_a_formula_is_kept_as_text_in_both_exports(client):
    RoadmapAction.objects.filter(code=GAC).update(label_en="=HYPERLINK(\"http://x\")", label_es="", label_pt="")
    csv_rows = list(csv.reader(io.StringIO(client.get(
        "/process/roadmap/export.csv?line=new-migration-narrative",
        HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig"))))
    assert csv_rows[3][2] == "'=HYPERLINK(\"http://x\")"  # under the headers and the HXL hashtag row
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        "/process/roadmap/export.xlsx?line=new-migration-narrative", HTTP_ACCEPT_LANGUAGE="en").content))
    sheet = book.active
    assert [cell.value for cell in sheet[2]][:3] == ["A new migration narrative", "media-officials-training",
                                                     "Training for media and officials on language and human mobility"]
    cell = sheet.cell(row=3, column=3)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=HYPERLINK(\"http://x\")", "s", True)
    assert sheet.max_row == 3


@pytest.mark.parametrize(("language", "typed", "stored"), [
    ("es", "12,5", Decimal("12.5")), ("pt-br", "12,5", Decimal("12.5")), ("en", "12.5", Decimal("12.5")),
    ("es", "50", Decimal("50")), ("en", "50", Decimal("50")),
])
def test_progress_is_read_as_the_readers_language_writes_it_and_shown_back_so(client_as, users, language, typed,
                                                                               stored):
    client = client_as(users["local_cucuta"])
    before = RoadmapAction.objects.get(code=CUCUTA)
    data = {"on_date": "2026-02-01", "status": "under_way", "progress": typed, "note": "Two trainings held.",
            "version": str(before.version)}
    response = client.post(f"/process/roadmap/{CUCUTA}/progress/", data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    after = RoadmapAction.objects.get(code=CUCUTA)
    assert after.progress == stored
    assert ProgressUpdate.objects.get(action=after, note="Two trainings held.").progress == stored
    form = client.get(f"/process/roadmap/{CUCUTA}/progress/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'name="progress" value="{typed}"' in form
    assert 'type="number"' not in form


@pytest.mark.parametrize(("language", "typed", "message"), [
    ("es", "50.0", "“50.0” no es un monto escrito como en este idioma: escríbalo como 8.000.000.000,50 (“.” "
                   "entre los miles, “,” antes de los céntimos)."),
    ("en", "12,5", "“12,5” is not an amount as written in this language: write it like 8,000,000,000.50 (“,” "
                   "between thousands, “.” before the cents)."),
    ("en", "12.55", "Ensure that there are no more than 1 decimal place."),
])
def test_progress_in_another_notation_is_refused_not_misread(client_as, users, language, typed, message):
    current = RoadmapAction.objects.get(code=CUCUTA)
    updates = ProgressUpdate.all_objects.count()
    data = {"on_date": "2026-02-01", "status": "under_way", "progress": typed, "note": "Two trainings held.",
            "version": str(current.version)}
    response = client_as(users["local_cucuta"]).post(f"/process/roadmap/{CUCUTA}/progress/", data,
                                                      HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.context["form"].errors["progress"] == [message]
    assert _unchanged(CUCUTA, current.version, updates)
