"""The catalogue's counts: the facet index (memory) and plain SQL (``MINGA_CATALOGUE_INDEX=sql``) give the same
results as the SQL filters, and the index follows every change of the data."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minga.accounts.models import User
from minga.audit import services as audit
from minga.portfolio import demo, services
from minga.portfolio.facet_entries import GAP_RANGES
from minga.portfolio.facet_index import INDEX, RECONCILE_SECONDS, bits_of, members
from minga.portfolio.models import Project, ProjectLocation, ProjectMarker, ProjectPeople, ProjectTheme
from minga.portfolio.selectors import (
    SORTS,
    ProjectFilters,
    catalogue,
    facet_counts,
    projects_matching,
    projects_search,
    sort_order,
)
from minga.portfolio.synthetic import COUNTRY_WEIGHTS, fill
from minga.reference import services as reference
from minga.reference.models import LINES_OF_WORK, QUITO_AXES, Term
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

EVERYTHING = 10**6  # a page as long as the whole result
# The two ways the catalogue counts (settings.MINGA_CATALOGUE_INDEX): the same question, the same ``Found``.
BACKENDS = {"memory": INDEX.search, "sql": facet_counts.search}
both_backends = pytest.mark.parametrize("backend", list(BACKENDS))


def search(user, filters: ProjectFilters, *, offset=0, limit=EVERYTHING, backend="memory"):
    return BACKENDS[backend](projects_matching(user, ProjectFilters()), filters, order=sort_order(filters.sort),
                             offset=offset, limit=limit)


def counted_in_sql(user, filters: ProjectFilters) -> tuple[dict, dict]:
    """Facet counts and USD sums, each counted the plain way, in its own query: each facet's values over the
    projects that pass every filter but that facet's own (faceted-search convention), the sums over the result."""
    matching = projects_matching(user, filters)
    counts = {}

    def without(**cleared):
        return projects_matching(user, replace(filters, **cleared))

    def put(facet, rows):
        found = {str(value): n for value, n in rows if n}
        if found:
            counts[facet] = found

    put("status", without(status=[]).values_list("status").annotate(n=Count("pk")))
    put("organisation_type", without(organisation_type=[]).values_list(
        "proposing_organisation__organisation_type").annotate(n=Count("pk")))
    put("country", ProjectLocation.objects.filter(project__in=without(country=[]).values("pk"))
        .values_list("country_id").annotate(n=Count("project", distinct=True)))
    put("subdivision", ProjectLocation.objects.filter(project__in=without(subdivision=[]).values("pk"),
                                                      subdivision__isnull=False)
        .values_list("subdivision_id").annotate(n=Count("project", distinct=True)))
    terms = {}
    for vocabulary, cleared in ((QUITO_AXES, {"axis": []}), (LINES_OF_WORK, {"line": []})):
        terms.update(ProjectTheme.objects.filter(project__in=without(**cleared).values("pk"),
                                                 term__vocabulary_id=vocabulary)
                     .values_list("term_id").annotate(n=Count("pk")))
    put("term", terms.items())
    put("marker", ProjectMarker.objects.filter(project__in=without(marker=[]).values("pk"), significance__gte=1)
        .values_list("marker_id").annotate(n=Count("pk")))
    put("group", ProjectPeople.objects.filter(project__in=without(group=[]).values("pk"),
                                              dimension="population_group", people__gt=0)
        .values_list("category").annotate(n=Count("pk")))
    converted = matching.filter(gap_usd__isnull=False)
    put("converted", [("", converted.count())])
    put("not_converted", [("", (matching.filter(requested_amount__isnull=False, requested_usd__isnull=True)
                                | matching.filter(secured_usd__isnull=True)).count())])
    put("gap_range", [(str(i), without(gap_min=None, gap_max=None).filter(gap_usd__isnull=False).filter(
        **({"gap_usd__gte": low} if low is not None else {}), **({"gap_usd__lt": high} if high is not None else {}))
        .count()) for i, (low, high) in enumerate(GAP_RANGES)])
    sums = converted.aggregate(requested=Sum("requested_usd"), secured=Sum("secured_usd"), gap=Sum("gap_usd"))
    return counts, {name: int((value or 0) * 100) for name, value in sums.items()}


