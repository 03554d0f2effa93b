"""How many database queries each page and API operation runs, pinned on the demo data.

One case per URL pattern and per API operation (a coverage test fails when one has none), each
requested as its usual caller: anonymous for public pages, the secretariat or a focal point for
the signed-in pages, a bearer token for API writes. A change that adds queries to a page shows
up here as a changed number, to be looked at and then written down on purpose.

Counts are measured cold: Django's cache (public pages, the catalogue's names), the content-type cache
and the catalogue's facet index are emptied first, so that no earlier test changes the number; only
the generations of the data are left, as any write leaves them (minga.common.cache). Cases marked
``warm`` count a second request, after a first one filled the caches: a public page is then 2 cache
lookups. A write through a service also replaces its domain's generation: 5 queries with the
database cache (SAVEPOINT, the entries counted, the key looked up, UPDATE, RELEASE). They
include the session and user reads of a signed-in request, and the SAVEPOINT/RELEASE pairs of
every atomic block (the test runs inside a transaction, so each atomic block is a savepoint;
SQLite and PostgreSQL run the same statements here, so one number serves both).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import lxml.html
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minga.accounts import twofactor
from minga.accounts.models import ApiToken
from minga.accounts.services import api_token_create
from minga.accounts.twofactor import totp_now
from minga.api.urls import api
from minga.audit import services as audit
from minga.capacity import services as capacity
from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.capacity.services import ResourceInput
from minga.common.cache import DOMAINS, generations
from minga.exchange.models import ImportRun
from minga.localgov.models import NeedsStatement
from minga.narrative import selectors as narrative
from minga.portfolio import services
from minga.portfolio.facet_index import INDEX
from minga.portfolio.models import Project
from minga.process import services as process
from minga.process.models import ActionEvidence, ProgressUpdate, RoadmapAction
from minga.reference.models import Municipality, Organisation, PopulationFigure
from minga.reference.selectors import organisation_loaded
from minga.results.models import Indicator, ReportingPeriod, ResultReport
from minga.services.models import Service
from tests.codes import YEAR

pytestmark = pytest.mark.django_db


CUCUTA = f"PQ-COL-{YEAR}-0001"  # published, proposed by the Alcaldía de Cúcuta
RORAIMA = f"PQ-BRA-{YEAR}-0001"  # under review
DRAFT = f"PQ-COL-{YEAR}-0002"  # the draft of focal.col
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

# Django's own pages, not the project's: the admin (staff only, Django's queries).
EXCLUDED_NAMESPACES = {"admin"}


@dataclass
class Request:
    url: str
    data: dict | None = None
    json: bool = False  # send ``data`` as a JSON body
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str  # the URL pattern's name, as reverse() knows it
    method: str
    # "anonymous", a demo role ("secretariat"), "token:<role>" (a bearer token of that role) or
    # "pending:<role>" (signed in with the password, the second factor not given yet)
    caller: str
    request: Callable[["Setting"], Request]
    status: int
    queries: int
    warm: bool = False  # measure a second request, after a first one filled the caches
    done: Callable[[], bool] | None = None  # for a write: it was made (a refusal would count other queries)
    label: str = ""  # tells apart the cases of one pattern

    @property
    def id(self) -> str:
        return " ".join(filter(None, (self.method, self.name, self.label, "as", self.caller)))


@dataclass
class Setting:
    """What a case's request is built from; building it runs outside the measured block."""

    users: dict
    client: object

    def token(self, role: str) -> str:
        return f"Bearer {api_token_create(user=self.users[role], name='query counts')[1]}"

    def form(self, url: str, testid: str | None = None) -> dict:
        """The values the browser would send from the page's form, as the page stands."""
        page = self.client.get(url)
        assert page.status_code == 200, url
        forms = lxml.html.fromstring(page.content.decode()).xpath(
            f'//form[@data-testid="{testid}"]' if testid else '//form[@class="form"]')
        return dict(forms[0].form_values())


def children() -> Indicator:
    return Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended")


def project(code: str) -> Project:
    return Project.objects.get(code=code)


def red_lima() -> Organisation:
    return Organisation.all_objects.get(load_key="organisation:demo-red-lima")


def demo_pledge():
    """The demo's tracked Canadian pledge, taken back to a draft its officer may correct (outside the count)."""
    from minga.finance.tracking import TrackedPledge

    TrackedPledge.all_objects.filter(load_key="tracked-pledge:can-2023").update(status="draft", is_public=False)
    return TrackedPledge.all_objects.get(load_key="tracked-pledge:can-2023")


def demo_flow():
    from minga.finance.tracking import FundingFlow

    FundingFlow.all_objects.filter(load_key="flow:can-1").update(status="draft", is_public=False)
    return FundingFlow.all_objects.get(load_key="flow:can-1")


def public_pledge_url() -> str:
    from minga.finance.tracking import TrackedPledge
    return f"/pledges/{TrackedPledge.objects.filter(is_public=True).order_by('pk').first().pk}/"


def public_flow_url() -> str:
    from minga.finance.tracking import FundingFlow
    return f"/flows/{FundingFlow.objects.filter(is_public=True).order_by('pk').first().pk}/"


def demo_status(model: str, load_key: str) -> str:
    from minga.finance import tracking
    return getattr(tracking, model).all_objects.get(load_key=load_key).status


def pledge_report(setting: Setting) -> Request:
    pledge = demo_pledge()
    return Request(f"/pledges/{pledge.pk}/transition/", {"to_status": "reported", "version": pledge.version})


def flow_report(setting: Setting) -> Request:
    flow = demo_flow()
    return Request(f"/flows/{flow.pk}/transition/", {"to_status": "reported", "version": flow.version})


def figure() -> PopulationFigure:
    return PopulationFigure.objects.filter(country_id="COL").order_by("pk").first()


def get(url: str | Callable[[], str]) -> Callable[[Setting], Request]:
    return lambda setting: Request(url() if callable(url) else url)


def real_then(code: str, url: str) -> Callable[[Setting], Request]:
    """``url``, once the illustrative demo project ``code`` is taken as a real one (outside the count)."""
    def request(setting: Setting) -> Request:
        Project.all_objects.filter(code=code).update(is_illustrative=False)
        return Request(url)
    return request


def api_get(url: str, role: str | None = None) -> Callable[[Setting], Request]:
    return lambda setting: Request(url, headers={"authorization": setting.token(role)} if role else {})


def api_send(url: str | Callable[[], str], payload: Callable[[], dict], role: str) -> Callable[[Setting], Request]:
    return lambda setting: Request(url() if callable(url) else url, payload(), json=True,
                                   headers={"authorization": setting.token(role)})


def import_run_url() -> str:
    run = ImportRun.objects.create(kind="iati", sources=["a.xml"], state="done", bytes_total=10, bytes_read=10,
                                   counts={"read": 1, "created": 1}, problems=[
                                       {"source": "a.xml", "identifier": "XM-1", "line": 3, "message": "no title"}])
    return f"/projects/import/iati/{run.pk}/"


