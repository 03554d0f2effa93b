"""THE access matrix (issue 15, item 1): what every role gets from every page, API operation and ``minga``
command, for an object inside and one outside the role's scope. One row per request, one column per role:

    anonymous | focal_col (country focal point, Colombia) | local_cucuta (local-government officer, Alcaldía de
    Cúcuta: COL, Norte de Santander) | donor_can (donor officer, Government of Canada and its units) |
    observer | secretariat (signed in with its second factor)

Outcomes: an HTTP status (200, 201, 302 a write's redirect, 400, 401 no or bad token, 403 seen but refused,
404 not found or not visible), ``LOGIN`` (302 to the sign-in page), ``TWO_FACTOR`` (302 to the two-factor
page); for commands ``DONE``, ``REFUSED`` (stopped with an error, nothing stored) or ``OPERATOR``.

Rows named ``counted("METHOD name label", …)`` send the request of that case of tests/test_query_counts.py
(the object it names, built as its caller there); ``page``/``api`` rows send their own, mostly an object
outside the scoped roles' scope. API rows send each role's bearer token (none for the public).
``tests/access/test_access_matrix.py`` fails for a URL pattern, API operation or command without a row here.

Commands marked ``OPERATOR`` act as no user: whoever runs them already holds the server (its database and
settings), so there is no one to refuse; the test checks that they take no ``--as-user``/``--user`` (one that
starts to must get rows with outcomes per role). Commands that act as a user take the role's account; for them
"anonymous" means run without naming one.
"""

from minga.process.models import RoadmapAction
from minga.reference.models import PopulationFigure
from tests.access.matrix import (
    DONE,
    LOGIN,
    OPERATOR,
    REFUSED,
    TWO_FACTOR,
    api,
    command,
    counted,
    draft_export,
    hxl_figures_import,
    municipalities_import,
    page,
    territories_import,
)
from tests.codes import YEAR
from tests.test_query_counts import (
    DRAFT,
    RORAIMA,
    Request,
    api_send,
    demo_service,
    get,
    new_service,
    organisation_url,
    project,
)

LIMA = f"PQ-PER-{YEAR}-0001"  # published, proposed by the Government of Peru
assert TWO_FACTOR  # pages of the two-factor sign-in name it in their rows


def need_url(key: str, suffix: str = "") -> str:
    """The first need of the local government ``key``."""
    from minga.localgov.models import NeedsStatement

    need = NeedsStatement.objects.filter(organisation__load_key=f"organisation:{key}").order_by("pk").first()
    return f"/local-governments/needs/{need.pk}/{suffix}"


def tracked_pledge_url(key: str, suffix: str = "", *, draft: bool = False) -> str:
    from minga.finance.tracking import TrackedPledge

    if draft:  # taken back to a draft, as its officer would correct it
        TrackedPledge.all_objects.filter(load_key=f"tracked-pledge:{key}").update(status="draft", is_public=False)
    return f"/pledges/{TrackedPledge.all_objects.get(load_key=f'tracked-pledge:{key}').pk}/{suffix}"


def col_figure() -> PopulationFigure:
    return PopulationFigure.objects.filter(country_id="COL").order_by("pk").first()


def per_figure() -> PopulationFigure:
    return PopulationFigure.objects.filter(country_id="PER", subdivision__isnull=True).order_by("pk").first()


def action(code: str) -> RoadmapAction:
    return RoadmapAction.objects.get(code=code)


GAC_ACTION = "demo-media-training-canada"  # led by Global Affairs Canada


