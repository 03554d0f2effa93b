"""Reads of the portfolio, with visibility applied, by concern; every public name is re-exported here.

- ``filters``: the catalogue's filters and sorts in SQL (``ProjectFilters``, ``projects_matching``,
  ``projects_search``), read by the API's list and the exports;
- ``catalogue_view``: the catalogue page's view (``catalogue``): facet counts, totals, one page, from the
  facet index in memory or from SQL (``facet_counts``), as ``MINGA_CATALOGUE_INDEX`` chooses;
- ``project_view``: the project page (``project_page``);
- ``access``: one project with its permission (``access_project``), "my projects", the review queue;
- ``overview``: the portfolio as other pages show it (published totals, latest, per subdivision, an
  organisation's projects);
- ``matching``: the published projects a donor's organisation might fund (``funding_matches``; the list itself
  is finance's ``donor_matches``, registered at start-up).
"""

from minga.portfolio.selectors.access import access_project, my_projects, review_queue
from minga.portfolio.selectors.catalogue_view import (
    CENT,
    PER_PAGE,
    Catalogue,
    Facet,
    FacetValue,
    GapRange,
    ProjectListing,
    Totals,
    catalogue,
    reader_language,
)
from minga.portfolio.selectors.filters import (
    SORTS,
    ProjectFilters,
    filtered,
    order_expressions,
    ordering_expressions,
    projects_matching,
    projects_search,
    projects_visible,
    public_projects,
    sort_order,
)
from minga.portfolio.selectors.matching import FundingMatches, Match, donor_organisations, funded_by, funding_matches
from minga.portfolio.selectors.overview import (
    LATEST,
    Listed,
    OrganisationProjects,
    latest_published,
    organisation_projects,
    published_per_subdivision,
    published_projects,
    published_totals,
    totals_of,
)
from minga.portfolio.selectors.project_view import ProjectPage, ShownText, changes_requested, project_page

__all__ = [
    "CENT",
    "LATEST",
    "PER_PAGE",
    "SORTS",
    "Catalogue",
    "Facet",
    "FacetValue",
    "FundingMatches",
    "GapRange",
    "Listed",
    "Match",
    "OrganisationProjects",
    "ProjectFilters",
    "ProjectListing",
    "ProjectPage",
    "ShownText",
    "Totals",
    "access_project",
    "catalogue",
    "changes_requested",
    "donor_organisations",
    "filtered",
    "funded_by",
    "funding_matches",
    "latest_published",
    "my_projects",
    "order_expressions",
    "ordering_expressions",
    "organisation_projects",
    "project_page",
    "projects_matching",
    "projects_search",
    "projects_visible",
    "public_projects",
    "published_per_subdivision",
    "published_projects",
    "published_totals",
    "reader_language",
    "review_queue",
    "sort_order",
    "totals_of",
]
