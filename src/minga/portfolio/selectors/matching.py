"""Which published projects a donor might fund: issue 10's answer 6, as the donor officer's "my projects" shows it.

The answer is ONE list, computed by ``minga.finance.selectors.matches.donor_matches`` (reasons from the donor's
pledges and flows, the projects it funds and their markers; the project's gap as the portfolio keeps it; fit,
then gap, then code) and shown the same on the donor's funding page and here (docs/finance.md, "Projects for a
donor"). The pledges and flows live in ``finance``, which imports the portfolio: the portfolio must not import
it back (a cycle). So finance registers its selector here when the apps are ready (``FinanceConfig.ready``),
the way the workflows register themselves with ``accounts.workflows``; this module keeps the shapes both share.
The same holds for the flows a project's page lists (``project_flows``: finance's ``flows_for_project``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from minga.accounts import permissions
from minga.accounts.models import Role
from minga.portfolio.models import ParticipantRole, Project, ProjectFunding, ProjectParticipant
from minga.portfolio.selectors.overview import LONG_TEXTS, NEWEST

MATCHES_SHOWN = 25


@dataclass
class Match:
    project: Project
    reasons: list[str]  # in the reader's language: countries, then themes, then markers
    gap_usd: Decimal  # the project's open gap as the portfolio keeps it (``Project.gap_usd``)

    @property
    def fit(self) -> int:
        """How many distinct reasons: the first key of the ranking."""
        return len(self.reasons)


@dataclass
class FundingMatches:
    funded: list[Project] = field(default_factory=list)  # the visible projects the donor funds, newest first
    matches: list[Match] = field(default_factory=list)  # the best MATCHES_SHOWN
    total: int = 0  # how many match in all
    countries: list[str] = field(default_factory=list)  # names of the countries it pledged to or funded
    themes: list[str] = field(default_factory=list)  # labels of the themes it earmarked or funded
    markers: list[str] = field(default_factory=list)  # labels of the cross-cutting markers of what it funded


# (user, donor organisation ids, limit) -> FundingMatches; set by finance at start-up.
_RANKER: list[Callable] = []


def register_ranker(ranker: Callable) -> None:
    """Finance's ``donor_matches`` computes the list; registered once, at start-up."""
    _RANKER[:] = [ranker]


# (user, project) -> the funding flows the user may see that fund it; set by finance at start-up.
_FLOWS_READER: list[Callable] = []


def register_flows_reader(reader: Callable) -> None:
    """Finance's ``flows_for_project`` lists a project's flows; registered once, at start-up."""
    _FLOWS_READER[:] = [reader]


def project_flows(user, project) -> list:
    """The follow-up of the money on a project's page: the flows ``user`` may see that fund it (none without
    finance)."""
    return _FLOWS_READER[0](user, project) if _FLOWS_READER else []


def donor_organisations(user) -> frozenset:
    """The organisations a donor officer works for: each granted organisation and the units under it."""
    scopes = [scope.organisations for scope in permissions.actor_for(user).scopes if scope.role == Role.DONOR_OFFICER]
    return frozenset().union(*scopes)


def funded_by(user, organisations) -> QuerySet:
    """The projects ``user`` may see that ``organisations`` fund (secured funding or the Funding role)."""
    return permissions.visible(user, Project.objects.all()).filter(
        Q(pk__in=ProjectFunding.objects.filter(funder_id__in=organisations).values("project_id"))
        | Q(pk__in=ProjectParticipant.objects.filter(organisation_id__in=organisations,
                                                     role=ParticipantRole.FUNDING).values("project_id")))


def funding_matches(user, *, limit: int = MATCHES_SHOWN) -> FundingMatches | None:
    """For a donor officer, the list for their organisations (and the units under them); else None."""
    organisations = donor_organisations(user)
    if not organisations:
        return None
    if _RANKER:
        return _RANKER[0](user, organisations, limit=limit)
    # No finance app to rank with: what the organisation funds, and no list.
    return FundingMatches(funded=list(funded_by(user, organisations).select_related("proposing_organisation")
                                      .defer(*LONG_TEXTS).order_by(NEWEST, "-pk")))