@pytest.fixture
def portfolio(db):
    """The demo and 240 generated projects, with the edge cases the generator leaves out."""
    fill(240, seed=11)
    generated = list(Project.objects.filter(code__regex=r"-\d{5}$").order_by("pk"))
    Project.all_objects.filter(pk__in=[p.pk for p in generated[:6]]).update(deleted_at=timezone.now())
    ProjectPeople.objects.filter(project=generated[10], dimension="population_group").update(people=0)
    Project.objects.filter(pk=generated[11].pk).update(requested_usd=None, gap_usd=None)  # requested, unconverted
    Project.objects.filter(pk=generated[12].pk).update(gap_usd=Decimal("-5.00"))  # more secured than requested
    ProjectLocation.objects.filter(project=generated[13]).delete()  # nowhere yet
    return generated


WORDS = ["integração", "INTEGRACION", "ntegra", "centros recepcion", "salud vivienda", "integração xyz", "xyz",
         "pq-col", "de la", "00012"]
SUBDIVISIONS = ["CO-NSA", "CO-ANT", "co-ant", "PE-LMA", "EC-P", "BR-RR", "XX-YY"]
AXES = ["reception-centres", "socioeconomic-integration", "child-protection", "gender-equity", "nothing"]
LINES = ["children-adolescents-on-the-move", "women-access-to-rights", "socioeconomic-integration"]
MARKERS = ["gender", "territorial", "human-rights", "best-interests-of-the-child"]
GROUPS = ["refugees_migrants", "host_community", "returnees", "in_transit"]
STATUSES = ["draft", "submitted", "published", "in_implementation", "completed", "withdrawn"]
AMOUNTS = [None, Decimal(0), Decimal("99999.999"), Decimal("100000"), Decimal("500000"), Decimal("999999.99")]


def some(values):
    """Mostly nothing, so that a drawn view keeps enough projects to count: each filter is one of eleven."""
    return st.one_of(st.just([]), st.just([]), st.just([]), st.lists(st.sampled_from(values), min_size=1,
                                                                      max_size=2, unique=True))


FILTERS = st.builds(
    ProjectFilters, q=st.sampled_from(["", "", *WORDS]), country=some([*COUNTRY_WEIGHTS, "ven", "col"]),
    subdivision=some(SUBDIVISIONS), axis=some(AXES), line=some(LINES), marker=some(MARKERS), group=some(GROUPS),
    status=some(STATUSES), organisation_type=some(["10", "11", "15", "22", "80"]),
    proposer_country=some(["COL", "per", "ECU", "GUY"]), gap_min=st.sampled_from([None, None, *AMOUNTS]),
    gap_max=st.sampled_from([None, None, *AMOUNTS]), sort=st.sampled_from(list(SORTS)))


@both_backends
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=FILTERS, who=st.sampled_from(["anonymous", "focal_col", "secretariat", "local_cucuta", "donor_can"]))
# Drawn views are mostly narrow: each reader's whole catalogue, where every edge case of the data is, always.
@example(filters=ProjectFilters(), who="secretariat")
@example(filters=ProjectFilters(sort="gap_asc"), who="anonymous")
@example(filters=ProjectFilters(sort="budget_desc"), who="focal_col")
def test_the_index_finds_counts_sums_and_orders_as_the_sql_filters_do(portfolio, users, backend, filters, who):
    user = users[who]
    found = search(user, filters, backend=backend)
    assert found.page == list(projects_search(user, filters).values_list("pk", flat=True))
    assert found.total == len(found.page)
    counts, sums = counted_in_sql(user, filters)
    assert (found.counts, found.sums) == (counts, sums)


@both_backends
def test_the_generated_portfolio_exercises_every_facet(portfolio, users, backend):
    """The property above is only as strong as its data: the broad view must hold every kind of value."""
    found = search(users["secretariat"], ProjectFilters(), backend=backend)
    assert found.total == 240 - 6 + 5
    assert set(found.counts) == {"status", "organisation_type", "gap_range", "converted", "not_converted",
                                 "country", "subdivision", "term", "marker", "group"}
    assert len(found.counts["gap_range"]) == len(GAP_RANGES)
    assert len(found.counts["status"]) == 8


