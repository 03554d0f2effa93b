"""Question 6: the published projects a donor might fund, ranked, with why each one matches.

ONE list, shown the same on the donor's funding page (``pages.donor_page``) and on the donor officer's
"my projects" (``portfolio.selectors.matching.funding_matches``, to which ``FinanceConfig.ready`` registers
``donor_matches``). docs/finance.md, "Projects for a donor".

- **What the donor gave** (only what the reader may see: the public, validated records): the recipient
  countries of its pledges and their thematic earmarks; the countries (receiving country and shares) and the
  theme of its commitments and disbursements; the projects it funds — secured funding or the Funding role in
  the portfolio, or named by one of its flows — with their countries, themes and cross-cutting markers
  (significance 1 or 2); and the gender marker (IATI policy marker 1, significance 1 or 2) of the IATI
  activities its imported flows came from.
- **Candidates**: the published projects with an open gap that it does not fund yet. The gap is the one the
  portfolio keeps (``Project.gap_usd``: requested minus secured, in USD), the figure the project page and the
  catalogue show; a project whose gap is unknown (not converted) or nil is not a candidate.
- **Why**: each country, theme and marker a candidate shares with what the donor gave is one reason.
- **Ranking**: fit (the number of distinct reasons), then the gap (largest first), then the code.

A fixed number of queries whatever the numbers of pledges, flows and projects (no query per project).
"""

from collections.abc import Iterable

from django.db.models import Exists, Q
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.finance.tracking import FlowShare, FundingFlow, PledgeCountry, Stage, TrackedPledge
from minga.portfolio.models import Project, ProjectLocation, ProjectMarker, ProjectTheme
from minga.portfolio.selectors.matching import MATCHES_SHOWN, FundingMatches, Match, funded_by
from minga.portfolio.selectors.overview import LONG_TEXTS, NEWEST, published_projects
from minga.reference.models import Country, Marker, Significance, Term

COUNTED_STAGES = (Stage.COMMITMENT, Stage.DISBURSEMENT)  # money given; incoming and expenditure are the receivers'
PURSUED = (Significance.SIGNIFICANT, Significance.PRINCIPAL)
IATI_GENDER_MARKER = "1"  # IATI PolicyMarker 1, gender equality (docs/exchange.md)


def donor_matches(user, donors: Iterable[int], *, limit: int = MATCHES_SHOWN) -> FundingMatches:
    """The list for the organisations ``donors`` (one donor's page: its id; an officer: their organisations)."""
    donors = sorted(set(donors))
    pledges = permissions.visible(user, TrackedPledge.objects.filter(donor_id__in=donors)).values("pk")
    flows = permissions.visible(user, FundingFlow.objects.filter(provider_id__in=donors, stage__in=COUNTED_STAGES))
    funded = permissions.visible(user, Project.objects.all()).filter(
        Q(pk__in=funded_by(user, donors).values("pk")) | Q(pk__in=flows.filter(project__isnull=False)
                                                             .values("project_id")))
    funded_keys = funded.values("pk")

    # One query per kind of reason (a UNION of its sources), whatever the numbers of records.
    flow_keys = flows.values("pk")
    countries = _union(PledgeCountry.objects.filter(pledge__in=pledges).values_list("country_id"),
                       FlowShare.objects.filter(flow__in=flow_keys).values_list("country_id"),
                       flows.filter(country__isnull=False).values_list("country_id"),
                       ProjectLocation.objects.filter(project__in=funded_keys).values_list("country_id"))
    themes = _union(TrackedPledge.earmarks.through.objects.filter(trackedpledge__in=pledges).values_list("term_id"),
                    flows.filter(theme__isnull=False).values_list("theme_id"),
                    ProjectTheme.objects.filter(project__in=funded_keys).values_list("term_id"))
    # The IATI activity a flow was imported from (exchange keeps it, pointing at the flow): its gender marker.
    imported = flows.filter(iati_transaction__activity__gender_marker__in=PURSUED)
    markers = _union(ProjectMarker.objects.filter(project__in=funded_keys, significance__in=PURSUED)
                     .values_list("marker_id"),
                     Marker.objects.filter(iati_policy_marker=IATI_GENDER_MARKER).filter(Exists(imported))
                     .values_list("code"))

    seeking = published_projects().filter(gap_usd__gt=0).exclude(pk__in=funded_keys).values("pk")
    found: dict[int, tuple[set, set, set]] = {}
    gaps, codes = {}, {}
    parts = ((0, ProjectLocation.objects.filter(country_id__in=countries), "country_id"),
             (1, ProjectTheme.objects.filter(term_id__in=themes), "term_id"),
             (2, ProjectMarker.objects.filter(marker_id__in=markers, significance__in=PURSUED), "marker_id"))
    for position, rows, column in parts:
        for key, value, gap, code in rows.filter(project__in=seeking).values_list(
                "project_id", column, "project__gap_usd", "project__code"):
            found.setdefault(key, (set(), set(), set()))[position].add(value)
            gaps[key], codes[key] = gap, code
    # Fit (distinct reasons), then the gap, largest first, then the code.
    shown_keys = sorted(found, key=lambda key: (-sum(len(part) for part in found[key]), -gaps[key],
                                                codes[key]))[:limit]

    names = {country.iso3: country.name for country in Country.objects.filter(iso3__in=countries)}
    # all_objects: a term retired (soft-deleted) since a record named it still has a name to give.
    labels = {term.pk: term.label or term.code for term in Term.all_objects.filter(pk__in=themes)}
    marker_labels = {marker.code: marker.label for marker in Marker.objects.filter(code__in=markers)}
    shown = Project.objects.select_related("proposing_organisation").defer(*LONG_TEXTS).in_bulk(shown_keys)
    return FundingMatches(
        funded=list(funded.select_related("proposing_organisation").defer(*LONG_TEXTS).order_by(NEWEST, "-pk")),
        matches=[Match(project=shown[key], reasons=reasons_for(found[key], names, labels, marker_labels),
                       gap_usd=gaps[key]) for key in shown_keys],
        total=len(found), countries=sorted(names.values()), themes=sorted(labels.values()),
        markers=sorted(marker_labels.values()))


def _union(*querysets) -> set:
    first, *others = (queryset.order_by() for queryset in querysets)
    return {value for (value,) in first.union(*others)}


def reasons_for(matched: tuple[set, set, set], names: dict, labels: dict, marker_labels: dict) -> list[str]:
    countries, themes, markers = matched
    return ([_("works in %(country)s, where the donor has pledged or funded") % {"country": names[iso3]}
             for iso3 in sorted(countries, key=names.get)]
            + [_("its theme %(theme)s was earmarked or funded by the donor") % {"theme": labels[term]}
               for term in sorted(themes, key=labels.get)]
            + [_("its cross-cutting approach %(marker)s is one the donor's funded work pursues")
               % {"marker": marker_labels[code]} for code in sorted(markers, key=marker_labels.get)])