def fts_import_run_url() -> str:
    run = ImportRun.objects.create(kind="fts", sources=["a.json"], state="done", bytes_total=10, bytes_read=10,
                                   counts={"pages": 1, "read": 2, "created": 2, "refused": 1,
                                           "outcomes": {"counted": 1, "passed_on": 1}, "totals": [["a.json", 10]]},
                                   problems=[{"source": "a.json", "identifier": "", "line": 0,
                                              "message": "a.json, flow 3 (id 9): amountUSD is not a number"}])
    return f"/projects/import/fts/{run.pk}/"


def organisation_url(key: str, suffix: str = "") -> Callable[[], str]:
    """The address of a demo organisation's page (the primary key differs from one database to the next)."""
    return lambda: f"/organisations/{organisation_loaded(key).pk}/{suffix}"


def new_project() -> dict:
    return {
        "title_es": "Rutas de protección para niñas y adolescentes en Arauca",
        "proposing_organisation": organisation_loaded("gov-col").pk,
        "planned_start": "2026-05-01", "planned_end": "2027-04-30",
        "budget_amount": "800000000", "budget_currency": "COP", "budget_value_date": "2026-05-01",
        "requested_amount": "600000000",
        "locations": [{"country": "COL", "percentage": 100}, {"subdivision": "CO-ARA", "percentage": 100}],
        "themes": [{"vocabulary": "quito-axes", "code": "child-protection", "percentage": 100}],
        "markers": [{"marker": "gender", "significance": 2}],
        "people_total": 500,
        "people": [{"dimension": "population_group", "category": "refugees_migrants", "people": 500}],
        "budget_years": [{"year": 2026, "amount": "500000000"}, {"year": 2027, "amount": "300000000"}],
        "participants": [{"organisation": "XM-DAC-41121", "role": "4"}],
    }


def demo_service(key: str = "tulcan-casa-acogida") -> Service:
    return Service.objects.get(load_key=f"service:{key}")


def new_service() -> dict:
    return {"provider": organisation_loaded("demo-cucuta").pk, "subdivision": "CO-NSA", "municipality": "CO54001",
            "latitude": 7.88, "longitude": -72.49, "last_verified_on": "2026-11-01", "types": ["food"],
            "populations": ["everyone"], "name_es": "Olla comunitaria"}


def service_post(setting: Setting) -> Request:
    return Request("/services/new/", {
        "provider": organisation_loaded("demo-cucuta").pk, "name_es": "Olla comunitaria", "types": ["food"],
        "populations": ["everyone"], "subdivision": "CO-NSA", "latitude": "7.88", "longitude": "-72.49",
        "last_verified_on": "2026-11-01", "is_free": "on"})


def document_download(setting: Setting) -> Request:
    document = services.project_document_add(
        project=project(CUCUTA), user=setting.users["secretariat"], kind="proposal",
        uploaded_file=SimpleUploadedFile("propuesta.pdf", PDF, "application/pdf"))
    return Request(f"/projects/{CUCUTA}/documents/{document.pk}/")


CUCUTA_ACTION = "demo-cucuta-kit-rollout"


def progress_post(setting: Setting) -> Request:
    url = f"/process/roadmap/{CUCUTA_ACTION}/progress/"
    return Request(url, {**setting.form(url, "progress-form"), "progress": "35", "note": "Counted."})


def kit_delivery_url(suffix: str = "") -> Callable[[Setting], Request]:
    def request(_setting: Setting) -> Request:
        pk = TrainingDelivery.all_objects.get(load_key="kit-delivery:CO54001:2025-10-20").pk
        return Request(f"/capacity/deliveries/{pk}/{suffix}")
    return request


def kit_delivery_post(setting: Setting) -> Request:
    url = "/capacity/deliveries/new/"
    data = {**setting.form(url, "delivery-form"), "delivered_on": "2026-01-10",
            "municipality": Municipality.objects.get(pcode="CO54001").pk,
            "organiser": Organisation.objects.get(load_key="organisation:demo-cucuta").pk,
            "women": "2", "men": "1", "police": "3", "note": "Counted training."}
    return Request(url, data)


def _evidence_titled(title: str) -> bool:
    return ActionEvidence.objects.filter(title=title).exclude(file="").exists()


def _linked_services() -> list[int]:
    return list(RoadmapAction.objects.get(code=CUCUTA_ACTION).services.values_list("pk", flat=True))


def _resource_titled(title: str) -> bool:
    return KitResource.objects.filter(title=title, edition=3).exclude(file="").exists()


def _priority_of(pcode: str) -> bool:
    return PriorityMunicipality.objects.filter(municipality__pcode=pcode).exists()


def kit_resource_post(setting: Setting) -> Request:
    url = "/capacity/resources/new/"
    return Request(url, {**setting.form(url, "resource-form"), "series": "first-response", "title": "Counted module",
                         "edition": "3", "published_on": "2026-01-10",
                         "file": SimpleUploadedFile("counted.pdf", PDF, "application/pdf")})


def kit_resource_file(setting: Setting) -> Request:
    resource = capacity.resource_add(user=setting.users["secretariat"], data=ResourceInput(
        series="first-response", title="Counted", kind="module", language="es", audience="front_line", edition=3,
        published_on=date(2026, 1, 10), upload=SimpleUploadedFile("counted.pdf", PDF, "application/pdf")))
    return Request(f"/capacity/resources/{resource.pk}/file/")


def _new_municipality() -> Municipality:
    return Municipality.objects.create(pcode="CO05001", name="Medellín", subdivision_id="CO-ANT")


def kit_priority_post(setting: Setting) -> Request:
    municipality = _new_municipality()
    return Request("/capacity/priorities/", {"country": "COL", "municipality": municipality.pk, "since": "2026-01-10"})


def kit_priority_remove(_setting: Setting) -> Request:
    priority = PriorityMunicipality.objects.get(municipality__pcode="EC0401")
    return Request(f"/capacity/priorities/{priority.pk}/remove/", {"version": str(priority.version)})


def evidence_post(_setting: Setting) -> Request:
    return Request(f"/process/roadmap/{CUCUTA_ACTION}/evidence/", {
        "title": "Counted evidence", "on_date": "2026-01-10", "url": "",
        "file": SimpleUploadedFile("acta.pdf", PDF, "application/pdf")})


def evidence_file(setting: Setting) -> Request:
    evidence = process.evidence_add(user=setting.users["local_cucuta"],
                                    action=RoadmapAction.objects.get(code=CUCUTA_ACTION),
                                    data=process.EvidenceInput(title="Acta", on_date=date(2026, 1, 10),
                                                               upload=SimpleUploadedFile("acta.pdf", PDF)))
    return Request(f"/process/roadmap/{CUCUTA_ACTION}/evidence/{evidence.pk}/file/")


def links_post(setting: Setting) -> Request:
    url = f"/process/roadmap/{CUCUTA_ACTION}/links/"
    return Request(url, {**setting.form(url, "links-form"), "services": [demo_service("cucuta-espacio-apoyo").pk]})


def results_report_post(setting: Setting) -> Request:
    from minga.results.models import Indicator, ReportingPeriod

    indicator = Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended")
    period = ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q3")
    url = f"/results/projects/{CUCUTA}/report/?indicator={indicator.pk}&period={period.pk}&territory=CO-ARA"
    return Request(url, {**setting.form(url, "report-form"), "value": "35", "note": "Counted."})


