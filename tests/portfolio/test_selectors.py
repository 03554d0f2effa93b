"""The catalogue's reads: filters, text search in three languages, visibility, facet counts and totals."""

from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict

from minga.accounts.models import User
from minga.portfolio import demo, services
from minga.portfolio.selectors import ProjectFilters, catalogue, projects_search
from tests.codes import YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PUBLIC = [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]


@pytest.fixture(autouse=True, params=["memory", "sql"])
def catalogue_index(request, settings):
    """Every view of the catalogue here is asserted both ways it can be counted (MINGA_CATALOGUE_INDEX)."""
    settings.MINGA_CATALOGUE_INDEX = request.param
    return request.param


@pytest.fixture(autouse=True)
def fresh_labels():
    cache.clear()  # names of countries, terms and markers are cached per language; each test reads them afresh
    yield
    cache.clear()


def codes(user, query: str = "") -> list[str]:
    return sorted(project.code for project in catalogue(user, ProjectFilters.from_querydict(QueryDict(query))).page)


def facet(result, name: str) -> dict[str, int]:
    """The facet's values with a count above zero, as {value: count}."""
    found = next(f for f in result.facets if f.name == name)
    return {value.value: value.count for value in found.values if value.count}


def unconvertible_published_project(secretariat: User):
    """A published project whose budget is in bolívares, which no rate converts."""
    spec = {**next(spec for spec in demo.PROJECTS if spec["key"] == "lima-kit"), "currency": "VES"}
    project = services.project_create(user=User.objects.get(username="focal.per"), data=demo.demo_input(spec))
    for target, who in (("submitted", "focal.per"), ("under_review", "secretaria"), ("published", "secretaria")):
        project = services.project_transition(project=project, user=User.objects.get(username=who),
                                              to_status=target, expected_version=project.version)
    return project


@pytest.mark.parametrize(("query", "expected"), [
    ("", PUBLIC),
    ("subdivision=CO-NSA", [f"PQ-COL-{YEAR}-0001"]),
    ("subdivision=co-nsa", [f"PQ-COL-{YEAR}-0001"]),
    ("country=PER", [f"PQ-PER-{YEAR}-0001"]),
    ("country=COL&country=ECU", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]),
    ("country=COL,ECU", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]),
    ("axis=socioeconomic-integration", [f"PQ-ECU-{YEAR}-0001"]),
    ("line=children-adolescents-on-the-move", [f"PQ-PER-{YEAR}-0001"]),
    ("marker=best-interests-of-the-child", [f"PQ-COL-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]),
    # The Lima kit trains officials: it counts no host community (issue 9).
    ("marker=gender&group=host_community", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]),
    ("group=refugees_migrants", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]),
    ("status=in_implementation", [f"PQ-ECU-{YEAR}-0001"]),
    ("organisation_type=11", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]),
    ("gap_min=1000000", [f"PQ-COL-{YEAR}-0001"]),
    ("gap_min=500000&gap_max=999999.99", [f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]),
    ("subdivision=CO-NSA&axis=socioeconomic-integration", []),
    ("status=under_review", []),
])
def test_filters_return_exactly_these_public_projects(users, query, expected):
    assert codes(users["anonymous"], query) == expected


def test_filters_behave_alike_in_the_catalogue_and_the_exports_list(users):
    for query in ("country=COL&country=ECU", "marker=best-interests-of-the-child", "gap_min=500000"):
        filters = ProjectFilters.from_querydict(QueryDict(query))
        assert sorted(p.code for p in projects_search(None, filters)) == codes(None, query)


def test_a_portuguese_word_of_a_summary_finds_the_project(users):
    # "proteção" appears only in the Portuguese summary of the Cúcuta project.
    assert codes(users["anonymous"], "q=proteção") == [f"PQ-COL-{YEAR}-0001"]
    assert codes(users["anonymous"], "q=acolhida cúcuta") == [f"PQ-COL-{YEAR}-0001"]


def test_search_ignores_accents_and_case(users):
    assert codes(users["anonymous"], "q=INTEGRACION") == [f"PQ-ECU-{YEAR}-0001"]
    assert codes(users["anonymous"], "q=integración") == [f"PQ-ECU-{YEAR}-0001"]
    assert codes(users["anonymous"], "q=protecao") == [f"PQ-COL-{YEAR}-0001"]
    # "Integração" (Portuguese) is found by "integracao"; the project is under review, so the secretariat sees it.
    assert codes(users["secretariat"], "q=integracao") == [f"PQ-BRA-{YEAR}-0001"]
    assert codes(users["anonymous"], "q=integracao") == []


def test_search_finds_a_project_by_its_code(users):
    assert codes(users["anonymous"], f"q=pq-per-{YEAR}") == [f"PQ-PER-{YEAR}-0001"]


def test_the_public_sees_only_published_and_ongoing_projects(users):
    assert codes(users["anonymous"]) == PUBLIC
    assert codes(users["donor_can"]) == PUBLIC
    assert codes(users["focal_per"]) == PUBLIC  # no draft of Peru; the Colombian draft is not theirs