ROWS = [
    # anonymous, focal_col, local_cucuta, donor_can, observer, secretariat
    # --- The requests of tests/test_query_counts.py: mostly objects inside the scoped roles' scope ---------------
    counted("GET site:home", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET site:health", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:country_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:country_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:subdivision_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:municipality_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET localgov:profile", "Cúcuta's local government", 200, 200, 200, 200, 200, 200),
    counted("GET localgov:need_create", "Cúcuta's local government (the officer's own)", LOGIN, 403, 200, 403, 403, 200),
    counted("GET localgov:need_edit", "a need of Cúcuta (the officer's own)", LOGIN, 403, 200, 403, 403, 200),
    counted("GET programmes:list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET programmes:detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET programmes:card", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET programmes:widget", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET programmes:feed_country", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET programmes:feed_theme", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:need_list", "Tulcán's needs (public)", 200, 200, 200, 200, 200, 200),
    counted("POST api:need_create", "a need of Cúcuta (the officer's own)", 401, 403, 201, 403, 403, 201),
    counted("PATCH api:need_update", "a need of Cúcuta (the officer's own)", 401, 403, 200, 403, 403, 200),
    counted("GET reference:organisation_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:organisation_detail", "Alcaldía de Cúcuta", 200, 200, 200, 200, 200, 200),
    counted("GET reference:taxonomies", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:conference_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:funding_dashboard", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:funding_dashboard filtered", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:funding_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:subdivision_options", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET reference:municipality_options", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:overview", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:meeting_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:document_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:document_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_xlsx", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_action", "action led by Cúcuta (public)", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_timeline", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_board", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_evidence", "action led by Cúcuta", LOGIN, 403, 200, 403, 403, 200),
    counted("GET process:roadmap_report", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_progress", "action led by Cúcuta", LOGIN, 403, 200, 403, 403, 200),
    counted("POST process:roadmap_progress", "action led by Cúcuta", LOGIN, 403, 302, 403, 403, 302),
    counted("GET capacity:library", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:deliveries", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:delivery", "training in Cúcuta (public)", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:delivery_edit", "training in Cúcuta", LOGIN, 403, 200, 403, 403, 200),
    counted("GET capacity:delivery_create", "no object", LOGIN, 403, 200, 403, 403, 200),
    counted("POST capacity:delivery_create", "training in Cúcuta", LOGIN, 403, 302, 403, 403, 302),
    counted("GET capacity:coverage", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:coverage_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:library_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:deliveries_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET services:search form", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET services:search", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET services:detail", "Tulcán shelter (public)", 200, 200, 200, 200, 200, 200),
    counted("GET services:sheet", "Tulcán shelter (public)", 200, 200, 200, 200, 200, 200),
    counted("GET services:mine", "no object", LOGIN, 200, 200, 200, 200, 200),
    counted("GET services:create", "no object", LOGIN, 403, 200, 200, 403, 200),
    counted("POST services:create", "service in Cúcuta by its Alcaldía", LOGIN, 403, 302, 403, 403, 302),
    counted("GET services:edit", "service of Cúcuta's Alcaldía", LOGIN, 403, 200, 403, 403, 200),
    counted("GET results:territory", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET results:territory_csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET results:project", "published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("GET results:report", "published Cúcuta project (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST results:report", "published Cúcuta project (COL)", LOGIN, 302, 302, 403, 403, 302),
    counted("POST results:period_lock", "period of the Cúcuta project", LOGIN, 403, 403, 403, 403, 302),
    counted("GET narrative:glossary", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET narrative:guide_print", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET narrative:guide_pdf", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET narrative:check form", "no object", 200, 200, 200, 200, 200, 200),
    counted("POST narrative:check", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:my_funding", "no object", LOGIN, 200, 200, 200, 200, 200),
    counted("GET finance:conference_funding", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:conference_report", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:donor_funding", "Government of Canada (public)", 200, 200, 200, 200, 200, 200),
    counted("GET finance:country_funding", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:funding_records", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET finance:pledge_detail", "a public tracked pledge", 200, 200, 200, 200, 200, 200),
    counted("GET finance:flow_detail", "a public flow", 200, 200, 200, 200, 200, 200),
    counted("POST finance:pledge_transition", "Canada's pledge, a draft", LOGIN, 404, 404, 302, 403, 302),
    counted("POST finance:flow_transition", "Canada's flow, a draft", LOGIN, 404, 404, 302, 403, 302),
    counted("GET finance:pledge_new", "no object", LOGIN, 403, 403, 200, 403, 200),
    counted("GET finance:pledge_edit", "Canada's pledge, a draft", LOGIN, 404, 404, 200, 403, 200),
    counted("GET finance:flow_new", "no object", LOGIN, 403, 403, 200, 403, 200),
    counted("GET finance:flow_edit", "Canada's flow, a draft", LOGIN, 404, 404, 200, 403, 200),
    counted("GET portfolio:catalogue", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET portfolio:catalogue filtered", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET portfolio:catalogue number out of bounds", "no object", 400, 400, 400, 400, 400, 400),
    counted("GET portfolio:project_detail", "published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("GET portfolio:document_download", "document of the published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_export xlsx", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_export csv", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_export iati", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_download xlsx", "published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_download iati", "published Cúcuta project, taken as real", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:project_download iati of an illustrative project", "published Cúcuta project, illustrative", 404, 404, 404, 404, 404, 404),
    counted("POST set_language", "no object", 302, 302, 302, 302, 302, 302),
    counted("GET accounts:login", "no object", 200, 302, 302, 302, 302, 302),
    counted("POST accounts:login", "focal.col's password", 302, 302, 302, 302, 302, 302),
    counted("POST accounts:logout", "no object", 302, 302, 302, 302, 302, 302),
    counted("GET accounts:password_reset", "no object", 200, 200, 200, 200, 200, 200),
    counted("POST accounts:password_reset", "no object", 302, 302, 302, 302, 302, 302),
    counted("GET accounts:password_reset_done", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET accounts:password_reset_confirm", "focal.col's reset link", 302, 302, 302, 302, 302, 302),
    counted("GET accounts:password_reset_complete", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET accounts:me", "no object", LOGIN, 200, 200, 200, 200, 200),
    counted("POST accounts:token_create", "no object", LOGIN, 302, 302, 302, 302, 302),
    counted("POST accounts:token_revoke", "a token of focal.col", LOGIN, 302, 404, 404, 404, 404),
    counted("GET accounts:two_factor_verify", "no object", LOGIN, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, 302),
    counted("POST accounts:two_factor_verify", "no object", LOGIN, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, 302),
    counted("GET accounts:two_factor_enrol", "no object", LOGIN, 200, 200, 200, 200, 200),
    counted("POST accounts:two_factor_enrol", "focal.col's new app, its code", LOGIN, 302, 400, 400, 400, 400),
    counted("GET accounts:two_factor_recovery", "no object", LOGIN, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, 200),
    counted("POST accounts:two_factor_recovery", "no object", LOGIN, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, TWO_FACTOR, 302),
    counted("GET reference:organisation_create", "no object", LOGIN, 200, 200, 200, 403, 200),
    counted("GET reference:organisation_edit", "Alcaldía de Cúcuta (COL, NSA)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST reference:organisation_edit", "Alcaldía de Cúcuta (COL, NSA)", LOGIN, 302, 302, 403, 403, 302),
    counted("POST reference:organisation_approve", "Red Lima (PER) awaiting approval", LOGIN, 403, 403, 403, 403, 302),
    counted("GET reference:figure_create", "a figure of Colombia", LOGIN, 200, 200, 403, 403, 200),
    counted("GET reference:figure_edit", "a figure of Colombia", LOGIN, 200, 403, 403, 403, 200),
    counted("POST reference:figure_publish", "a figure of Colombia", LOGIN, 403, 403, 403, 403, 302),
    counted("GET audit:history", "published Cúcuta project", 403, 200, 200, 403, 200, 200),
    counted("POST audit:delete", "Red Lima (PER)", LOGIN, 403, 403, 403, 403, 302),
    counted("POST audit:restore", "Red Lima (PER), deleted", LOGIN, 404, 404, 404, 404, 302),
    counted("GET portfolio:my_projects", "no object", LOGIN, 200, 200, 200, 200, 200),
    counted("GET portfolio:my_projects donor", "Canada's funded projects", LOGIN, 200, 200, 200, 200, 200),
    counted("GET portfolio:project_create", "no object", LOGIN, 200, 200, 403, 403, 200),
    counted("POST portfolio:project_create", "new project of gov-col (COL)", LOGIN, 302, 200, 403, 403, 302),
    counted("POST portfolio:project_validate", "new project of gov-col (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("GET portfolio:project_edit step 1", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("POST portfolio:project_edit step 1", "draft of gov-col (COL)", LOGIN, 302, 404, 404, 403, 302),
    counted("GET portfolio:project_edit territories step", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("POST portfolio:project_edit territories narrowed", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("GET portfolio:project_edit money step", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("GET portfolio:project_edit documents step", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("POST portfolio:project_edit_validate", "draft of gov-col (COL)", LOGIN, 200, 404, 404, 403, 200),
    counted("POST portfolio:document_upload", "draft of gov-col (COL)", LOGIN, 302, 404, 404, 403, 302),
    counted("GET portfolio:review_queue", "no object", LOGIN, 403, 403, 403, 403, 200),
    counted("POST portfolio:project_transition", "Roraima project (BRA) under review", LOGIN, 404, 404, 404, 403, 302),
    counted("GET portfolio:project_transition_confirm", "Roraima project (BRA) under review", LOGIN, 404, 404, 404, 403, 200),
    counted("GET portfolio:bulk_template", "no object", LOGIN, 200, 200, 403, 403, 200),
    counted("GET portfolio:bulk_upload", "no object", LOGIN, 200, 200, 403, 403, 200),
    counted("GET exchange:hxl_import", "no object", LOGIN, 403, 403, 403, 403, 200),
    counted("GET api:api-root", "no object", 404, 404, 404, 404, 404, 404),
    counted("GET api:openapi-json", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:unknown_address", "no object", 404, 404, 404, 404, 404, 404),
    counted("GET api:openapi-view", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:country_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:country_detail", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:subdivision_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:organisation_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:organisation_detail", "Alcaldía de Cúcuta", 200, 200, 200, 200, 200, 200),
    counted("POST api:organisation_create", "new foundation in COL", 401, 201, 403, 403, 403, 201),
    counted("PATCH api:organisation_update", "Alcaldía de Cúcuta (COL, NSA)", 401, 200, 200, 403, 403, 200),
    counted("GET api:vocabulary_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:term_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:marker_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:population_figure_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:me", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:conference_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:meeting_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:document_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:coverage", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:project_results", "published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("GET api:country_results", "no object", 200, 200, 200, 200, 200, 200),
    counted("POST api:check", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:funding_report", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:service_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:service_detail", "Tulcán shelter (public)", 200, 200, 200, 200, 200, 200),
    counted("POST api:service_create", "service in Cúcuta by its Alcaldía", 401, 403, 201, 403, 403, 201),
    counted("PUT api:service_update", "service of Cúcuta's Alcaldía", 401, 403, 200, 403, 403, 200),
    counted("GET api:project_list", "no object", 200, 200, 200, 200, 200, 200),
    counted("GET api:project_detail", "published Cúcuta project", 200, 200, 200, 200, 200, 200),
    counted("POST api:project_create", "new project of gov-col (COL)", 401, 201, 403, 403, 403, 201),
    counted("PATCH api:project_update", "draft of gov-col (COL)", 401, 200, 404, 404, 403, 200),
    counted("POST api:project_transition", "Roraima project (BRA) under review", 401, 404, 404, 404, 403, 200),
    # --- Objects outside the scoped roles' scope ---------------------------------------------------------------
    # Another country's organisation (Red Lima, PER): seen by all, changed by none but the secretariat.
    page("reference:organisation_edit", "GET", "Government of Peru (PER)", get(organisation_url("gov-per", "edit/")),
         LOGIN, 403, 403, 403, 403, 200),
    # Canada's own organisation: its donor officer's scope, no one else's.
    page("reference:organisation_edit", "GET", "Government of Canada", get(organisation_url("gov-can", "edit/")),
         LOGIN, 403, 403, 200, 403, 200),
    page("reference:figure_edit", "GET", "a figure of Peru", lambda s: Request(f"/figures/{per_figure().pk}/edit/"),
         LOGIN, 403, 403, 403, 403, 200),
    # Projects: a published one of Peru (seen, not editable), another country's project under review (not seen).
    page("portfolio:project_detail", "GET", "draft of gov-col (COL)", get(f"/projects/{DRAFT}/"),
         404, 200, 404, 404, 200, 200),
    page("portfolio:project_edit", "GET", "published project of Peru", get(f"/projects/{LIMA}/edit/?step=1"),
         LOGIN, 403, 403, 403, 403, 200),
    page("portfolio:project_edit", "GET", "Roraima project (BRA) under review", get(f"/projects/{RORAIMA}/edit/?step=1"),
         LOGIN, 404, 404, 404, 403, 200),
    page("portfolio:project_transition", "POST", "published project of Peru", lambda s: Request(
        f"/projects/{LIMA}/transition/", {"to_status": "in_implementation", "version": project(LIMA).version}),
         LOGIN, 403, 403, 403, 403, 302),
    page("audit:history", "GET", "draft of gov-col (COL)", lambda s: Request(
        f"/history/portfolio.project/{project(DRAFT).pk}/"), 404, 200, 404, 404, 200, 200),
    page("results:report", "GET", "published project of Peru", get(f"/results/projects/{LIMA}/report/"),
         LOGIN, 403, 403, 403, 403, 200),
    # Services and needs of Tulcán (Ecuador): outside the Cúcuta officer's municipality.
    page("services:edit", "GET", "Tulcán shelter (ECU)", get(lambda: f"/services/{demo_service().pk}/edit/"),
         LOGIN, 403, 403, 403, 403, 200),
    page("localgov:need_create", "GET", "Tulcán's local government (ECU)",
         get(lambda: organisation_url("demo-tulcan", "needs/new/")().replace("/organisations/", "/local-governments/")), LOGIN, 403, 403, 403, 403, 200),
    page("localgov:need_edit", "GET", "a need of Tulcán (ECU)", get(lambda: need_url("demo-tulcan", "edit/")),
         LOGIN, 403, 403, 403, 403, 200),
    # The roadmap: an action led by Canada's GAC is its donor officer's to report on, not Cúcuta's.
    page("process:roadmap_progress", "GET", "action led by GAC (Canada)", get(f"/process/roadmap/{GAC_ACTION}/progress/"),
         LOGIN, 403, 403, 200, 403, 200),
    page("process:roadmap_evidence", "GET", "action led by GAC (Canada)", get(f"/process/roadmap/{GAC_ACTION}/evidence/"),
         LOGIN, 403, 403, 200, 403, 200),
    # The United States' pledge: another donor's, as it stands (public) and taken back to a draft (hidden).
    page("finance:pledge_edit", "GET", "the United States' pledge, public", get(lambda: tracked_pledge_url("usa-2023", "edit/")),
         LOGIN, 403, 403, 403, 403, 200),
    page("finance:pledge_edit", "GET", "the United States' pledge, a draft",
         get(lambda: tracked_pledge_url("usa-2023", "edit/", draft=True)), LOGIN, 404, 404, 404, 403, 200),
    # The API: the same objects through bearer tokens.
    api("api:project_detail", "GET", "draft of gov-col (COL)", get(f"/api/v1/projects/{DRAFT}"),
        404, 200, 404, 404, 200, 200),
    api("api:project_update", "PATCH", "published project of Peru", api_send(f"/api/v1/projects/{LIMA}", lambda: {
        "version": project(LIMA).version, "title_en": "Changed"}, "secretariat"), 401, 403, 403, 403, 403, 200),
    api("api:project_transition", "POST", "published project of Peru", api_send(
        f"/api/v1/projects/{LIMA}/transitions", lambda: {"to_status": "in_implementation",
                                                         "version": project(LIMA).version}, "secretariat"),
        401, 403, 403, 403, 403, 200),
    api("api:organisation_update", "PATCH", "Government of Peru (PER)", api_send(
        lambda: organisation_url("gov-per")().replace("/organisations/", "/api/v1/organisations/").rstrip("/"),
        lambda: {"version": 1, "acronym": "GP"}, "secretariat"), 401, 403, 403, 403, 403, 200),
    api("api:service_update", "PUT", "Tulcán shelter (ECU)", api_send(
        lambda: f"/api/v1/services/{demo_service().pk}", lambda: {**new_service(), "version": 1}, "secretariat"),
        401, 403, 403, 403, 403, 200),
    api("api:need_update", "PATCH", "a need of Tulcán (ECU)", api_send(
        lambda: need_url("demo-tulcan").replace("/local-governments/needs/", "/api/v1/needs/").rstrip("/"),
        lambda: {"version": 1, "status": "funded"}, "secretariat"), 401, 403, 403, 403, 403, 200),
    # --- Commands ------------------------------------------------------------------------------------------------
    # Acting as a user: the role's grants apply, as on the pages.
    # The kit's library and priorities, roadmap links and evidence files, results forms and workbooks, IATI uploads.
    counted("GET process:evidence_file", "an evidence file of Cúcuta's action (public)", 200, 200, 200, 200, 200, 200),
    counted("GET process:roadmap_links", "Cúcuta's action: its linked services", LOGIN, 403, 403, 403, 403, 200),
    counted("POST process:roadmap_links", "Cúcuta's action: its linked services", LOGIN, 403, 403, 403, 403, 302),
    counted("GET capacity:resource_add", "the kit's library (the secretariat keeps it)", LOGIN, 403, 403, 403, 403, 200),
    counted("POST capacity:resource_add", "the kit's library (the secretariat keeps it)", LOGIN, 403, 403, 403, 403, 302),
    counted("GET capacity:resource_file", "a kit resource's file (public)", 200, 200, 200, 200, 200, 200),
    counted("GET capacity:priorities", "the priority municipalities (the secretariat keeps them)", LOGIN, 403, 403, 403, 403, 200),
    counted("POST capacity:priorities", "the priority municipalities (the secretariat keeps them)", LOGIN, 403, 403, 403, 403, 302),
    counted("POST capacity:priority_remove", "the priority municipalities (the secretariat keeps them)", LOGIN, 403, 403, 403, 403, 302),
    counted("GET results:indicator_create", "a project in Cúcuta (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST results:indicator_create", "a project in Cúcuta (COL)", LOGIN, 302, 302, 403, 403, 302),
    counted("GET results:indicator_edit", "an indicator of a project in Cúcuta (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST results:indicator_edit", "an indicator of a project in Cúcuta (COL)", LOGIN, 302, 302, 403, 403, 302),
    counted("GET results:period_create", "a project in Cúcuta (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST results:period_create", "a project in Cúcuta (COL)", LOGIN, 302, 302, 403, 403, 302),
    counted("GET results:template", "a project in Cúcuta (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("GET results:upload", "a project in Cúcuta (COL)", LOGIN, 200, 200, 403, 403, 200),
    counted("POST results:upload", "a project in Cúcuta (COL)", LOGIN, 302, 302, 403, 403, 302),
    counted("GET results:export", "a published project in Cúcuta (public)", 200, 200, 200, 200, 200, 200),
    counted("GET exchange:iati_import", "the IATI upload (the secretariat's)", LOGIN, 403, 403, 403, 403, 200),
    counted("POST exchange:iati_import", "the IATI upload (the secretariat's)", LOGIN, 403, 403, 403, 403, 302),
    counted("GET exchange:iati_import_run", "an import run (private to the secretariat)", LOGIN, 404, 404, 404, 404, 200),
    counted("GET exchange:iati_import_run progress polled by htmx", "an import run (private to the secretariat)", LOGIN, 404, 404, 404, 404, 200),
    counted("GET exchange:fts_import", "the FTS upload (the secretariat's)", LOGIN, 403, 403, 403, 403, 200),
    counted("POST exchange:fts_import", "the FTS upload (the secretariat's)", LOGIN, 403, 403, 403, 403, 302),
    counted("GET exchange:fts_import_run", "an FTS import run (private to the secretariat)", LOGIN, 404, 404, 404, 404, 200),
    counted("GET exchange:fts_import_run progress polled by htmx", "an FTS import run (private to the secretariat)", LOGIN, 404, 404, 404, 404, 200),
    command("import_municipalities", "a municipality in Norte de Santander (COL)",
            REFUSED, DONE, REFUSED, REFUSED, REFUSED, DONE, run=municipalities_import("CO-NSA", "CO54498")),
    command("import_municipalities", "a municipality in Lima (PER)",
            REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, DONE, run=municipalities_import("PE-LMA", "PE150102")),
    command("import_territories", "a municipality in Norte de Santander (COL)",
            REFUSED, DONE, REFUSED, REFUSED, REFUSED, DONE, run=territories_import("COL", "CO-NSA", "CO54498")),
    command("import_territories", "a municipality in Lima (PER)",
            REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, DONE, run=territories_import("PER", "PE-LMA", "PE150102")),
    command("import", "hxl: a population figure of Colombia",
            REFUSED, DONE, REFUSED, REFUSED, REFUSED, DONE, run=hxl_figures_import("COL")),
    command("import", "hxl: a population figure of Peru",
            REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, DONE, run=hxl_figures_import("PER")),
    command("export", "csv: the draft of gov-col (COL)",
            "left out", DONE, "left out", "left out", DONE, DONE, run=draft_export(DRAFT)),
    # Acting as no user: the operator's, run on the server itself.
    *[command(name, "operator: " + why, *[OPERATOR] * 6) for name, why in (
        ("backup", "writes every row and file to an archive"),
        ("restore", "replaces every row and file from an archive"),
        ("setup", "migrates, compiles, collects static files, loads reference data"),
        ("demo", "loads the demo (refused in production)"),
        ("demo_code", "prints a demo account's code (refused in production)"),
        ("serve", "starts the server (and a worker of the background jobs)"),
        ("worker", "runs the queued background jobs"),
        ("build_catalogues", "compiles translations"),
        ("load_reference", "loads the reference lists"),
        ("load_codelist", "loads an IATI codelist's names"),
        ("codelists", "updates the IATI codelists"),
        ("grant_role", "gives a role (the secretariat's page does so for signed-in users)"),
        ("create_token", "makes an API token for a named user"),
        ("rebuild_funding_totals", "recomputes kept totals"),
        ("report", "writes the public funding, conference and roadmap reports"),
        ("check_language", "checks the operator's own files"),
        ("guide_pdf", "prints the public guide"),
    )],
]