def results_lock_post(setting: Setting) -> Request:
    from minga.results.models import ReportingPeriod

    period = ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q2")
    return Request(f"/results/periods/{period.pk}/lock/", {"version": str(period.version), "locked": "1"})


def results_reported() -> bool:
    from minga.results.models import ResultReport

    return ResultReport.objects.filter(note="Counted.").exists()


def results_locked() -> bool:
    from minga.results.models import ReportingPeriod

    return ReportingPeriod.objects.get(load_key=f"results-period:{CUCUTA}:2026-Q2").is_locked


def results_indicator_post(setting: Setting) -> Request:
    url = f"/results/projects/{CUCUTA}/indicators/new/"
    return Request(url, {**setting.form(url, "indicator-form"), "name_en": "Counted indicator", "target": "10"})


def results_indicator_edit_post(setting: Setting) -> Request:
    from minga.results.models import Indicator

    pk = Indicator.objects.get(load_key=f"results-indicator:{CUCUTA}:children-attended").pk
    url = f"/results/indicators/{pk}/edit/"
    return Request(url, {**setting.form(url, "indicator-form"), "target": "3001"})


def results_upload_post(setting: Setting) -> Request:
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(setting.client.get(f"/results/projects/{CUCUTA}/template.xlsx").content))
    sheet = workbook.worksheets[1]
    sheet.cell(row=5, column=4, value=35)
    sheet.cell(row=5, column=17, value="Uploaded.")
    buffer = BytesIO()
    workbook.save(buffer)
    return Request(f"/results/projects/{CUCUTA}/upload/", {"file": SimpleUploadedFile("r.xlsx", buffer.getvalue())})


def organisation_edit_post(setting: Setting) -> Request:
    url = organisation_url("demo-cucuta", "edit/")()
    return Request(url, {**setting.form(url), "acronym": "AC", "reason": "Acronym"})


def step_save(setting: Setting) -> Request:
    url = f"/projects/{DRAFT}/edit/?step=1"
    return Request(url, {**setting.form(url, "step-form"), "title_en": "A new narrative", "after": "stay"})


def territories_narrow(setting: Setting) -> Request:
    """Without JavaScript: a country chosen and a municipality's name typed, the lists narrowed, nothing saved."""
    url = f"/projects/{DRAFT}/edit/?step=2"
    return Request(url, {**setting.form(url, "step-form"), "locations-0-country": "COL",
                         "locations-0-subdivision": "CO-NSA", "locations-0-municipality_q": "cuc", "after": "narrow"})


def step_check(setting: Setting) -> Request:
    data = setting.form(f"/projects/{DRAFT}/edit/?step=1", "step-form")
    return Request(f"/projects/{DRAFT}/edit/validate/?step=1", {**data, "title_en": "A new narrative"},
                   headers={"HX-Request": "true"})


def basics_save(setting: Setting) -> Request:
    return Request("/projects/new/", {**setting.form("/projects/new/", "step-form"), "title_es": "Nuevo proyecto",
                                      "proposing_organisation": organisation_loaded("gov-col").pk, "after": "stay"})


def basics_check(setting: Setting) -> Request:
    return Request("/projects/new/validate/?step=1", {**setting.form("/projects/new/", "step-form"),
                                                     "title_es": "Nuevo proyecto"}, headers={"HX-Request": "true"})


def restore(setting: Setting) -> Request:
    red = organisation_loaded("demo-red-lima")
    audit.soft_delete(instance=red, user=setting.users["secretariat"])
    return Request(f"/history/reference.organisation/{red.pk}/restore/", {"reason": "By mistake"})


def organisation_approve(setting: Setting) -> Request:
    Organisation.objects.filter(load_key="organisation:demo-red-lima").update(awaiting_approval=True)
    return Request(f"/organisations/{red_lima().pk}/approve/", {"version": red_lima().version})


