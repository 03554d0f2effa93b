"""Which published projects a donor's organisation might fund: those seeking funding where it already funds.

A donor officer's organisation (and the units under it) "funds" a country or a theme when a project it
funds names it: as the funder of secured money, or as a participant in the Funding role (IATI 1). Only the
projects the officer may see count (a hidden draft tells nothing). The candidates are the published
projects with an open gap that it does not fund yet, each with why it matches ("funds Colombia", "funds
theme Education"), ranked by the number of matches, then by the gap, largest first.

A later financing issue extends the reasons with pledges and flows: ``reasons_for`` is where they join.
Pledges today name a conference and an amount, not a country or a theme, so they give no reason yet.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.accounts.models import Role
from minga.portfolio.models import (
    ParticipantRole,
    Project,
    ProjectFunding,
    ProjectLocation,
    ProjectParticipant,
    ProjectTheme,
)
from minga.portfolio.selectors.catalogue_view import reader_language
from minga.portfolio.selectors.overview import LONG_TEXTS, NEWEST, published_projects
from minga.reference.models import Country, Term

MATCHES_SHOWN = 25


@dataclass
class Match:
    project: Project
    reasons: list[str]  # in the reader's language, countries first


@dataclass
class FundingMatches:
    funded: list[Project]  # the visible projects the organisation funds (its own, for a donor)
    matches: list[Match]  # the best MATCHES_SHOWN
    total: int  # how many match in all
    countries: list[str]  # names of the countries it funds
    themes: list[str]  # labels of the themes it funds


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
    """For a donor officer, the published projects that seek funding where their organisation funds; else None.

    Seven queries whatever the numbers: the funded projects, their countries and themes, the candidates'
    matching countries and themes (with their gaps), the names, and the shown projects.
    """
    organisations = donor_organisations(user)
    if not organisations:
        return None
    funded = funded_by(user, organisations)
    funded_keys = funded.values("pk")
    funded_list = list(funded.select_related("proposing_organisation").defer(*LONG_TEXTS)
                       .order_by(NEWEST, "-pk"))
    countries = set(ProjectLocation.objects.filter(project__in=funded_keys).values_list("country_id", flat=True))
    terms = set(ProjectTheme.objects.filter(project__in=funded_keys).values_list("term_id", flat=True))

    seeking = published_projects().filter(gap_usd__gt=0).exclude(pk__in=funded_keys).values("pk")
    found: dict[int, tuple[set, set]] = {}
    gaps = {}
    for key, iso3, gap in (ProjectLocation.objects.filter(project__in=seeking, country_id__in=countries)
                           .values_list("project_id", "country_id", "project__gap_usd")):
        found.setdefault(key, (set(), set()))[0].add(iso3)
        gaps[key] = gap
    for key, term, gap in (ProjectTheme.objects.filter(project__in=seeking, term_id__in=terms)
                           .values_list("project_id", "term_id", "project__gap_usd")):
        found.setdefault(key, (set(), set()))[1].add(term)
        gaps[key] = gap
    ranked = sorted(found, key=lambda key: (-(len(found[key][0]) + len(found[key][1])), -gaps[key], key))[:limit]

    names = {country.iso3: country.name for country in Country.objects.filter(iso3__in=countries)}
    reader = reader_language()
    labels = {term.pk: term.label_in(reader)[0] for term in Term.objects.filter(pk__in=terms)}
    shown = Project.objects.select_related("proposing_organisation").defer(*LONG_TEXTS).in_bulk(ranked)
    matches = [Match(project=shown[key], reasons=reasons_for(found[key], names, labels)) for key in ranked]
    return FundingMatches(funded=funded_list, matches=matches, total=len(found),
                          countries=sorted(names.values()), themes=sorted(labels.values()))


def reasons_for(matched: tuple[set, set], names: dict, labels: dict) -> list[str]:
    countries, terms = matched
    return ([_("funds %(country)s") % {"country": names[iso3]} for iso3 in sorted(countries, key=names.get)]
            + [_("funds theme %(theme)s") % {"theme": labels[term]} for term in sorted(terms, key=labels.get)])