@both_backends
def test_a_page_is_the_slice_of_the_whole_order(portfolio, users, backend):
    for sort in SORTS:
        whole = search(None, ProjectFilters(sort=sort), backend=backend).page
        assert whole == list(projects_search(None, ProjectFilters(sort=sort)).values_list("pk", flat=True))
        assert search(None, ProjectFilters(sort=sort), offset=50, limit=25, backend=backend).page == whole[50:75]
        assert search(None, ProjectFilters(sort=sort), offset=len(whole) - 3, limit=25,
                      backend=backend).page == whole[-3:]


def seen(view) -> tuple:
    """Everything a catalogue view shows, to compare two of them: rows (with their listing), counts, totals."""
    page = view.page
    return (view.query, page.number, page.paginator.count, page.paginator.num_pages,
            [(project.pk, project.listing) for project in page], view.totals, view.facets, view.gap_ranges)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=FILTERS, who=st.sampled_from(["anonymous", "focal_col", "secretariat"]),
       page=st.sampled_from([1, 2, 4, 99]))
@example(filters=ProjectFilters(), who="secretariat", page=2)
@example(filters=ProjectFilters(sort="gap_desc"), who="anonymous", page=99)
def test_the_catalogue_shows_the_same_view_from_memory_and_from_sql(portfolio, users, filters, who, page):
    views = {}
    for backend in BACKENDS:
        with override_settings(MINGA_CATALOGUE_INDEX=backend):
            views[backend] = seen(catalogue(users[who], filters, page))
    assert views["memory"] == views["sql"]
    expected = list(projects_search(users[who], filters).values_list("pk", flat=True))
    number, per_page = views["sql"][1], 25
    assert [pk for pk, _listing in views["sql"][4]] == expected[(number - 1) * per_page:number * per_page]


def test_the_sql_catalogue_reads_no_index(users):
    with override_settings(MINGA_CATALOGUE_INDEX="sql"):
        view = catalogue(None, ProjectFilters(sort="code"))
    assert [project.code for project in view.page] == [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]
    assert INDEX.builds == 0 and INDEX.entries is None


def publish_demo_copy(currency="USD") -> Project:
    spec = {**next(spec for spec in demo.PROJECTS if spec["key"] == "lima-kit"), "currency": currency}
    project = services.project_create(user=User.objects.get(username="focal.per"), data=demo.demo_input(spec))
    for target, who in (("submitted", "focal.per"), ("under_review", "secretaria"), ("published", "secretaria")):
        project = services.project_transition(project=project, user=User.objects.get(username=who),
                                              to_status=target, expected_version=project.version)
    return project


def test_changes_through_the_services_show_at_the_next_search_without_a_rebuild(users):
    before = search(None, ProjectFilters())
    word = ProjectFilters(q="capacidades")  # in the copied project's title: a searched word is followed too
    before_word = search(None, word).total
    assert INDEX.builds == 1
    project = publish_demo_copy()
    after = search(None, ProjectFilters())
    assert after.total == before.total + 1
    assert after.counts["country"]["PER"] == before.counts["country"]["PER"] + 1
    assert after.page[0] == project.pk  # the newest
    assert search(None, word).total == before_word + 1

    audit.record_soft_delete(instance=project, user=users["secretariat"], reason="test")
    assert search(None, ProjectFilters()).total == before.total
    assert search(None, word).total == before_word
    assert project.pk not in search(users["secretariat"], ProjectFilters()).page
    audit.record_restore(instance=Project.all_objects.get(pk=project.pk), user=users["secretariat"], reason="test")
    assert search(None, ProjectFilters()).page[0] == project.pk
    assert search(None, word).total == before_word + 1
    assert INDEX.builds == 1


def test_an_organisations_new_type_moves_its_projects(users):
    before = search(None, ProjectFilters()).counts["organisation_type"]
    project = Project.objects.get(code=f"PQ-PER-{YEAR}-0001")
    organisation = project.proposing_organisation
    old = organisation.organisation_type
    reference.organisation_update(organisation=organisation, user=users["secretariat"],
                                  changes={"organisation_type": "80"}, expected_version=organisation.version)
    after = search(None, ProjectFilters()).counts["organisation_type"]
    moved = Project.objects.filter(is_public=True, proposing_organisation=organisation).count()
    assert moved == 1
    assert after.get(old, 0) == before[old] - moved
    assert after["80"] == before.get("80", 0) + moved
    assert search(None, ProjectFilters(organisation_type=["80"])).total == moved
    assert INDEX.builds == 1