def test_editors_see_their_own_drafts_in_the_catalogue(users):
    # permissions.visible shows an editor the records in their scope: focal.col sees Colombia's draft,
    # not Brazil's project under review.
    assert codes(users["focal_col"]) == [f"PQ-COL-{YEAR}-0001", f"PQ-COL-{YEAR}-0002", f"PQ-ECU-{YEAR}-0001",
                                         f"PQ-PER-{YEAR}-0001"]
    assert codes(users["secretariat"]) == sorted([*PUBLIC, f"PQ-BRA-{YEAR}-0001", f"PQ-COL-{YEAR}-0002"])
    assert codes(users["observer"]) == sorted([*PUBLIC, f"PQ-BRA-{YEAR}-0001", f"PQ-COL-{YEAR}-0002"])


def test_facet_counts_are_those_of_the_result_without_their_own_filter(users):
    everything = catalogue(None, ProjectFilters())
    assert facet(everything, "country") == {"COL": 1, "ECU": 1, "PER": 1}
    assert facet(everything, "subdivision") == {"CO-NSA": 1, "CO-ARA": 1, "EC-C": 1, "PE-LMA": 1, "PE-TUM": 1}
    assert facet(everything, "axis") == {"reception-centres": 1, "gender-equity": 1, "child-protection": 1,
                                         "socioeconomic-integration": 1}
    assert facet(everything, "marker") == {"territorial": 3, "gender": 3, "best-interests-of-the-child": 2,
                                           "human-rights": 3}
    assert facet(everything, "group") == {"refugees_migrants": 2, "host_community": 2}
    assert facet(everything, "status") == {"published": 2, "in_implementation": 1}
    assert facet(everything, "organisation_type") == {"10": 1, "11": 2}
    assert [r.count for r in everything.gap_ranges] == [0, 0, 2, 1, 0]

    colombia = catalogue(None, ProjectFilters(country=["COL"]))
    # Faceted-search convention: a country counts what ticking it would give, without the country filter.
    assert facet(colombia, "country") == {"COL": 1, "ECU": 1, "PER": 1}
    assert facet(colombia, "subdivision") == {"CO-NSA": 1, "CO-ARA": 1}  # a municipality row does not count twice
    assert facet(colombia, "marker") == {"territorial": 1, "gender": 1, "best-interests-of-the-child": 1,
                                         "human-rights": 1}
    # Values of short lists stay listed at zero, so another can be added; the chosen one is marked.
    countries = next(f for f in colombia.facets if f.name == "country")
    assert {v.value for v in countries.values if v.selected} == {"COL"}
    assert next(v for v in countries.values if v.value == "PER").count == 1


def test_the_focal_points_counts_include_their_draft(users):
    result = catalogue(users["focal_col"], ProjectFilters())
    assert facet(result, "status") == {"draft": 1, "published": 2, "in_implementation": 1}
    assert facet(result, "line") == {"women-access-to-rights": 1, "children-adolescents-on-the-move": 1,
                                     "socioeconomic-integration": 1, "new-migration-narrative": 1}


def test_totals_sum_converted_projects_and_count_the_others(users):
    totals = catalogue(None, ProjectFilters()).totals
    # COL 4,800,000,000 COP at 4000 = 1,200,000 requested; PER 2,250,000 PEN at 3.75 = 600,000;
    # ECU 1,200,000 USD requested, 400,000 CAD secured.
    assert (totals.projects, totals.converted, totals.not_converted) == (3, 3, 0)
    assert totals.requested_usd == Decimal("3000000.00")
    assert totals.secured_usd == Decimal("287687.17")
    assert totals.gap_usd == Decimal("2712312.83")


def test_a_project_that_cannot_be_converted_is_counted_apart_never_as_zero(users):
    project = unconvertible_published_project(users["secretariat"])
    assert (project.requested_usd, project.gap_usd) == (None, None)
    result = catalogue(None, ProjectFilters())
    assert (result.totals.projects, result.totals.converted, result.totals.not_converted) == (4, 3, 1)
    assert result.totals.requested_usd == Decimal("3000000.00")
    assert result.totals.gap_usd == Decimal("2712312.83")
    row = next(p for p in result.page if p.code == project.code)
    assert row.listing.not_converted is True
    # Its gap is unknown: no gap range holds it, and a range filter leaves it out.
    assert sum(r.count for r in result.gap_ranges) == 3
    assert codes(None, "gap_min=0") == PUBLIC  # without it


def test_counts_follow_a_change_of_the_data(users):
    assert catalogue(None, ProjectFilters()).totals.projects == 3  # now indexed
    unconvertible_published_project(users["secretariat"])
    assert catalogue(None, ProjectFilters()).totals.projects == 4


