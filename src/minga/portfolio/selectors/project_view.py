"""The project page: everything it shows, each text in the reader's language or with a visible fallback."""

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from decimal import Decimal

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.common.languages import LANGUAGES
from minga.portfolio.inputs.concerns import concerned
from minga.portfolio.models import (
    PopulationGroup,
    Project,
    ProjectLocation,
    ProjectMarker,
    ProjectPeople,
    SexAge,
    Status,
)
from minga.portfolio.selectors.catalogue_view import CENT, reader_language
from minga.reference.models import Subdivision


@dataclass
class ShownText:
    """One of the texts in the reader's language, or in another with a visible marker, and its other versions."""

    text: str
    language: str
    fallback: bool
    others: list[tuple[str, str]]  # (language, text) of the versions not shown first


@dataclass
class TimelineStep:
    """One change of state. Its date and state are public facts; who made it and the comment (the
    secretariat's review) only those who may read the project's history see."""

    status: str
    at: datetime
    user: object | None = None
    comment: str = ""
    to_status: str = ""
    fields: list[tuple[str, str, int]] = dc_field(default_factory=list)  # what a request for changes concerns


@dataclass
class ProjectPage:
    project: Project
    title: ShownText
    summary: ShownText
    description: ShownText
    countries: list[ProjectLocation]
    subdivisions: list[ProjectLocation]
    municipalities: list[ProjectLocation]
    themes: list[tuple[str, list[tuple[str, str, Decimal]]]]  # (vocabulary label, [(label, language, share)])
    markers: list[ProjectMarker]
    people_by_group: list[ProjectPeople]
    people_by_sex_age: list[ProjectPeople]
    budget_years: list[tuple[int, Decimal, Decimal | None]]  # (year, amount, USD equivalent)
    funding: list
    participants: list
    contacts: list  # empty for readers who may not see them (as the API: those who may read the history)
    documents: list
    transitions: list[TimelineStep]
    secured_share: int | None  # per cent of the requested amount secured, for the bar
    not_converted: bool
    territory_map: dict | None = None  # what common.charts.project_territories_map_chart needs
    # Whether the reader sees the contacts and who moved the project with what comment: the permission
    # module's answer for the project's history (its editors, the secretariat, observers).
    details: bool = False
    changes_requested: TimelineStep | None = None  # what the secretariat asks of its editors (changes_requested)


def _shown(project: Project, name: str, reader: str) -> ShownText:
    text, language = project.text_in(name, reader)
    others = [(code, getattr(project, f"{name}_{code}")) for code in LANGUAGES
              if code != language and getattr(project, f"{name}_{code}")]
    return ShownText(text=text, language=language, fallback=bool(text) and language != reader, others=others)


def _timeline(project: Project, details: bool) -> list[TimelineStep]:
    transitions = project.transitions.order_by("at", "pk")
    if not details:  # the public facts only: not even read
        return [TimelineStep(status=str(step.get_to_status_display()), at=step.at)
                for step in transitions.only("to_status", "at", "project_id")]
    return [TimelineStep(status=str(step.get_to_status_display()), at=step.at, user=step.user, comment=step.comment,
                         to_status=step.to_status, fields=concerned(step.fields))
            for step in transitions.select_related("user")]


def changes_requested(project: Project, user, timeline: list[TimelineStep] | None = None) -> TimelineStep | None:
    """The secretariat's request for changes a project waits on (comment, who, when, what it concerns), for
    those who may change the project; None in any other state or for anyone else. Read from ``timeline``
    when the page has it (no query), else the project's last move."""
    if project.status != Status.CHANGES_REQUESTED or not permissions.can(user, Action.CHANGE, project):
        return None
    if timeline is None:
        step = project.transitions.select_related("user").order_by("-at", "-pk").first()
        timeline = [TimelineStep(status=str(step.get_to_status_display()), at=step.at, user=step.user,
                                 comment=step.comment, to_status=step.to_status, fields=concerned(step.fields))
                    ] if step else []
    return next((step for step in reversed(timeline) if step.to_status == Status.CHANGES_REQUESTED), None)