def test_a_commit_older_than_the_window_is_caught_by_the_reconciliation(users):
    search(None, ProjectFilters())
    project = Project.objects.get(code=f"PQ-PER-{YEAR}-0001")
    # As a transaction that began long ago and committed only now would leave it: an old updated_at.
    Project.objects.filter(pk=project.pk).update(status="completed", version=project.version + 1,
                                                 updated_at=timezone.now() - timedelta(days=1))
    publish_demo_copy()  # a newer change moves the date: the window is read, and the old commit is not in it
    assert search(None, ProjectFilters(status=["completed"])).total == 0
    INDEX.reconciled_at -= RECONCILE_SECONDS
    assert search(None, ProjectFilters(status=["completed"])).page == [project.pk]
    assert INDEX.builds == 1


def test_a_row_deleted_from_the_table_leaves_the_index(users):
    total = search(users["secretariat"], ProjectFilters()).total
    Project.objects.filter(code=f"PQ-COL-{YEAR}-0002").delete()  # not through the services: no updated_at moves
    assert search(users["secretariat"], ProjectFilters()).total == total - 1


def test_many_changes_at_once_rebuild_the_index(users):
    search(None, ProjectFilters())
    fill(20, seed=3)  # more than a quarter of the projects are new
    assert search(users["secretariat"], ProjectFilters()).total == 5 + 20
    assert INDEX.builds == 2


def test_each_reader_gets_their_own_visible_set_and_it_follows_changes(users):
    public = search(None, ProjectFilters()).total
    assert search(users["focal_col"], ProjectFilters()).total == public + 1  # their draft
    peru = search(users["focal_per"], ProjectFilters()).total
    assert search(None, ProjectFilters()).total == public
    spec = next(spec for spec in demo.PROJECTS if spec["key"] == "lima-kit")
    draft = services.project_create(user=users["focal_per"], data=demo.demo_input(spec))
    assert search(users["focal_per"], ProjectFilters()).total == peru + 1
    assert search(users["focal_col"], ProjectFilters()).total == public + 1
    assert search(None, ProjectFilters()).total == public
    services.project_transition(project=draft, user=users["focal_per"], to_status="withdrawn",
                                expected_version=draft.version)
    assert search(users["focal_per"], ProjectFilters(status=["withdrawn"])).page == [draft.pk]


@both_backends
def test_a_word_is_found_inside_a_word_but_never_across_two(backend):
    assert search(None, ProjectFilters(q="ntegracio"), backend=backend).total == len(projects_matching(
        None, ProjectFilters(q="ntegracio"))) == 1
    assert search(None, ProjectFilters(q="centrosde"), backend=backend).total == 0


@both_backends
def test_axis_and_line_codes_stay_within_their_vocabulary(backend, users):
    """The secretariat's view: Roraima's project has the axis and not the line (the public sees Carchi's alone,
    which has both, and could not tell the vocabularies apart)."""
    shared = Term.objects.filter(code="socioeconomic-integration").values_list("vocabulary_id", flat=True)
    assert set(shared) == {"quito-axes", "lines-of-work-2023"}  # the same code in both
    secretariat = users["secretariat"]
    for filters, expected in ((ProjectFilters(axis=["socioeconomic-integration"]), ["BRA", "ECU"]),
                              (ProjectFilters(line=["socioeconomic-integration"]), ["ECU"])):
        found = search(secretariat, filters, backend=backend).page
        assert sorted(found) == sorted(projects_matching(secretariat, filters).values_list("pk", flat=True))
        assert sorted(Project.objects.filter(pk__in=found).values_list("code", flat=True)) == [
            f"PQ-{country}-{YEAR}-0001" for country in expected]


@given(st.sets(st.integers(min_value=0, max_value=5000)))
def test_bitsets_give_back_their_keys(keys):
    assert members(bits_of(keys)) == sorted(keys)



def test_a_word_taken_out_of_a_text_stops_finding_it():
    word = ProjectFilters(q="capacidades")
    project = Project.objects.get(code=f"PQ-PER-{YEAR}-0001")
    assert search(None, word).page == [project.pk]
    Project.objects.filter(pk=project.pk).update(search_text="pq-per-2026-0001 kit", version=project.version + 1,
                                                 updated_at=timezone.now())
    assert search(None, word).page == []
    assert search(None, ProjectFilters(q="kit")).page == [project.pk]