def test_titles_fall_back_visibly_to_another_language(users):
    rows = {p.code: p.listing for p in catalogue(None, ProjectFilters()).page}  # read in English
    assert (rows[f"PQ-PER-{YEAR}-0001"].title, rows[f"PQ-PER-{YEAR}-0001"].title_language) == (
        "Kit de desarrollo de capacidades sobre niñez y adolescencia en movilidad para gobiernos locales", "es")
    assert rows[f"PQ-COL-{YEAR}-0001"].title_language == ""
    assert rows[f"PQ-COL-{YEAR}-0001"].title.startswith("Reception and first-response centres")
    brazil = next(p for p in catalogue(users["secretariat"], ProjectFilters(q="roraima")).page)
    assert (brazil.listing.title_language, brazil.listing.places) == ("pt", [("Brazil", ["Roraima"])])


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", [f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001", f"PQ-COL-{YEAR}-0001"]),
    ("gap_desc", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]),
    ("gap_asc", [f"PQ-PER-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-COL-{YEAR}-0001"]),
    ("budget_desc", [f"PQ-ECU-{YEAR}-0001", f"PQ-COL-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]),
    ("code", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]),
])
def test_sorts(users, sort, expected):
    assert [p.code for p in catalogue(None, ProjectFilters(sort=sort)).page] == expected


def test_projects_without_a_gap_sort_last_either_way(users):
    for sort in ("gap_desc", "gap_asc"):
        assert [p.code for p in catalogue(users["secretariat"], ProjectFilters(sort=sort)).page][-1] == (
            f"PQ-COL-{YEAR}-0002")  # the draft has asked for nothing yet


def test_pages_and_a_page_past_the_end(users, monkeypatch):
    from minga.portfolio.selectors import catalogue_view

    monkeypatch.setattr(catalogue_view, "PER_PAGE", 2)
    first = catalogue(None, ProjectFilters(sort="code"), 1)
    assert [p.code for p in first.page] == [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]
    assert (first.page.number, first.page.paginator.num_pages, first.page.has_next()) == (1, 2, True)
    for number, expected in ((2, [f"PQ-PER-{YEAR}-0001"]), (9, [f"PQ-PER-{YEAR}-0001"]),
                             ("x", [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"])):
        assert [p.code for p in catalogue(None, ProjectFilters(sort="code"), number).page] == expected


def test_per_page_is_25():
    from minga.portfolio import selectors

    assert selectors.PER_PAGE == 25


@pytest.mark.parametrize("query", [
    "", "q=integração cúcuta&country=COL&country=ECU&subdivision=CO-NSA&axis=gender-equity&line=x&marker=gender"
        "&group=host_community&status=published&organisation_type=11&proposer_country=COL&gap_min=100000"
        "&gap_max=999999.99&sort=gap_desc",
    "country=COL,PER&sort=code", "gap_min=abc&sort=nonsense",
])
def test_every_filtered_view_has_a_stable_address(query):
    filters = ProjectFilters.from_querydict(QueryDict(query))
    again = ProjectFilters.from_querydict(QueryDict(urlencode(filters.as_query())))
    assert again == filters
    assert ProjectFilters.from_querydict(QueryDict(again.urlencode())).urlencode() == filters.urlencode()


def test_unusable_values_are_dropped_from_the_address():
    filters = ProjectFilters.from_querydict(QueryDict("gap_min=abc&gap_max=NaN&sort=nonsense&q=%20"))
    assert (filters.gap_min, filters.gap_max, filters.sort, filters.urlencode()) == (None, None, "newest", "")


def test_the_gap_range_links_keep_the_other_filters():
    result = catalogue(None, ProjectFilters(country=["COL"], sort="code"))
    assert [r.query for r in result.gap_ranges] == [
        "country=COL&sort=code&gap_max=99999.99",
        "country=COL&sort=code&gap_min=100000&gap_max=499999.99",
        "country=COL&sort=code&gap_min=500000&gap_max=999999.99",
        "country=COL&sort=code&gap_min=1000000&gap_max=4999999.99",
        "country=COL&sort=code&gap_min=5000000",
    ]
    chosen = catalogue(None, ProjectFilters.from_querydict(QueryDict(result.gap_ranges[3].query)))
    assert [r.selected for r in chosen.gap_ranges] == [False, False, False, True, False]
    assert [p.code for p in chosen.page] == [f"PQ-COL-{YEAR}-0001"]


def test_deleted_projects_leave_the_catalogue(users):
    from minga.audit import services as audit
    from minga.portfolio.models import Project

    audit.soft_delete(instance=Project.objects.get(code=f"PQ-PER-{YEAR}-0001"), user=users["secretariat"],
                      reason="duplicate")
    assert codes(None) == [f"PQ-COL-{YEAR}-0001", f"PQ-ECU-{YEAR}-0001"]
    assert codes(users["secretariat"]) == [f"PQ-BRA-{YEAR}-0001", f"PQ-COL-{YEAR}-0001", f"PQ-COL-{YEAR}-0002",
                                           f"PQ-ECU-{YEAR}-0001"]  # the Peruvian one gone