def password_reset_confirm(setting: Setting) -> Request:
    user = setting.users["focal_col"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return Request(f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/")


def totp_device(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username)


def two_factor_code(setting: Setting) -> Request:
    return Request("/accounts/two-factor/", {"code": totp_now(twofactor.confirmed_totp(setting.users["secretariat"]))})


def enrolment_code(setting: Setting) -> Request:
    device = twofactor.enrolment_device(setting.users["focal_col"])
    return Request("/accounts/two-factor/enrol/", {"code": totp_now(device)})


def token_revoke(setting: Setting) -> Request:
    token, _key = api_token_create(user=setting.users["focal_col"], name="old script")
    return Request(f"/accounts/me/tokens/{token.pk}/revoke/", {})


CASES = [
    # --- Public pages --------------------------------------------------------------------------------------
    # Public pages as the anonymous public gets them (minga.common.page_cache). Cold, the first visitor after a
    # write: the page's own queries, plus 7 of the cache: the generations and the page looked up (2), the page
    # stored (5: SAVEPOINT, the entries counted, the key looked up, INSERT, RELEASE). Warm, every later
    # visitor until the next write: the same 2 lookups and nothing else.
    Case("site:home", "GET", "anonymous", get("/"), 200, 19),  # + the regional totals R4V publishes
    Case("site:home", "GET", "anonymous", get("/"), 200, 2, warm=True, label="warm"),
    Case("site:health", "GET", "anonymous", get("/health/"), 200, 9),  # SELECT 1; the database cache's write (count, cull, read, write) and read; the queue's waiting and running jobs
    Case("reference:country_list", "GET", "anonymous", get("/countries/"), 200, 9),
    Case("reference:country_list", "GET", "anonymous", get("/countries/"), 200, 2, warm=True, label="warm"),
    Case("reference:country_detail", "GET", "anonymous", get("/countries/COL/"), 200, 15),
    Case("reference:country_detail", "GET", "anonymous", get("/countries/COL/"), 200, 2, warm=True, label="warm"),
    # Issue 12: territory pages, local-government profiles and needs, the programme catalogue.
    Case("reference:subdivision_detail", "GET", "anonymous", get("/subdivisions/CO-NSA/"), 200, 23),  # + the services and the trainings given there
    Case("reference:subdivision_detail", "GET", "anonymous", get("/subdivisions/CO-NSA/"), 200, 2, warm=True,
         label="warm"),
    Case("reference:municipality_detail", "GET", "anonymous", get("/municipalities/CO54001/"), 200, 23),
    Case("localgov:profile", "GET", "anonymous", get(lambda: f"/local-governments/{organisation_loaded('demo-cucuta').pk}/"),
         200, 12),
    Case("localgov:need_create", "GET", "local_cucuta",
         get(lambda: f"/local-governments/{organisation_loaded('demo-cucuta').pk}/needs/new/"), 200, 6),
    Case("localgov:need_edit", "GET", "local_cucuta", get(
        lambda: f"/local-governments/needs/{NeedsStatement.objects.get(load_key='need:demo-cucuta:1').pk}/edit/"),
         200, 6),
    Case("programmes:list", "GET", "anonymous", get("/programmes/?country=COL"), 200, 9),
    Case("programmes:detail", "GET", "anonymous", get("/programmes/col-etpv/"), 200, 8),
    Case("programmes:card", "GET", "anonymous", get("/programmes/col-etpv/card.png"), 200, 1),
    Case("programmes:widget", "GET", "anonymous", get("/programmes/widget/?country=COL"), 200, 9),
    Case("programmes:feed_country", "GET", "anonymous", get("/programmes/feeds/country/COL.atom"), 200, 2),
    Case("programmes:feed_theme", "GET", "anonymous", get("/programmes/feeds/theme/regularization.atom"), 200, 1),
    Case("api:need_list", "GET", "anonymous",
         get(lambda: f"/api/v1/local-governments/{organisation_loaded('demo-tulcan').pk}/needs"), 200, 2),
    Case("api:need_create", "POST", "token:local_cucuta", api_send(
        lambda: f"/api/v1/local-governments/{organisation_loaded('demo-cucuta').pk}/needs",
        lambda: {"theme": "education", "description": "Aulas", "estimated_cost": "100", "currency": "USD"},
        "local_cucuta"), 201, 21),
    Case("api:need_update", "PATCH", "token:local_cucuta", api_send(
        lambda: f"/api/v1/needs/{NeedsStatement.objects.get(load_key='need:demo-cucuta:1').pk}",
        lambda: {"version": 1, "status": "funded"}, "local_cucuta"), 200, 23),
    Case("reference:organisation_list", "GET", "anonymous", get("/organisations/"), 200, 11),
    Case("reference:organisation_list", "GET", "anonymous", get("/organisations/"), 200, 2, warm=True,
         label="warm"),
    Case("reference:organisation_detail", "GET", "anonymous", get(organisation_url("demo-cucuta")), 200, 14),
    Case("reference:organisation_detail", "GET", "anonymous", get(organisation_url("demo-cucuta")), 200, 2,
         warm=True, label="warm"),
    Case("reference:taxonomies", "GET", "anonymous", get("/taxonomies/"), 200, 10),
    Case("reference:taxonomies", "GET", "anonymous", get("/taxonomies/"), 200, 2, warm=True, label="warm"),
    Case("finance:conference_list", "GET", "anonymous", get("/conferences/"), 200, 11),
    Case("finance:conference_list", "GET", "anonymous", get("/conferences/"), 200, 2, warm=True, label="warm"),
    # The dashboard asks two answers (fulfilment per donor, per capita per country), read from the totals the
    # writes keep (finance/totals.py): a fixed number of queries whatever the number of records.
    Case("finance:funding_dashboard", "GET", "anonymous", get("/funding/"), 200, 25),  # + the themes a visible flow, then a pledge, names (the theme filter)
    Case("finance:funding_dashboard", "GET", "anonymous", get("/funding/"), 200, 2, warm=True, label="warm"),
    Case("finance:funding_dashboard", "GET", "anonymous", get("/funding/?country=COL&year=2023&purpose=humanitarian"),
         200, 25, label="filtered"),
    Case("finance:funding_csv", "GET", "anonymous", get("/funding/countries.csv"), 200, 30),  # + made-up records
    Case("finance:funding_csv", "GET", "anonymous", get("/funding/donors.csv"), 200, 2, warm=True, label="warm"),
    # The lists of a territories row, narrowed by the unit above and by what is typed (one query each).
    Case("reference:subdivision_options", "GET", "anonymous", get(
        "/territories/subdivisions/?prefix=locations-0&locations-0-country=COL&locations-0-subdivision_q=nor"), 200, 1),
    Case("reference:municipality_options", "GET", "anonymous", get(
        "/territories/municipalities/?subdivision=CO-NSA&municipality_q=c%C3%BAc"), 200, 1),
    Case("process:overview", "GET", "anonymous", get("/process/"), 200, 19),
    Case("process:overview", "GET", "anonymous", get("/process/"), 200, 2, warm=True, label="warm"),
    Case("process:meeting_detail", "GET", "anonymous", get("/process/meetings/lima-2021/"), 200, 9),
    Case("process:document_list", "GET", "anonymous", get("/process/documents/?q=quito"), 200, 11),
    Case("process:document_detail", "GET", "anonymous",
         get("/process/documents/joint-declaration-brussels-2023/"), 200, 10),
    Case("process:roadmap", "GET", "anonymous", get("/process/roadmap/?status=under_way"), 200, 11),
    Case("process:roadmap", "GET", "anonymous", get("/process/roadmap/"), 200, 2, warm=True, label="warm"),
    Case("process:roadmap_csv", "GET", "anonymous", get("/process/roadmap/export.csv"), 200, 1),
    Case("process:roadmap_xlsx", "GET", "anonymous", get("/process/roadmap/export.xlsx"), 200, 1),
    Case("process:roadmap_action", "GET", "anonymous", get(f"/process/roadmap/{CUCUTA_ACTION}/"), 200, 17),
    Case("process:roadmap_timeline", "GET", "anonymous", get("/process/roadmap/timeline/?country=COL"), 200, 11),
    Case("process:roadmap_board", "GET", "anonymous", get("/process/roadmap/board/"), 200, 11),
    Case("process:roadmap_evidence", "GET", "local_cucuta", get(f"/process/roadmap/{CUCUTA_ACTION}/evidence/"),
         200, 8),
    Case("process:roadmap_report", "GET", "anonymous", get("/process/roadmap/report-en.pdf"), 200, 3),
    Case("process:roadmap_progress", "GET", "local_cucuta", get(f"/process/roadmap/{CUCUTA_ACTION}/progress/"),
         200, 8),
    Case("process:roadmap_progress", "POST", "local_cucuta", progress_post, 302, 32,
         done=lambda: ProgressUpdate.objects.filter(note="Counted.").exists()),
    Case("process:roadmap_evidence", "POST", "local_cucuta", evidence_post, 302, 21,
         done=lambda: _evidence_titled("Counted evidence")),
    Case("process:evidence_file", "GET", "anonymous", evidence_file, 200, 1),
    Case("process:roadmap_links", "GET", "secretariat", get(f"/process/roadmap/{CUCUTA_ACTION}/links/"), 200, 10),
    Case("process:roadmap_links", "POST", "secretariat", links_post, 302, 34,
         done=lambda: Service.objects.get(load_key="service:cucuta-espacio-apoyo").pk in _linked_services()),
    Case("capacity:library", "GET", "anonymous", get("/capacity/?language=es"), 200, 8),
    Case("capacity:resource_add", "GET", "secretariat", get("/capacity/resources/new/"), 200, 6),
    Case("capacity:resource_add", "POST", "secretariat", kit_resource_post, 302, 19,
         done=lambda: _resource_titled("Counted module")),
    Case("capacity:resource_file", "GET", "anonymous", kit_resource_file, 200, 1),
    Case("capacity:priorities", "GET", "secretariat", get("/capacity/priorities/?country=COL"), 200, 7),
    Case("capacity:priorities", "POST", "secretariat", kit_priority_post, 302, 19,
         done=lambda: _priority_of("CO05001")),
    Case("capacity:priority_remove", "POST", "secretariat", kit_priority_remove, 302, 18,
         done=lambda: not _priority_of("EC0401")),
    Case("capacity:deliveries", "GET", "anonymous", get("/capacity/deliveries/"), 200, 8),
    Case("capacity:delivery", "GET", "anonymous", kit_delivery_url(), 200, 9),
    Case("capacity:delivery_edit", "GET", "local_cucuta", kit_delivery_url("edit/"), 200, 12),
    Case("capacity:delivery_create", "GET", "local_cucuta", get("/capacity/deliveries/new/"), 200, 10),
    Case("capacity:delivery_create", "POST", "local_cucuta", kit_delivery_post, 302, 22,
         done=lambda: TrainingDelivery.objects.filter(note="Counted training.", police=3).exists()),
    Case("capacity:coverage", "GET", "anonymous", get("/capacity/coverage/"), 200, 11),
    Case("capacity:coverage_csv", "GET", "anonymous", get("/capacity/coverage.csv"), 200, 2),
    Case("capacity:library_csv", "GET", "anonymous", get("/capacity/library.csv?language=es"), 200, 8),
    Case("capacity:deliveries_csv", "GET", "anonymous", get("/capacity/deliveries.csv"), 200, 8),
    Case("services:search", "GET", "anonymous", get("/services/"), 200, 9, label="form"),
    Case("services:search", "GET", "anonymous", get("/services/?lat=0.8117&lon=-77.7173&radius=50&type=shelter"
                                                    "&population=women&free=1"), 200, 10),
    Case("services:detail", "GET", "anonymous", get(lambda: f"/services/{demo_service().pk}/"), 200, 9),
    Case("services:sheet", "GET", "anonymous", get(lambda: f"/services/{demo_service().pk}/sheet/"), 200, 8),
    Case("services:mine", "GET", "local_cucuta", get("/services/mine/"), 200, 5),
    # The service form reads the member states once for its time-zone choices.
    Case("services:create", "GET", "local_cucuta", get("/services/new/"), 200, 9),
    Case("services:create", "POST", "local_cucuta", service_post, 302, 26,
         done=lambda: Service.objects.filter(name_es="Olla comunitaria").exists()),
    Case("services:edit", "GET", "local_cucuta", get(lambda: f"/services/{demo_service('cucuta-espacio-apoyo').pk}/edit/"),
         200, 10),
    # Results by territory: the project's tables (indicators, periods, territories, reports: a fixed number of
    # queries whatever the number of reports), people per subdivision, the report form and locking; the
    # indicator and period forms; the XLSX template, its upload (one new report among six unchanged rows: each
    # written row goes through the report service) and the export.
    Case("results:territory", "GET", "anonymous", get("/results/?country=COL"), 200, 12),
    Case("results:territory", "GET", "anonymous", get("/results/?country=COL"), 200, 2, warm=True, label="warm"),
    Case("results:territory_csv", "GET", "anonymous", get("/results/territory.csv?country=COL"), 200, 12),
    Case("results:project", "GET", "anonymous", get(f"/results/projects/{CUCUTA}/"), 200, 12),
    Case("results:report", "GET", "local_cucuta", get(f"/results/projects/{CUCUTA}/report/"), 200, 10),
    Case("results:report", "POST", "local_cucuta", results_report_post, 302, 35, done=results_reported),
    Case("results:period_lock", "POST", "secretariat", results_lock_post, 302, 22, done=results_locked),
    Case("results:indicator_create", "GET", "local_cucuta", get(f"/results/projects/{CUCUTA}/indicators/new/"), 200, 6),
    Case("results:indicator_create", "POST", "local_cucuta", results_indicator_post, 302, 18,
         done=lambda: Indicator.objects.filter(name_en="Counted indicator").exists()),
    Case("results:indicator_edit", "GET", "local_cucuta", get(lambda: f"/results/indicators/{children().pk}/edit/"),
         200, 6),
    Case("results:indicator_edit", "POST", "local_cucuta", results_indicator_edit_post, 302, 20,
         done=lambda: children().target == 3001),
    Case("results:period_create", "GET", "local_cucuta", get(f"/results/projects/{CUCUTA}/periods/new/"), 200, 6),
    Case("results:period_create", "POST", "local_cucuta", lambda s: Request(
        f"/results/projects/{CUCUTA}/periods/new/", {"frequency": "quarterly", "year": "2026", "number": "4"}), 302, 23,
         done=lambda: ReportingPeriod.objects.filter(project__code=CUCUTA, number=4).exists()),
    Case("results:template", "GET", "local_cucuta", get(f"/results/projects/{CUCUTA}/template.xlsx"), 200, 9),
    Case("results:upload", "GET", "local_cucuta", get(f"/results/projects/{CUCUTA}/upload/"), 200, 5),
    Case("results:upload", "POST", "local_cucuta", results_upload_post, 302, 38,
         done=lambda: ResultReport.objects.filter(note="Uploaded.", value=35).exists()),
    Case("results:export", "GET", "anonymous", get(f"/results/projects/{CUCUTA}/results.xlsx"), 200, 5),
    Case("narrative:glossary", "GET", "anonymous", get("/language/guide/?language=es&category=metaphor"), 200, 1),
    Case("narrative:guide_print", "GET", "anonymous", get("/language/guide/pt/print/"), 200, 1),
    Case("narrative:guide_pdf", "GET", "anonymous", get("/language/guide/en/guide.pdf"), 200, 1),
    Case("narrative:check", "GET", "anonymous", get("/language/check/"), 200, 0, label="form"),
    # The first check compiles the guide of its language (the entries with their sources); later ones only ask
    # whether the guide changed since.
    Case("narrative:check", "POST", "anonymous", lambda s: Request(
        "/language/check/", {"text": "Una oleada de venezolanos llegó.", "language": "auto"}), 200, 2),
    Case("narrative:check", "POST", "anonymous", lambda s: Request(
        "/language/check/", {"text": "Una oleada de venezolanos llegó.", "language": "es"}), 200, 1, warm=True,
        label="warm"),
    Case("finance:my_funding", "GET", "donor_can", get("/mine/"), 200, 7),
    Case("finance:conference_funding", "GET", "anonymous", get("/funding/conferences/brussels-2023/"), 200, 32),
    Case("finance:conference_funding", "GET", "anonymous", get("/funding/conferences/brussels-2023/"), 200, 2,
         warm=True, label="warm"),
    Case("finance:conference_report", "GET", "anonymous",
         get("/funding/conferences/brussels-2023/report.xlsx?language=en"), 200, 44),
    Case("finance:donor_funding", "GET", "anonymous",
         get(lambda: f"/funding/donors/{organisation_loaded('gov-can').pk}/"), 200, 51),  # + question 6's list: 11
    # + the subdivisions' population figures in force (per person by subdivision)
    Case("finance:country_funding", "GET", "anonymous", get("/funding/countries/COL/"), 200, 34),
    Case("finance:funding_records", "GET", "anonymous",
         get("/funding/records/?conference=brussels-2023&measure=disbursed"), 200, 17),  # parses the dashboard's filters: + the themes offered
    Case("finance:pledge_detail", "GET", "anonymous", get(public_pledge_url), 200, 13),
    Case("finance:flow_detail", "GET", "anonymous", get(public_flow_url), 200, 10),  # + the disbursements against it
    Case("finance:pledge_transition", "POST", "donor_can", pledge_report, 302, 35,
         done=lambda: demo_status("TrackedPledge", "tracked-pledge:can-2023") == "reported"),
    Case("finance:flow_transition", "POST", "donor_can", flow_report, 302, 39,
         done=lambda: demo_status("FundingFlow", "flow:can-1") == "reported"),
    Case("finance:pledge_new", "GET", "donor_can", get("/pledges/new/"), 200, 12),
    Case("finance:pledge_edit", "GET", "donor_can", get(lambda: f"/pledges/{demo_pledge().pk}/edit/"), 200, 19),
    Case("finance:flow_new", "GET", "donor_can", get("/flows/new/"), 200, 11),  # + the commitments offered
    Case("finance:flow_edit", "GET", "donor_can", get(lambda: f"/flows/{demo_flow().pk}/edit/"), 200,
         14),  # + the commitments offered
    # Cold, the catalogue's names are also read and kept in the shared cache (6 of its queries).
    Case("portfolio:catalogue", "GET", "anonymous", get("/projects/"), 200, 29),
    Case("portfolio:catalogue", "GET", "anonymous", get("/projects/?q=centros"), 200, 2, warm=True, label="warm"),
    # Signed in: never from the page cache; the catalogue's names are (get and set in the shared cache).
    Case("portfolio:catalogue", "GET", "secretariat", get("/projects/?country=COL&sort=gap_desc"), 200, 26,
         label="filtered"),
    # A number out of bounds is refused before any data is read (issue 8, finding 1): only the page cache looked.
    Case("portfolio:catalogue", "GET", "anonymous", get("/projects/?gap_min=1e999999"), 400, 2,
         label="number out of bounds"),
    Case("portfolio:project_detail", "GET", "anonymous", get(f"/projects/{CUCUTA}/"), 200, 19),  # no contacts read
    Case("portfolio:project_detail", "GET", "anonymous", get(f"/projects/{CUCUTA}/"), 200, 2, warm=True,
         label="warm"),
    Case("portfolio:project_detail", "GET", "secretariat", get(f"/projects/{CUCUTA}/"), 200, 17),
    Case("portfolio:document_download", "GET", "anonymous", document_download, 200, 2),
    Case("exchange:project_export", "GET", "anonymous", get("/projects/export.xlsx"), 200, 12, label="xlsx"),
    Case("exchange:project_export", "GET", "anonymous", get("/projects/export.csv"), 200, 8, label="csv"),
    # The IATI file holds real projects only: the demo's Cúcuta project taken as real (issue 9); it has no
    # funding, so the funders' read of the three demo projects is not made (16 then); one read of the flows that fund
    # the projects (their transactions).
    Case("exchange:project_export", "GET", "anonymous", real_then(CUCUTA, "/projects/export.iati"), 200, 15,
         label="iati"),
    # One project's own downloads, from its page (issue 9): its access, then the export of that one project.
    Case("exchange:project_download", "GET", "anonymous", get(f"/projects/{CUCUTA}/export.xlsx"), 200, 12,
         label="xlsx"),
    Case("exchange:project_download", "GET", "anonymous", real_then(CUCUTA, f"/projects/{CUCUTA}/export.iati"), 200,
         16, label="iati"),
    Case("exchange:project_download", "GET", "anonymous", get(f"/projects/{CUCUTA}/export.iati"), 404, 2,
         label="iati of an illustrative project"),
    Case("set_language", "POST", "anonymous", lambda s: Request("/i18n/setlang/", {"language": "en", "next": "/"}),
         302, 0),
    # --- Signing in and one's account -----------------------------------------------------------------------
    Case("accounts:login", "GET", "anonymous", get("/accounts/login/"), 200, 0),
    Case("accounts:login", "POST", "anonymous", lambda s: Request("/accounts/login/", {
        "username": "focal.col", "password": "minga-demo-2026"}), 302, 14),
    Case("accounts:logout", "POST", "focal_col", lambda s: Request("/accounts/logout/", {}), 302, 7),
    Case("accounts:password_reset", "GET", "anonymous", get("/accounts/password-reset/"), 200, 0),
    Case("accounts:password_reset", "POST", "anonymous", lambda s: Request(
        "/accounts/password-reset/", {"email": "focal.col@demo.minga.localhost"}), 302, 1),
    Case("accounts:password_reset_done", "GET", "anonymous", get("/accounts/password-reset/sent/"), 200, 0),
    Case("accounts:password_reset_confirm", "GET", "anonymous", password_reset_confirm, 302, 5),
    Case("accounts:password_reset_complete", "GET", "anonymous", get("/accounts/reset/done/"), 200, 0),
    Case("accounts:me", "GET", "focal_col", get("/accounts/me/"), 200, 6),
    Case("accounts:token_create", "POST", "focal_col", lambda s: Request("/accounts/me/tokens/", {"name": "script"}),
         302, 9, done=lambda: ApiToken.objects.filter(name="script").exists()),
    Case("accounts:token_revoke", "POST", "focal_col", token_revoke, 302, 5,
         done=lambda: ApiToken.objects.get(name="old script").revoked_at is not None),
    # Two-factor authentication: "pending:" signed in with the password, the app's code not given yet.
    Case("accounts:two_factor_verify", "GET", "pending:secretariat", get("/accounts/two-factor/"), 200, 4),
    Case("accounts:two_factor_verify", "POST", "pending:secretariat", two_factor_code, 302, 16,
         done=lambda: totp_device("secretaria").last_t > -1),
    Case("accounts:two_factor_enrol", "GET", "focal_col", get("/accounts/two-factor/enrol/"), 200, 6),
    Case("accounts:two_factor_enrol", "POST", "focal_col", enrolment_code, 302, 25,
         done=lambda: totp_device("focal.col").confirmed),
    Case("accounts:two_factor_recovery", "GET", "secretariat", get("/accounts/two-factor/recovery-codes/"), 200, 5),
    Case("accounts:two_factor_recovery", "POST", "secretariat", lambda s: Request(
        "/accounts/two-factor/recovery-codes/", {}), 302, 11,
         done=lambda: StaticToken.objects.filter(device__user__username="secretaria").count() == 10),
    # --- Reference records: forms of the secretariat and focal points -------------------------------------------
    Case("reference:organisation_create", "GET", "secretariat", get("/organisations/new/"), 200, 8),
    Case("reference:organisation_edit", "GET", "secretariat", get(organisation_url("demo-cucuta", "edit/")), 200, 10),
    Case("reference:organisation_edit", "POST", "secretariat", organisation_edit_post, 302, 30,
         done=lambda: organisation_loaded("demo-cucuta").acronym == "AC"),
    Case("reference:organisation_approve", "POST", "secretariat", organisation_approve, 302, 20,
         done=lambda: not red_lima().awaiting_approval),
    Case("reference:figure_create", "GET", "focal_col", get("/figures/new/?country=COL"), 200, 6),
    Case("reference:figure_edit", "GET", "secretariat", lambda s: Request(f"/figures/{figure().pk}/edit/"), 200, 9),
    Case("reference:figure_publish", "POST", "secretariat", lambda s: Request(
        f"/figures/{figure().pk}/publish/", {"published": "0", "version": figure().version}), 302, 22,
         done=lambda: not figure().is_published),
    # --- History, delete, restore ------------------------------------------------------------------------------
    Case("audit:history", "GET", "secretariat",
         lambda s: Request(f"/history/portfolio.project/{project(CUCUTA).pk}/"), 200, 6),
    Case("audit:delete", "POST", "secretariat", lambda s: Request(
        f"/history/reference.organisation/{organisation_loaded('demo-red-lima').pk}/delete/",
        {"reason": "Duplicate"}), 302, 15, done=lambda: red_lima().deleted_at is not None),
    Case("audit:restore", "POST", "secretariat", restore, 302, 19, done=lambda: red_lima().deleted_at is None),
    # --- Submission and review ------------------------------------------------------------------------------------
    # Constant in the number of drafts: their parts are read for all of them at once to say what each lacks
    # (tests/test_query_constancy.py checks one draft against four).
    Case("portfolio:my_projects", "GET", "focal_col", get("/projects/mine/"), 200, 14),
    # A donor officer's: what their organisation funds and the published projects that match (issue 9).
    Case("portfolio:my_projects", "GET", "donor_can", get("/projects/mine/"), 200, 16, label="donor"),  # question 6: 11 (was 7)
    Case("portfolio:project_create", "GET", "focal_col", get("/projects/new/"), 200, 6),
    Case("portfolio:project_create", "POST", "focal_col", basics_save, 302, 19,  # a draft: no cache bump (was 24)
         done=lambda: Project.objects.filter(title_es="Nuevo proyecto").exists()),
    Case("portfolio:project_validate", "POST", "focal_col", basics_check, 200, 5),
    Case("portfolio:project_edit", "GET", "focal_col", get(f"/projects/{DRAFT}/edit/?step=1"), 200, 6, label="step 1"),
    Case("portfolio:project_edit", "POST", "focal_col", step_save, 302, 29, label="step 1",  # a draft: no cache bump
         done=lambda: project(DRAFT).title_en == "A new narrative"),
    # The territories step: the member states are read once for all rows, each row's lists once per unit named.
    Case("portfolio:project_edit", "GET", "focal_col", get(f"/projects/{DRAFT}/edit/?step=2"), 200, 6,
         label="territories step"),
    Case("portfolio:project_edit", "POST", "focal_col", territories_narrow, 200, 10, label="territories narrowed",
         done=lambda: not project(DRAFT).locations.exists()),
    Case("portfolio:project_edit", "GET", "focal_col", get(f"/projects/{DRAFT}/edit/?step=5"), 200, 8,
         label="money step"),
    Case("portfolio:project_edit", "GET", "focal_col", get(f"/projects/{DRAFT}/edit/?step=7"), 200, 15,
         label="documents step"),
    Case("portfolio:project_edit_validate", "POST", "focal_col", step_check, 200, 14),
    Case("portfolio:document_upload", "POST", "focal_col", lambda s: Request(
        f"/projects/{DRAFT}/documents/", {"kind": "proposal", "file": SimpleUploadedFile("propuesta.pdf", PDF)}),
         302, 9, done=lambda: project(DRAFT).documents.exists()),
    Case("portfolio:review_queue", "GET", "secretariat", get("/projects/review/"), 200, 6),
    Case("portfolio:project_transition", "POST", "secretariat", lambda s: Request(
        f"/projects/{RORAIMA}/transition/", {"to_status": "published", "version": project(RORAIMA).version,
                                             "comment": "Approved"}), 302, 24,
         done=lambda: project(RORAIMA).status == "published"),
    Case("portfolio:project_transition_confirm", "GET", "secretariat",
         get(f"/projects/{RORAIMA}/transition/published/"), 200, 5),
    Case("portfolio:bulk_template", "GET", "focal_col", get("/projects/bulk/template.xlsx"), 200, 12),
    Case("portfolio:bulk_upload", "GET", "focal_col", get("/projects/bulk/"), 200, 3),
    Case("exchange:hxl_import", "GET", "secretariat", get("/projects/import/hxl/"), 200, 4),
    Case("exchange:iati_import", "GET", "secretariat", get("/projects/import/iati/"), 200, 5),
    Case("exchange:iati_import", "POST", "secretariat", lambda s: Request(
        "/projects/import/iati/", {"activities": SimpleUploadedFile("a.xml", b"<iati-activities/>")}), 302, 10,
         done=lambda: ImportRun.objects.filter(state="queued").exists()),
    Case("exchange:iati_import_run", "GET", "secretariat", lambda s: Request(import_run_url()), 200, 5),
    Case("exchange:iati_import_run", "GET", "secretariat", lambda s: Request(
        import_run_url(), headers={"HX-Request": "true"}), 200, 5, label="progress polled by htmx"),
    Case("exchange:fts_import", "GET", "secretariat", get("/projects/import/fts/"), 200, 5),
    Case("exchange:fts_import", "POST", "secretariat", lambda s: Request(
        "/projects/import/fts/", {"file": SimpleUploadedFile("a.json", b'{"data": {"flows": []}}')}), 302, 10,
         done=lambda: ImportRun.objects.filter(kind="fts", state="queued").exists()),
    Case("exchange:fts_import_run", "GET", "secretariat", lambda s: Request(fts_import_run_url()), 200, 5),
    Case("exchange:fts_import_run", "GET", "secretariat", lambda s: Request(
        fts_import_run_url(), headers={"HX-Request": "true"}), 200, 5, label="progress polled by htmx"),
    # --- The API: its documentation, then every operation -------------------------------------------------------
    Case("api:api-root", "GET", "anonymous", get("/api/v1/"), 404, 0),  # django-ninja's root: always 404
    Case("api:openapi-json", "GET", "anonymous", get("/api/v1/openapi.json"), 200, 0),
    # An address no route matches (an id that is no number): the API's JSON 404, no query.
    Case("api:unknown_address", "GET", "anonymous", get("/api/v1/organisations/abc"), 404, 0),
    Case("api:openapi-view", "GET", "anonymous", get("/api/v1/docs"), 200, 0),
    Case("api:country_list", "GET", "anonymous", api_get("/api/v1/countries"), 200, 1),
    Case("api:country_detail", "GET", "anonymous", api_get("/api/v1/countries/COL"), 200, 2),
    Case("api:subdivision_list", "GET", "anonymous", api_get("/api/v1/subdivisions?country=COL"), 200, 1),
    Case("api:organisation_list", "GET", "anonymous", api_get("/api/v1/organisations"), 200, 2),
    Case("api:organisation_detail", "GET", "anonymous",
         get(lambda: f"/api/v1/organisations/{organisation_loaded('demo-cucuta').pk}"), 200, 2),
    Case("api:organisation_create", "POST", "token:secretariat", api_send("/api/v1/organisations", lambda: {
        "name": "Fundación de prueba", "organisation_type": "22", "country": "COL"}, "secretariat"), 201, 15),
    Case("api:organisation_update", "PATCH", "token:secretariat", api_send(
        lambda: f"/api/v1/organisations/{organisation_loaded('demo-cucuta').pk}", lambda: {
            "version": organisation_loaded("demo-cucuta").version, "acronym": "AC"}, "secretariat"), 200, 24),
    Case("api:vocabulary_list", "GET", "anonymous", api_get("/api/v1/vocabularies"), 200, 1),
    Case("api:term_list", "GET", "anonymous", api_get("/api/v1/vocabularies/quito-axes/terms"), 200, 2),
    Case("api:marker_list", "GET", "anonymous", api_get("/api/v1/markers"), 200, 1),
    Case("api:population_figure_list", "GET", "anonymous", api_get("/api/v1/population-figures"), 200, 1),
    Case("api:me", "GET", "token:focal_col", api_get("/api/v1/me", "focal_col"), 200, 3),
    Case("api:conference_list", "GET", "anonymous", api_get("/api/v1/conferences"), 200, 4),
    Case("api:meeting_list", "GET", "anonymous", api_get("/api/v1/process/meetings"), 200, 2),
    Case("api:document_list", "GET", "anonymous", api_get("/api/v1/process/documents?kind=road_map"), 200, 2),
    Case("api:coverage", "GET", "anonymous", api_get("/api/v1/capacity/coverage"), 200, 2),
    Case("api:project_results", "GET", "anonymous", api_get(f"/api/v1/results/projects/{CUCUTA}"), 200, 6),
    Case("api:country_results", "GET", "anonymous", api_get("/api/v1/results/countries/COL"), 200, 5),
    Case("api:check", "POST", "anonymous", lambda s: Request(
        "/api/v1/narrative/check", {"text": "An illegal immigrant.", "language": "en"}, json=True), 200, 2),
    # by country and donor: read from the kept totals (as the dashboard), no longer from every flow
    Case("api:funding_report", "GET", "anonymous", api_get("/api/v1/funding?by=country"), 200, 4),
    Case("api:funding_report", "GET", "anonymous", api_get("/api/v1/funding?by=donor&year=2023"), 200, 3),
    Case("api:service_list", "GET", "anonymous", api_get("/api/v1/services?place=COL"), 200, 1),
    Case("api:service_detail", "GET", "anonymous", lambda s: Request(
        f"/api/v1/services/{demo_service().pk}"), 200, 1),
    Case("api:service_create", "POST", "token:local_cucuta", api_send("/api/v1/services", new_service, "local_cucuta"),
         201, 29),
    Case("api:service_update", "PUT", "token:local_cucuta", api_send(
        lambda: f"/api/v1/services/{demo_service('cucuta-espacio-apoyo').pk}",
        lambda: {**new_service(), "version": 1}, "local_cucuta"), 200, 33),
    # The public's answer is kept as a public page is (+ 7 cold, 2 warm); a token caller's never.
    Case("api:project_list", "GET", "anonymous", api_get("/api/v1/projects"), 200, 18),
    Case("api:project_list", "GET", "anonymous", api_get("/api/v1/projects"), 200, 2, warm=True, label="warm"),
    Case("api:project_list", "GET", "token:secretariat", api_get("/api/v1/projects", "secretariat"), 200, 14),
    Case("api:project_detail", "GET", "anonymous", api_get(f"/api/v1/projects/{CUCUTA}"), 200, 10),
    Case("api:project_detail", "GET", "token:secretariat", api_get(f"/api/v1/projects/{CUCUTA}", "secretariat"),
         200, 13),
    Case("api:project_create", "POST", "token:focal_col", api_send("/api/v1/projects", new_project, "focal_col"),
         201, 51),  # a draft: no cache bump (was 56)
    Case("api:project_update", "PATCH", "token:focal_col", api_send(f"/api/v1/projects/{DRAFT}", lambda: {
        "version": project(DRAFT).version, "title_en": "A new narrative",
        "locations": [{"country": "COL", "percentage": 100}]}, "focal_col"), 200, 46),  # a draft: no cache bump
    Case("api:project_transition", "POST", "token:secretariat", api_send(
        f"/api/v1/projects/{RORAIMA}/transitions", lambda: {
            "to_status": "published", "version": project(RORAIMA).version, "comment": "Approved"}, "secretariat"),
         200, 42),
]


def forget_what_is_cached() -> None:
    """Each count is a first visitor's after a write: nothing left over from an earlier request or test, only
    the generations of the data (minga.common.cache), which every write leaves behind."""
    cache.clear()
    generations(DOMAINS)
    ContentType.objects.clear_cache()
    INDEX.forget()
    narrative.forget_compiled()


def send(client, case: Case, request: Request):
    method = case.method.lower()
    headers = dict(request.headers)
    if request.json:
        return getattr(client, method)(request.url, data=json.dumps(request.data), content_type="application/json",
                                       headers=headers)
    if method == "get":
        return client.get(request.url, headers=headers)
    return getattr(client, method)(request.url, request.data or {}, headers=headers)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MINGA_IMPORT_DIR = tmp_path / "imports"
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_query_count(case, client_as, users, media, django_assert_num_queries):
    role = case.caller.removeprefix("token:").removeprefix("pending:")
    client = client_as(None if role == "anonymous" or case.caller.startswith("token:") else users[role],
                       verified=not case.caller.startswith("pending:"))
    request = case.request(Setting(users=users, client=client))
    match = resolve(request.url.split("?")[0])
    # The API's operations on one path share one route: the first one's name is what resolve() answers.
    assert match.view_name == case.name or (case.name.startswith("api:") and match.route == ROUTES[case.name]), (
        f"{request.url} is not {case.name}")
    forget_what_is_cached()
    if case.warm:
        assert send(client, case, request).status_code == case.status
    with django_assert_num_queries(case.queries):
        response = send(client, case, request)
    assert response.status_code == case.status, response.content[:500]
    assert case.done is None or case.done(), "the write was not made"


# --- Every URL pattern and API operation has its case -----------------------------------------------------------


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            if pattern.namespace not in EXCLUDED_NAMESPACES:
                yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, (namespace, pattern.name))) if pattern.name else None
            yield name, prefix + str(pattern.pattern)


PATTERNS = list(_patterns(get_resolver().url_patterns))
ROUTES = dict(PATTERNS)


def _openapi_path(route: str) -> str:
    """api/v1/organisations/<int:organisation_id> → /api/v1/organisations/{organisation_id}"""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_url_pattern_has_a_query_count():
    assert [route for name, route in PATTERNS if name is None] == [], "a case names the pattern it measures"
    assert len(ROUTES) == len(PATTERNS), "two patterns with one name"
    assert sorted(set(ROUTES) - {case.name for case in CASES}) == []
    assert sorted({case.name for case in CASES} - set(ROUTES)) == []


def test_every_api_operation_has_a_query_count():
    operations = {(method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items()
                  for method in item}
    covered = {(case.method, _openapi_path(ROUTES[case.name])) for case in CASES if case.name.startswith("api:")}
    assert sorted(operations - covered) == []
