"""Facet counts follow faceted-search convention, on both backends (MINGA_CATALOGUE_INDEX=memory|sql): within a
facet, each value counts the projects that ticking it would give, over every other facet's filters but
without that facet's own; the totals and sums stay those of the result.

The secretariat sees the five demo projects:
  COL-0001 published, COL, org type 11, gap 1.2 M, refugees + host community, markers all >= 1,
           axes reception-centres + gender-equity, line women-access-to-rights;
  ECU-0001 in implementation, ECU, type 11, gap 912 k, refugees + host community, best interests 0,
           axis and line socioeconomic-integration;
  PER-0001 published, PER, type 10, gap 600 k, no group, axis child-protection, line children-adolescents…;
  BRA-0001 under review, BRA, type 10, gap 678 k, refugees, axis socioeconomic-integration;
  COL-0002 draft, nowhere yet, nothing counted but its line new-migration-narrative.
"""

import re
from decimal import Decimal

import pytest
from django.test import override_settings

from minga.portfolio.facet_index import INDEX
from minga.portfolio.selectors import ProjectFilters, facet_counts, projects_matching, sort_order
from minga.reference.models import Term

pytestmark = pytest.mark.django_db
BACKENDS = {"memory": INDEX.search, "sql": facet_counts.search}
both_backends = pytest.mark.parametrize("backend", list(BACKENDS))


def search(user, filters, backend):
    found = BACKENDS[backend](projects_matching(user, ProjectFilters()), filters, order=sort_order(filters.sort),
                              offset=0, limit=100)
    # Term keys are primary keys: named here by vocabulary and code.
    terms = {str(pk): f"{vocabulary}:{code}" for pk, vocabulary, code in Term.objects.values_list(
        "pk", "vocabulary_id", "code")}
    counts = {facet: ({terms[key]: n for key, n in values.items()} if facet == "term" else values)
              for facet, values in found.counts.items()}
    return found.total, counts, found.sums


@both_backends
def test_each_facet_counts_without_its_own_filter_and_with_all_the_others(users, backend):
    total, counts, sums = search(users["secretariat"], ProjectFilters(
        country=["COL", "ECU"], group=["refugees_migrants"], status=["published", "in_implementation", "under_review"],
        marker=["gender"]), backend)
    assert total == 2  # COL-0001 and ECU-0001
    assert counts == {
        # Brazil's project passes every other filter: ticking Brazil adds it. Peru's serves no group: 0.
        "country": {"BRA": 1, "COL": 1, "ECU": 1},
        "group": {"host_community": 2, "refugees_migrants": 2},
        # Brazil's is under review but in no chosen country: no status count for it.
        "status": {"published": 1, "in_implementation": 1},
        "marker": {"gender": 2, "human-rights": 2, "territorial": 2, "best-interests-of-the-child": 1},
        # Facets without a filter of their own count the result.
        "organisation_type": {"11": 2},
        "subdivision": {"CO-ARA": 1, "CO-NSA": 1, "EC-C": 1},
        "term": {"quito-axes:reception-centres": 1, "quito-axes:gender-equity": 1,
                 "quito-axes:socioeconomic-integration": 1, "lines-of-work-2023:women-access-to-rights": 1,
                 "lines-of-work-2023:socioeconomic-integration": 1},
        "gap_range": {"2": 1, "3": 1},
        "converted": {"": 2},
    }
    # The sums are the result's (cents): Colombia's US$1.2 M requested, nothing secured; Ecuador's US$1.2 M,
    # US$287,687.17 secured.
    assert sums == {"requested": 120000000 + 120000000, "secured": 0 + 28768717, "gap": 120000000 + 91231283}


@both_backends
def test_the_gap_and_the_axis_count_without_their_own_filters(users, backend):
    total, counts, sums = search(users["secretariat"], ProjectFilters(
        axis=["socioeconomic-integration"], gap_max=Decimal("700000")), backend)
    assert total == 1  # BRA-0001 (a gap of 678 k; Ecuador's 912 k is over the maximum)
    assert counts["gap_range"] == {"2": 2}  # Brazil's and Ecuador's, both with that axis
    # Axes over the projects with a gap up to 700 k: Brazil's and Peru's.
    assert counts["term"] == {"quito-axes:socioeconomic-integration": 1, "quito-axes:child-protection": 1}
    assert (counts["country"], counts["status"], counts["converted"]) == ({"BRA": 1}, {"under_review": 1}, {"": 1})
    assert sums["gap"] == 67832629


@both_backends
def test_axis_and_line_each_count_without_their_own_filter_only(users, backend):
    total, counts, _sums = search(users["secretariat"], ProjectFilters(
        axis=["child-protection"], line=["socioeconomic-integration"]), backend)
    assert total == 0  # no project has both
    # Axes over the line's projects (Ecuador's), lines over the axis's projects (Peru's).
    assert counts == {"term": {"quito-axes:socioeconomic-integration": 1,
                               "lines-of-work-2023:children-adolescents-on-the-move": 1}}


@both_backends
def test_with_colombia_ticked_ecuador_offers_its_project(client, backend):
    with override_settings(MINGA_CATALOGUE_INDEX=backend):
        html = client.get("/projects/?country=COL", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<li>\s*<input type="checkbox" id="facet-country-ecu" name="country" value="ECU">\s*'
                     r'<label[^>]*>Ecuador</label>\s*<span class="count" data-count="1">1</span>', html)
    assert re.search(r'<li>\s*<input type="checkbox" id="facet-country-col" name="country" value="COL" checked>\s*'
                     r'<label[^>]*>Colombia</label>\s*<span class="count" data-count="1">1</span>', html)
    assert "<strong>1 project</strong>" in html