def project_page(project: Project, user) -> ProjectPage:
    """Everything the project page shows to ``user``, read in a fixed number of queries."""
    reader = reader_language()
    details = permissions.can(user, Action.VIEW_HISTORY, project)
    locations = list(project.locations.select_related("country", "subdivision", "municipality__subdivision"))
    vocabularies: dict[str, tuple[str, list]] = {}
    for theme in project.themes.select_related("term__vocabulary").order_by("term__vocabulary_id", "term__position"):
        vocabulary = theme.term.vocabulary
        label, language = theme.term.label_in(reader)
        vocabularies.setdefault(vocabulary.code, (vocabulary.label, []))[1].append(
            (label, "" if language == reader else language, theme.percentage))
    people = list(project.people.all())
    group_order = [value for value, _label in PopulationGroup.choices]
    sex_age_order = [value for value, _label in SexAge.choices]
    by_group = sorted((p for p in people if p.dimension == ProjectPeople.Dimension.POPULATION_GROUP),
                      key=lambda p: group_order.index(p.category) if p.category in group_order else 99)
    by_sex_age = sorted((p for p in people if p.dimension == ProjectPeople.Dimension.SEX_AGE),
                        key=lambda p: sex_age_order.index(p.category) if p.category in sex_age_order else 99)
    years = []
    for row in project.budget_years.all():
        usd = None
        if project.budget_usd is not None and project.budget_amount:
            usd = (row.amount * project.budget_usd / project.budget_amount).quantize(CENT)
        years.append((row.year, row.amount, usd))
    share = None
    if project.requested_usd and project.secured_usd is not None:
        share = min(100, int(project.secured_usd * 100 / project.requested_usd))

    territory_map = None
    countries = sorted({location.country_id for location in locations})
    if countries:
        named = {location.subdivision_id for location in locations if location.subdivision_id}
        units = list(Subdivision.objects.filter(country_id__in=countries, has_geometry=True))
        highlighted = set(named)
        for iso3 in countries:  # a country without named subdivisions: the project covers all of it
            if not any(location.subdivision_id for location in locations if location.country_id == iso3):
                highlighted |= {unit.code for unit in units if unit.country_id == iso3}
        names = {unit.code: unit.name for unit in units}
        # Only the countries with a unit on the map: the page loads each one's boundary file.
        drawn = {unit.country_id for unit in units}
        country_names = {location.country_id: location.country.name for location in locations}
        territory_map = {"countries": {iso3: country_names[iso3] for iso3 in countries if iso3 in drawn},
                         "names": names, "highlighted": highlighted}

    timeline = _timeline(project, details)
    return ProjectPage(
        project=project,
        title=_shown(project, "title", reader), summary=_shown(project, "summary", reader),
        description=_shown(project, "description", reader),
        countries=[loc for loc in locations if loc.level == "country"],
        subdivisions=[loc for loc in locations if loc.level == "subdivision"],
        municipalities=[loc for loc in locations if loc.level == "municipality"],
        themes=list(vocabularies.values()),
        markers=list(project.markers.select_related("marker").order_by("marker__position")),
        people_by_group=by_group, people_by_sex_age=by_sex_age, budget_years=years,
        funding=list(project.funding.select_related("funder").order_by("value_date", "pk")),
        participants=list(project.participants.select_related("organisation").order_by("role", "pk")),
        contacts=list(project.contacts.order_by("pk")) if details else [],
        documents=list(project.documents.filter(removed_at__isnull=True).order_by("kind", "uploaded_at", "pk")),
        transitions=timeline,
        changes_requested=changes_requested(project, user, timeline) if details else None,
        secured_share=share,
        not_converted=(project.requested_amount is not None and project.requested_usd is None)
        or project.secured_usd is None,
        territory_map=territory_map,
        details=details,
    )
