"""What every role may and may not see or change, for every model in ``permissions.POLICIES``.

Records are named by their demo load key (see ``minga.site.data.demo`` and the reference data);
names starting with ``new`` are unsaved records, as ``can(user, "create", record)`` is asked of them.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from minga.accounts import permissions
from minga.accounts.models import Role, RoleGrant, User
from minga.accounts.services import role_grant, role_revoke
from minga.audit.services import record_soft_delete
from minga.capacity.models import KitResource, PriorityMunicipality, TrainingDelivery
from minga.finance.models import Conference, Pledge
from minga.narrative.models import GuideEntry
from minga.portfolio.models import Project
from minga.process.models import (
    ActionEvidence,
    Meeting,
    Milestone,
    PresidencyTerm,
    ProcessDocument,
    ProgressUpdate,
    RoadmapAction,
)
from minga.reference.models import (
    Country,
    ExchangeRate,
    Municipality,
    Organisation,
    PopulationFigure,
    RegionalFigure,
    Source,
    Term,
    Vocabulary,
)

pytestmark = pytest.mark.django_db

ALLOWED, REFUSED = True, False

# Population figures (the demo's published R4V figures and the one unpublished draft).
COL_FIGURE = "figure:COL:refugees_migrants:2024-06-30:r4v_2024_mid"
PER_FIGURE = "figure:PER:refugees_migrants:2024-06-30:r4v_2024_mid"
NSA_DRAFT = "figure:CO-NSA:refugees_migrants:2024-06-30:illustrative"
COL_FIGURES = {
    "figure:COL:refugees_migrants:2023-08-31:r4v_2023_08", COL_FIGURE,
    "figure:COL:regularization_applications:2023-08-31:col_etpv_2023_08",
    "figure:COL:regularized:2023-08-31:col_etpv_2023_08", NSA_DRAFT,
}
PER_FIGURES = {
    "figure:PER:refugees_migrants:2023-08-31:r4v_2023_08", PER_FIGURE,
    "figure:PER:regularization_applications:2023-11-10:per_cpp_2023",
}
CAN_PLEDGE = "pledge:brussels-2023:gov-can"
USA_PLEDGE = "pledge:brussels-2023:gov-usa"
SOURCE = "source:r4v_2024_mid"
TERM = "term:quito-axes:education"
CONFERENCE = "conference:brussels-2023"
MEETING = "meeting:lima-2021"
PROCESS_DOCUMENT = "process-document:joint-declaration-brussels-2023"
PRESIDENCY = "presidency:CRI:2023-01-01"
GUIDE = "guide:es:inmigrante-ilegal"
# The roadmap: a real action (no lead), the demo's illustrative ones led by Cúcuta and by Canada's GAC.
REAL_ACTION = "roadmap-action:capacity-development-kit"
CUCUTA_ACTION, GAC_ACTION = "roadmap-action:demo-cucuta-kit-rollout", "roadmap-action:demo-media-training-canada"
MILESTONE = "milestone:demo-cucuta-kit-rollout:0"
CUCUTA_PROGRESS = "progress:demo-cucuta-kit-rollout:2025-03-15"
# The capacity-development kit: a resource of the library, Cúcuta on the priority list, the demo's training there.
KIT_RESOURCE, KIT_PRIORITY = "kit:first-response:es:2", "kit-priority:CO54001"
CUCUTA_DELIVERY = "kit-delivery:CO54001:2025-10-20"

MODELS_BY_PREFIX = {
    "organisation": Organisation, "figure": PopulationFigure, "municipality": Municipality,
    "source": Source, "term": Term, "conference": Conference, "pledge": Pledge, "project": Project,
    "rate": ExchangeRate, "meeting": Meeting, "process-document": ProcessDocument, "presidency": PresidencyTerm,
    "guide": GuideEntry, "regional-figure": RegionalFigure, "roadmap-action": RoadmapAction, "milestone": Milestone,
    "progress": ProgressUpdate, "kit": KitResource, "kit-priority": PriorityMunicipality,
    "kit-delivery": TrainingDelivery, "evidence": ActionEvidence,
}
# Demo projects: published in Cúcuta (proposed by the Alcaldía) and in Peru, a Colombian draft of the
# government, a Brazilian one under review.
CUCUTA_PROJECT, LIMA_PROJECT = "project:cucuta-reception", "project:lima-kit"
COL_DRAFT, BRA_REVIEW = "project:narrative-draft", "project:roraima-interiorization"
COP_RATE = "rate:COP:2026-01-02"
WORLD_FIGURE = "regional-figure:world:refugees_migrants:2024-11-30:r4v_2024_11"


def _organisation(key: str) -> Organisation:
    return Organisation.all_objects.get(load_key=f"organisation:{key}")


NEW_RECORDS = {
    "new organisation in COL": lambda: Organisation(name="Nueva", organisation_type="22", country_id="COL"),
    "new organisation in PER": lambda: Organisation(name="Nueva", organisation_type="22", country_id="PER"),
    "new organisation in CO-NSA": lambda: Organisation(
        name="Nueva", organisation_type="22", country_id="COL", subdivision_id="CO-NSA"),
    "new organisation in CO-ANT": lambda: Organisation(
        name="Nueva", organisation_type="22", country_id="COL", subdivision_id="CO-ANT"),
    "new organisation under gov-can": lambda: Organisation(
        name="New unit", organisation_type="10", country_id="CAN", parent=_organisation("gov-can")),
    # Issue 8, finding 2: a unit placed abroad, without a subdivision that would name the territory.
    "new organisation under demo-cucuta in PER": lambda: Organisation(
        name="Oficina de Cúcuta en Lima", organisation_type="11", country_id="PER", parent=_organisation("demo-cucuta")),
    "new organisation under gov-can in PER": lambda: Organisation(
        name="Embajada de Canadá en Perú", organisation_type="10", country_id="PER", parent=_organisation("gov-can")),
    "new figure in CO-NSA": lambda: PopulationFigure(country_id="COL", subdivision_id="CO-NSA", value=1,
                                                     as_of=date(2025, 1, 1)),
    "new figure in CO-ANT": lambda: PopulationFigure(country_id="COL", subdivision_id="CO-ANT", value=1,
                                                     as_of=date(2025, 1, 1)),
    "new figure in PER": lambda: PopulationFigure(country_id="PER", value=1, as_of=date(2025, 1, 1)),
    "new municipality in CO-ANT": lambda: Municipality(pcode="CO05001", name="Medellín", subdivision_id="CO-ANT"),
    "new municipality in PE-LMA": lambda: Municipality(pcode="PE1501", name="Lima", subdivision_id="PE-LMA"),
    "new source": lambda: Source(publisher="R4V", title="New"),
    "new meeting": lambda: Meeting(code="new", kind="round", starts_on=date(2026, 1, 1)),
    "new process-document": lambda: ProcessDocument(code="new", kind="other", adopted_on=date(2026, 1, 1)),
    "new presidency": lambda: PresidencyTerm(country_id="URY", starts_on=date(2026, 1, 1), starts_precision="year"),
    "new term": lambda: Term(vocabulary=Vocabulary.objects.get(code="quito-axes"), code="new", label_en="New"),
    "new conference": lambda: Conference(code="new", label_en="New", starts_on=date(2026, 1, 1),
                                         ends_on=date(2026, 1, 2)),
    "new pledge by gac": lambda: Pledge(donor=_organisation("gac"), amount=Decimal(1), currency="CAD"),
    "new pledge by usaid": lambda: Pledge(donor=_organisation("usaid"), amount=Decimal(1), currency="USD"),
    "new project by gov-col": lambda: Project(proposing_organisation=_organisation("gov-col"), country_id="COL"),
    "new project by gov-per": lambda: Project(proposing_organisation=_organisation("gov-per"), country_id="PER"),
    "new project by demo-cucuta": lambda: Project(proposing_organisation=_organisation("demo-cucuta"),
                                                  country_id="COL"),
    # Saved before the grants are read, so that the unit counts in the Cúcuta officer's organisation tree.
    "new project by a demo-cucuta unit in PER": lambda: Project(proposing_organisation=Organisation.objects.create(
        name="Oficina de Cúcuta en Lima", organisation_type="11", country_id="PER",
        parent=_organisation("demo-cucuta")), country_id="PER"),
    "new project by an organisation awaiting approval": lambda: Project(
        proposing_organisation=Organisation.objects.create(
            name="Ministerio peruano", organisation_type="10", country_id="PER", parent=_organisation("gov-can"),
            awaiting_approval=True), country_id="PER"),
    "new guide entry": lambda: GuideEntry(language="es", slug="nuevo", term="nuevo", category="metaphor"),
    "new rate": lambda: ExchangeRate(currency="PEN", on_date=date(2026, 6, 1), units_per_usd=Decimal("3.7")),
    "new regional-figure": lambda: RegionalFigure(region="world", value=1, as_of=date(2026, 1, 1)),
    "new roadmap-action": lambda: RoadmapAction(code="new", line=Term.objects.get(load_key=TERM)),
    "new milestone": lambda: Milestone(action=record(CUCUTA_ACTION), due_on=date(2026, 1, 1)),
    **{f"new evidence on {key.split(':')[1]}": (lambda key=key: ActionEvidence(action=record(key)))
       for key in (REAL_ACTION, CUCUTA_ACTION, GAC_ACTION)},
    "new kit resource": lambda: KitResource(series="new", kind="module", language="es", edition=1),
    "new kit-priority Tulcán": lambda: PriorityMunicipality(municipality=Municipality.objects.get(pcode="EC0401")),
    **{f"new kit-delivery in {pcode}": (lambda pcode=pcode: TrainingDelivery(
        municipality=Municipality.objects.get(pcode=pcode), organiser=_organisation("demo-cucuta")))
       for pcode in ("CO54001", "EC0401")},
    **{f"new progress on {key.split(':')[1]}": (lambda key=key: ProgressUpdate(action=record(key)))
       for key in (REAL_ACTION, CUCUTA_ACTION, GAC_ACTION)},
}


def record(key: str):
    if key in NEW_RECORDS:
        return NEW_RECORDS[key]()
    return MODELS_BY_PREFIX[key.split(":")[0]].all_objects.get(load_key=key)


def keys(queryset) -> set[str]:
    return set(queryset.values_list("load_key", flat=True))


def case(role, action, key, expected):
    verdict = "allowed" if expected else "refused"
    return pytest.param(role, action, key, expected, id=f"{role}-{action}-{key}-{verdict}")


MATRIX = [
    # --- portfolio.project: proposers edit their drafts (not once submitted or published), the
    # public sees published projects, observers everything, nobody else another country's draft.
    case("secretariat", "change", CUCUTA_PROJECT, ALLOWED),
    case("focal_col", "view", COL_DRAFT, ALLOWED),
    case("focal_col", "change", COL_DRAFT, ALLOWED),
    case("focal_col", "create", "new project by gov-col", ALLOWED),
    case("focal_col", "change", CUCUTA_PROJECT, REFUSED),
    case("focal_col", "create", "new project by gov-per", REFUSED),
    case("focal_per", "view", LIMA_PROJECT, ALLOWED),
    case("focal_per", "create", "new project by gov-per", ALLOWED),
    case("focal_per", "view", COL_DRAFT, REFUSED),
    case("focal_per", "change", COL_DRAFT, REFUSED),
    case("local_cucuta", "view", CUCUTA_PROJECT, ALLOWED),
    case("local_cucuta", "create", "new project by demo-cucuta", ALLOWED),
    case("local_cucuta", "change", CUCUTA_PROJECT, REFUSED),
    case("local_cucuta", "view", COL_DRAFT, REFUSED),
    case("donor_can", "view", LIMA_PROJECT, ALLOWED),
    case("donor_can", "view", COL_DRAFT, REFUSED),
    case("donor_can", "create", "new project by gov-col", REFUSED),
    # Scope covers the country too: a unit of Cúcuta placed in Peru is Peru's, not the officer's.
    case("local_cucuta", "create", "new project by a demo-cucuta unit in PER", REFUSED),
    case("focal_per", "create", "new project by a demo-cucuta unit in PER", ALLOWED),
    # An organisation awaiting the secretariat's approval proposes nothing, for anyone.
    *[case(role, "create", "new project by an organisation awaiting approval", REFUSED) for role in
      ("secretariat", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")],
    case("observer", "view", BRA_REVIEW, ALLOWED),
    case("observer", "view_history", COL_DRAFT, ALLOWED),
    case("observer", "change", BRA_REVIEW, REFUSED),
    case("anonymous", "view", LIMA_PROJECT, ALLOWED),
    case("anonymous", "view", BRA_REVIEW, REFUSED),
    case("anonymous", "view_history", LIMA_PROJECT, REFUSED),
    # --- reference.exchangerate: public, kept by the secretariat only.
    case("secretariat", "change", COP_RATE, ALLOWED),
    *[case(role, "view", COP_RATE, ALLOWED) for role in
      ("focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")],
    *[case(role, action, key, REFUSED) for role, action, key in (
        ("focal_col", "change", COP_RATE), ("focal_per", "create", "new rate"), ("local_cucuta", "change", COP_RATE),
        ("donor_can", "change", COP_RATE), ("observer", "change", COP_RATE), ("anonymous", "change", COP_RATE))],
    # --- reference.regionalfigure: the totals R4V publishes; public, kept by the secretariat only.
    case("secretariat", "change", WORLD_FIGURE, ALLOWED),
    case("secretariat", "create", "new regional-figure", ALLOWED),
    *[case(role, "view", WORLD_FIGURE, ALLOWED) for role in
      ("focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")],
    *[case(role, action, key, REFUSED) for role, action, key in (
        ("focal_col", "change", WORLD_FIGURE), ("focal_per", "create", "new regional-figure"),
        ("local_cucuta", "change", WORLD_FIGURE), ("donor_can", "change", WORLD_FIGURE),
        ("observer", "change", WORLD_FIGURE), ("anonymous", "change", WORLD_FIGURE))],
    # --- reference.organisation: focal points by country, local government by organisation and
    # territory, donors by organisation and the units under it; everyone sees every live one.
    case("secretariat", "change", "organisation:gov-per", ALLOWED),
    case("secretariat", "delete", "organisation:gov-per", ALLOWED),
    case("secretariat", "restore", "organisation:gov-per", ALLOWED),
    case("focal_col", "create", "new organisation in COL", ALLOWED),
    case("focal_col", "change", "organisation:gov-col", ALLOWED),
    case("focal_col", "delete", "organisation:demo-cucuta", ALLOWED),
    case("focal_col", "view_history", "organisation:gov-col", ALLOWED),
    case("focal_col", "create", "new organisation in PER", REFUSED),
    case("focal_col", "change", "organisation:gov-per", REFUSED),
    case("focal_col", "view_history", "organisation:gov-per", REFUSED),
    case("focal_col", "restore", "organisation:gov-col", REFUSED),
    case("focal_col", "publish", "organisation:gov-col", REFUSED),
    case("focal_per", "change", "organisation:gov-per", ALLOWED),
    case("focal_per", "change", "organisation:gov-col", REFUSED),
    case("local_cucuta", "change", "organisation:demo-cucuta", ALLOWED),
    case("local_cucuta", "create", "new organisation in CO-NSA", ALLOWED),
    case("local_cucuta", "change", "organisation:gov-col", REFUSED),
    case("local_cucuta", "change", "organisation:demo-tulcan", REFUSED),
    case("local_cucuta", "create", "new organisation in CO-ANT", REFUSED),
    case("local_cucuta", "create", "new organisation under demo-cucuta in PER", REFUSED),
    case("focal_per", "create", "new organisation under demo-cucuta in PER", ALLOWED),
    case("focal_col", "create", "new organisation under demo-cucuta in PER", REFUSED),
    case("donor_can", "change", "organisation:gov-can", ALLOWED),
    case("donor_can", "change", "organisation:gac", ALLOWED),
    case("donor_can", "change", "organisation:usaid", REFUSED),
    case("donor_can", "change", "organisation:gov-col", REFUSED),
    # A new record has no id yet: its parent places it under the donor's organisation.
    case("donor_can", "create", "new organisation under gov-can", ALLOWED),
    # A donor's unit may sit in another country (an embassy); in a member state it awaits approval (below).
    case("donor_can", "create", "new organisation under gov-can in PER", ALLOWED),
    case("local_cucuta", "create", "new organisation under gov-can in PER", REFUSED),
    case("observer", "view", "organisation:gov-per", ALLOWED),
    case("observer", "view_history", "organisation:gov-per", ALLOWED),
    case("observer", "change", "organisation:gov-per", REFUSED),
    case("observer", "create", "new organisation in COL", REFUSED),
    case("observer", "delete", "organisation:gov-col", REFUSED),
    case("anonymous", "view", "organisation:gov-col", ALLOWED),
    case("anonymous", "view_history", "organisation:gov-col", REFUSED),
    case("anonymous", "change", "organisation:gov-col", REFUSED),
    # --- reference.populationfigure: unpublished figures only for their editors and readers.
    case("secretariat", "publish", NSA_DRAFT, ALLOWED),
    case("secretariat", "change", PER_FIGURE, ALLOWED),
    case("focal_col", "view", NSA_DRAFT, ALLOWED),
    case("focal_col", "change", NSA_DRAFT, ALLOWED),
    case("focal_col", "change", COL_FIGURE, ALLOWED),
    case("focal_col", "create", "new figure in CO-ANT", ALLOWED),
    case("focal_col", "change", PER_FIGURE, REFUSED),
    case("focal_col", "create", "new figure in PER", REFUSED),
    case("focal_col", "publish", NSA_DRAFT, REFUSED),
    case("focal_per", "view", PER_FIGURE, ALLOWED),
    case("focal_per", "change", PER_FIGURE, ALLOWED),
    case("focal_per", "view", NSA_DRAFT, REFUSED),
    case("focal_per", "change", COL_FIGURE, REFUSED),
    case("local_cucuta", "view", NSA_DRAFT, ALLOWED),
    case("local_cucuta", "change", NSA_DRAFT, ALLOWED),
    case("local_cucuta", "create", "new figure in CO-NSA", ALLOWED),
    case("local_cucuta", "create", "new figure in CO-ANT", REFUSED),
    case("local_cucuta", "change", COL_FIGURE, REFUSED),
    case("local_cucuta", "publish", NSA_DRAFT, REFUSED),
    case("donor_can", "view", COL_FIGURE, ALLOWED),
    case("donor_can", "view", NSA_DRAFT, REFUSED),
    case("donor_can", "change", COL_FIGURE, REFUSED),
    case("observer", "view", NSA_DRAFT, ALLOWED),
    case("observer", "view_history", NSA_DRAFT, ALLOWED),
    case("observer", "change", NSA_DRAFT, REFUSED),
    case("observer", "publish", NSA_DRAFT, REFUSED),
    case("anonymous", "view", COL_FIGURE, ALLOWED),
    case("anonymous", "view", NSA_DRAFT, REFUSED),
    case("anonymous", "view_history", COL_FIGURE, REFUSED),
    # --- reference.municipality: focal points of the municipality's country only.
    case("secretariat", "change", "municipality:EC0401", ALLOWED),
    case("secretariat", "delete", "municipality:EC0401", ALLOWED),
    case("focal_col", "change", "municipality:CO54001", ALLOWED),
    case("focal_col", "create", "new municipality in CO-ANT", ALLOWED),
    case("focal_col", "change", "municipality:EC0401", REFUSED),
    case("focal_col", "create", "new municipality in PE-LMA", REFUSED),
    case("focal_per", "create", "new municipality in PE-LMA", ALLOWED),
    case("focal_per", "change", "municipality:CO54001", REFUSED),
    case("local_cucuta", "view", "municipality:CO54001", ALLOWED),
    case("local_cucuta", "change", "municipality:CO54001", REFUSED),
    case("donor_can", "view", "municipality:CO54001", ALLOWED),
    case("donor_can", "change", "municipality:CO54001", REFUSED),
    case("observer", "view_history", "municipality:CO54001", ALLOWED),
    case("observer", "change", "municipality:CO54001", REFUSED),
    case("anonymous", "view", "municipality:CO54001", ALLOWED),
    case("anonymous", "change", "municipality:CO54001", REFUSED),
    # --- reference.source: the secretariat's list; everyone reads it.
    case("secretariat", "change", SOURCE, ALLOWED),
    case("secretariat", "create", "new source", ALLOWED),
    case("focal_col", "view", SOURCE, ALLOWED),
    case("focal_col", "change", SOURCE, REFUSED),
    case("focal_col", "view_history", SOURCE, REFUSED),
    case("focal_per", "view", SOURCE, ALLOWED),
    case("focal_per", "create", "new source", REFUSED),
    case("local_cucuta", "view", SOURCE, ALLOWED),
    case("local_cucuta", "change", SOURCE, REFUSED),
    case("donor_can", "view", SOURCE, ALLOWED),
    case("donor_can", "change", SOURCE, REFUSED),
    case("observer", "view_history", SOURCE, ALLOWED),
    case("observer", "change", SOURCE, REFUSED),
    case("anonymous", "view", SOURCE, ALLOWED),
    case("anonymous", "create", "new source", REFUSED),
    # --- reference.term
    case("secretariat", "change", TERM, ALLOWED),
    case("secretariat", "create", "new term", ALLOWED),
    case("focal_col", "view", TERM, ALLOWED),
    case("focal_col", "change", TERM, REFUSED),
    case("focal_per", "view", TERM, ALLOWED),
    case("focal_per", "create", "new term", REFUSED),
    case("local_cucuta", "view", TERM, ALLOWED),
    case("local_cucuta", "delete", TERM, REFUSED),
    case("donor_can", "view", TERM, ALLOWED),
    case("donor_can", "change", TERM, REFUSED),
    case("observer", "view_history", TERM, ALLOWED),
    case("observer", "change", TERM, REFUSED),
    case("anonymous", "view", TERM, ALLOWED),
    case("anonymous", "view_history", TERM, REFUSED),
    # --- finance.conference
    case("secretariat", "change", CONFERENCE, ALLOWED),
    case("secretariat", "create", "new conference", ALLOWED),
    case("focal_col", "view", CONFERENCE, ALLOWED),
    case("focal_col", "change", CONFERENCE, REFUSED),
    case("focal_per", "view", CONFERENCE, ALLOWED),
    case("focal_per", "create", "new conference", REFUSED),
    case("local_cucuta", "view", CONFERENCE, ALLOWED),
    case("local_cucuta", "change", CONFERENCE, REFUSED),
    case("donor_can", "view", CONFERENCE, ALLOWED),
    case("donor_can", "change", CONFERENCE, REFUSED),
    case("observer", "view_history", CONFERENCE, ALLOWED),
    case("observer", "delete", CONFERENCE, REFUSED),
    case("anonymous", "view", CONFERENCE, ALLOWED),
    case("anonymous", "change", CONFERENCE, REFUSED),
    # --- narrative.guideentry: the secretariat edits the guide; everyone reads it.
    case("secretariat", "change", GUIDE, ALLOWED),
    case("secretariat", "create", "new guide entry", ALLOWED),
    case("secretariat", "restore", GUIDE, ALLOWED),
    case("focal_col", "view", GUIDE, ALLOWED),
    case("focal_col", "change", GUIDE, REFUSED),
    case("focal_per", "view", GUIDE, ALLOWED),
    case("focal_per", "create", "new guide entry", REFUSED),
    case("local_cucuta", "view", GUIDE, ALLOWED),
    case("local_cucuta", "delete", GUIDE, REFUSED),
    case("donor_can", "view", GUIDE, ALLOWED),
    case("donor_can", "change", GUIDE, REFUSED),
    case("observer", "view_history", GUIDE, ALLOWED),
    case("observer", "change", GUIDE, REFUSED),
    case("anonymous", "view", GUIDE, ALLOWED),
    case("anonymous", "view_history", GUIDE, REFUSED),
    # --- finance.pledge: donor officers for their organisation and the units under it.
    case("secretariat", "change", USA_PLEDGE, ALLOWED),
    case("secretariat", "restore", USA_PLEDGE, ALLOWED),
    case("donor_can", "change", CAN_PLEDGE, ALLOWED),
    case("donor_can", "create", "new pledge by gac", ALLOWED),
    case("donor_can", "view_history", CAN_PLEDGE, ALLOWED),
    case("donor_can", "change", USA_PLEDGE, REFUSED),
    case("donor_can", "create", "new pledge by usaid", REFUSED),
    case("donor_can", "restore", CAN_PLEDGE, REFUSED),
    case("focal_col", "view", CAN_PLEDGE, ALLOWED),
    case("focal_col", "change", CAN_PLEDGE, REFUSED),
    case("focal_per", "view", USA_PLEDGE, ALLOWED),
    case("focal_per", "create", "new pledge by gac", REFUSED),
    case("local_cucuta", "view", CAN_PLEDGE, ALLOWED),
    case("local_cucuta", "change", CAN_PLEDGE, REFUSED),
    case("observer", "view_history", CAN_PLEDGE, ALLOWED),
    case("observer", "change", CAN_PLEDGE, REFUSED),
    case("anonymous", "view", CAN_PLEDGE, ALLOWED),
    case("anonymous", "view_history", CAN_PLEDGE, REFUSED),
    # --- process.meeting: the process's own record, kept by the secretariat only.
    case("secretariat", "change", MEETING, ALLOWED),
    case("secretariat", "create", "new meeting", ALLOWED),
    case("focal_col", "view", MEETING, ALLOWED),
    case("focal_col", "change", MEETING, REFUSED),
    case("focal_per", "view", MEETING, ALLOWED),
    case("focal_per", "create", "new meeting", REFUSED),
    case("local_cucuta", "view", MEETING, ALLOWED),
    case("local_cucuta", "change", MEETING, REFUSED),
    case("donor_can", "view", MEETING, ALLOWED),
    case("donor_can", "delete", MEETING, REFUSED),
    case("observer", "view_history", MEETING, ALLOWED),
    case("observer", "change", MEETING, REFUSED),
    case("anonymous", "view", MEETING, ALLOWED),
    case("anonymous", "view_history", MEETING, REFUSED),
    # --- process.processdocument: the process's own record, kept by the secretariat only.
    case("secretariat", "change", PROCESS_DOCUMENT, ALLOWED),
    case("secretariat", "create", "new process-document", ALLOWED),
    case("focal_col", "view", PROCESS_DOCUMENT, ALLOWED),
    case("focal_col", "change", PROCESS_DOCUMENT, REFUSED),
    case("focal_per", "view", PROCESS_DOCUMENT, ALLOWED),
    case("focal_per", "create", "new process-document", REFUSED),
    case("local_cucuta", "view", PROCESS_DOCUMENT, ALLOWED),
    case("local_cucuta", "change", PROCESS_DOCUMENT, REFUSED),
    case("donor_can", "view", PROCESS_DOCUMENT, ALLOWED),
    case("donor_can", "delete", PROCESS_DOCUMENT, REFUSED),
    case("observer", "view_history", PROCESS_DOCUMENT, ALLOWED),
    case("observer", "change", PROCESS_DOCUMENT, REFUSED),
    case("anonymous", "view", PROCESS_DOCUMENT, ALLOWED),
    case("anonymous", "view_history", PROCESS_DOCUMENT, REFUSED),
    # --- process.presidency: the process's own record, kept by the secretariat only.
    case("secretariat", "change", PRESIDENCY, ALLOWED),
    case("secretariat", "create", "new presidency", ALLOWED),
    case("focal_col", "view", PRESIDENCY, ALLOWED),
    case("focal_col", "change", PRESIDENCY, REFUSED),
    case("focal_per", "view", PRESIDENCY, ALLOWED),
    case("focal_per", "create", "new presidency", REFUSED),
    case("local_cucuta", "view", PRESIDENCY, ALLOWED),
    case("local_cucuta", "change", PRESIDENCY, REFUSED),
    case("donor_can", "view", PRESIDENCY, ALLOWED),
    case("donor_can", "delete", PRESIDENCY, REFUSED),
    case("observer", "view_history", PRESIDENCY, ALLOWED),
    case("observer", "change", PRESIDENCY, REFUSED),
    case("anonymous", "view", PRESIDENCY, ALLOWED),
    case("anonymous", "view_history", PRESIDENCY, REFUSED),
    # --- process.roadmapaction: kept by the secretariat; its lead organisation's officers see its history
    # (they report progress, below) but do not change the action itself.
    case("secretariat", "change", REAL_ACTION, ALLOWED),
    case("focal_col", "view", CUCUTA_ACTION, ALLOWED),
    case("focal_col", "change", CUCUTA_ACTION, REFUSED),
    case("focal_per", "view", REAL_ACTION, ALLOWED),
    case("focal_per", "create", "new roadmap-action", REFUSED),
    case("local_cucuta", "view_history", CUCUTA_ACTION, ALLOWED),
    case("local_cucuta", "change", CUCUTA_ACTION, REFUSED),
    case("local_cucuta", "view_history", GAC_ACTION, REFUSED),
    case("donor_can", "view_history", GAC_ACTION, ALLOWED),
    case("donor_can", "change", GAC_ACTION, REFUSED),
    case("observer", "view_history", REAL_ACTION, ALLOWED),
    case("observer", "change", REAL_ACTION, REFUSED),
    case("anonymous", "view", REAL_ACTION, ALLOWED),
    case("anonymous", "view_history", REAL_ACTION, REFUSED),
    # --- process.milestone: kept by the secretariat only.
    case("secretariat", "change", MILESTONE, ALLOWED),
    case("secretariat", "create", "new milestone", ALLOWED),
    case("focal_col", "view", MILESTONE, ALLOWED),
    case("focal_col", "change", MILESTONE, REFUSED),
    case("focal_per", "view", MILESTONE, ALLOWED),
    case("focal_per", "create", "new milestone", REFUSED),
    case("local_cucuta", "view", MILESTONE, ALLOWED),
    case("local_cucuta", "create", "new milestone", REFUSED),
    case("donor_can", "view", MILESTONE, ALLOWED),
    case("donor_can", "delete", MILESTONE, REFUSED),
    case("observer", "view_history", MILESTONE, ALLOWED),
    case("observer", "change", MILESTONE, REFUSED),
    case("anonymous", "view", MILESTONE, ALLOWED),
    case("anonymous", "view_history", MILESTONE, REFUSED),
    # --- process.progressupdate: the secretariat and the officers of the action's lead organisation.
    case("secretariat", "create", "new progress on capacity-development-kit", ALLOWED),
    case("local_cucuta", "create", "new progress on demo-cucuta-kit-rollout", ALLOWED),
    case("local_cucuta", "create", "new progress on demo-media-training-canada", REFUSED),
    case("local_cucuta", "create", "new progress on capacity-development-kit", REFUSED),
    case("donor_can", "create", "new progress on demo-media-training-canada", ALLOWED),
    case("donor_can", "create", "new progress on demo-cucuta-kit-rollout", REFUSED),
    case("focal_col", "view", CUCUTA_PROGRESS, ALLOWED),
    case("focal_col", "create", "new progress on demo-cucuta-kit-rollout", REFUSED),
    case("focal_per", "view", CUCUTA_PROGRESS, ALLOWED),
    case("focal_per", "change", CUCUTA_PROGRESS, REFUSED),
    case("observer", "view_history", CUCUTA_PROGRESS, ALLOWED),
    case("observer", "create", "new progress on capacity-development-kit", REFUSED),
    case("anonymous", "view", CUCUTA_PROGRESS, ALLOWED),
    case("anonymous", "create", "new progress on capacity-development-kit", REFUSED),
    # --- process.actionevidence: added by those who report the action's progress; read by everyone.
    case("secretariat", "create", "new evidence on capacity-development-kit", ALLOWED),
    case("local_cucuta", "create", "new evidence on demo-cucuta-kit-rollout", ALLOWED),
    case("local_cucuta", "create", "new evidence on demo-media-training-canada", REFUSED),
    case("donor_can", "create", "new evidence on demo-media-training-canada", ALLOWED),
    case("donor_can", "create", "new evidence on demo-cucuta-kit-rollout", REFUSED),
    *[case(role, "create", "new evidence on demo-cucuta-kit-rollout", REFUSED)
      for role in ("focal_col", "focal_per", "observer", "anonymous")],
    *[case(role, "view", "new evidence on demo-cucuta-kit-rollout", ALLOWED)
      for role in ("focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous")],
    # --- capacity.kitresource and capacity.prioritymunicipality: kept by the secretariat, read by everyone.
    case("secretariat", "create", "new kit resource", ALLOWED),
    case("secretariat", "create", "new kit-priority Tulcán", ALLOWED),
    *[case(role, "view", key, ALLOWED) for role in ("focal_col", "focal_per", "local_cucuta", "donor_can",
                                                     "observer", "anonymous") for key in (KIT_RESOURCE, KIT_PRIORITY)],
    *[case(role, action, key, REFUSED) for role in ("focal_col", "focal_per", "local_cucuta", "donor_can",
                                                     "observer", "anonymous")
      for action, key in (("change", KIT_RESOURCE), ("create", "new kit-priority Tulcán"))],
    # --- capacity.trainingdelivery: the secretariat, and the local-government officers of the municipality
    # where the training was given (Cúcuta's officer: Cúcuta, not Tulcán; nobody else).
    case("secretariat", "create", "new kit-delivery in EC0401", ALLOWED),
    case("secretariat", "change", CUCUTA_DELIVERY, ALLOWED),
    case("local_cucuta", "create", "new kit-delivery in CO54001", ALLOWED),
    case("local_cucuta", "change", CUCUTA_DELIVERY, ALLOWED),
    case("local_cucuta", "view_history", CUCUTA_DELIVERY, ALLOWED),
    case("local_cucuta", "create", "new kit-delivery in EC0401", REFUSED),
    case("focal_col", "view", CUCUTA_DELIVERY, ALLOWED),
    case("focal_col", "change", CUCUTA_DELIVERY, REFUSED),
    case("focal_per", "view", CUCUTA_DELIVERY, ALLOWED),
    case("focal_per", "create", "new kit-delivery in CO54001", REFUSED),
    case("donor_can", "view", CUCUTA_DELIVERY, ALLOWED),
    case("donor_can", "create", "new kit-delivery in CO54001", REFUSED),
    case("observer", "view_history", CUCUTA_DELIVERY, ALLOWED),
    case("observer", "change", CUCUTA_DELIVERY, REFUSED),
    case("anonymous", "view", CUCUTA_DELIVERY, ALLOWED),
    case("anonymous", "view_history", CUCUTA_DELIVERY, REFUSED),
]


@pytest.mark.parametrize(("role", "action", "key", "expected"), MATRIX)
def test_can(users, role, action, key, expected):
    assert permissions.can(users[role], action, record(key)) is expected


def test_matrix_has_an_allowed_and_a_refused_case_per_role_and_model():
    def model_of(key):  # "figure:COL:..." and "new figure in CO-NSA" are both figures
        return key.split()[1] if key.startswith("new ") else key.split(":")[0]

    covered = {(role, model_of(key), expected) for role, _, key, expected in (row.values for row in MATRIX)}
    models = {"organisation", "figure", "municipality", "source", "term", "conference", "pledge", "project", "rate",
              "meeting", "process-document", "presidency", "guide", "regional-figure", "roadmap-action", "milestone",
              "progress", "kit", "kit-priority", "kit-delivery", "evidence"}
    roles = {"focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous"}
    missing = {(role, model, verdict) for role in roles for model in models for verdict in (ALLOWED, REFUSED)
               if (role, model, verdict) not in covered}
    # The secretariat's refused cases are those of a revoked grant or an inactive account (below).
    assert missing == set()
    assert set(permissions.POLICIES) == {
        "reference.organisation", "reference.populationfigure", "reference.municipality", "reference.source",
        "reference.term", "reference.exchangerate", "reference.regionalfigure", "finance.conference", "finance.pledge", "portfolio.project",
        "process.meeting", "process.processdocument", "process.presidencyterm", "narrative.guideentry",
        "process.roadmapaction", "process.milestone", "process.progressupdate", "process.actionevidence",
        # The follow-up of the money: every role's cases in tests/finance/test_access.py.
        "finance.trackedpledge", "finance.fundingflow", "finance.requirement",
        # Issue 12: every role's cases in tests/localgov/test_access.py.
        "localgov.needsstatement", "programmes.programme",
        "capacity.kitresource", "capacity.prioritymunicipality", "capacity.trainingdelivery",
        # The service directory: every role's cases in tests/services/test_access.py.
        "services.service",
        # Results by territory: every role's cases in tests/results/test_access.py.
        "results.indicator", "results.reportingperiod", "results.resultreport",
        # Imported IATI activities: every role's cases in tests/exchange/test_iati_access.py.
        "exchange.iatiactivity",
        # The secretariat's import runs (private): every role's cases in tests/exchange/test_uploads.py.
        "exchange.importrun"}


@pytest.mark.parametrize(("role", "key", "expected"), [
    ("secretariat", "new organisation under gov-can in PER", False),
    ("focal_per", "new organisation under gov-can in PER", False),
    ("focal_per", "new organisation in PER", False),
    ("local_cucuta", "new organisation in CO-NSA", False),
    ("donor_can", "new organisation under gov-can in PER", True),
    ("donor_can", "new organisation under gov-can", False),  # Canada is not a member state: it proposes nothing
    ("donor_can", "organisation:gac", False),
])
def test_needs_approval_is_for_writes_in_a_member_state_by_a_grant_not_bound_to_it(users, role, key, expected):
    assert permissions.needs_approval(users[role], record(key)) is expected


def test_require_raises_permission_denied_naming_action_and_model(users):
    with translation.override("en"):
        with pytest.raises(PermissionDenied) as refused:
            permissions.require(users["focal_col"], "change", record("organisation:gov-per"))
        assert str(refused.value) == "You may not change this record (organisation)."


# --- Querysets: exact rows -------------------------------------------------------------------

@pytest.fixture
def more_drafts(db):
    """Two more unpublished figures: one elsewhere in Colombia, one in Peru."""
    source = Source.objects.get(load_key="source:illustrative")
    for key, country, subdivision in (("draft:CO-ANT", "COL", "CO-ANT"), ("draft:PE-LMA", "PER", "PE-LMA")):
        PopulationFigure.objects.create(load_key=key, country_id=country, subdivision_id=subdivision, value=10,
                                        as_of=date(2025, 1, 1), source=source, is_published=False)


@pytest.mark.parametrize(("role", "unpublished_seen"), [
    ("secretariat", {NSA_DRAFT, "draft:CO-ANT", "draft:PE-LMA"}),
    ("observer", {NSA_DRAFT, "draft:CO-ANT", "draft:PE-LMA"}),
    ("focal_col", {NSA_DRAFT, "draft:CO-ANT"}),
    ("focal_per", {"draft:PE-LMA"}),
    ("local_cucuta", {NSA_DRAFT}),
    ("donor_can", set()),
    ("anonymous", set()),
])
def test_visible_population_figures_are_the_published_ones_and_the_unpublished_in_reach(
        users, more_drafts, role, unpublished_seen):
    published = keys(PopulationFigure.objects.filter(is_published=True))
    assert len(published) == 25
    assert keys(permissions.visible(users[role], PopulationFigure.objects.all())) == published | unpublished_seen


@pytest.mark.parametrize("role", ["secretariat", "focal_col", "focal_per", "local_cucuta", "donor_can",
                                  "observer", "anonymous"])
@pytest.mark.parametrize("model", [Organisation, Municipality, Source, Term, Conference, Pledge, Meeting,
                                   ProcessDocument, PresidencyTerm, GuideEntry])
def test_every_live_record_without_publication_is_visible_to_everyone(users, role, model):
    assert keys(permissions.visible(users[role], model.objects.all())) == keys(model.all_objects.all())


EDITABLE = {
    Organisation: {
        "focal_col": {"organisation:gov-col", "organisation:demo-cucuta"},
        "focal_per": {"organisation:gov-per", "organisation:demo-red-lima"},
        "local_cucuta": {"organisation:demo-cucuta"},
        "donor_can": {"organisation:gov-can", "organisation:gac"},
    },
    PopulationFigure: {"focal_col": COL_FIGURES, "focal_per": PER_FIGURES, "local_cucuta": {NSA_DRAFT}},
    Municipality: {"focal_col": {"municipality:CO54001"}},
    Pledge: {"donor_can": {"pledge:virtual-2021:gov-can", CAN_PLEDGE}},
    Source: {},
    Term: {},
    Conference: {},
    GuideEntry: {},
}


@pytest.mark.parametrize("role", ["focal_col", "focal_per", "local_cucuta", "donor_can", "observer", "anonymous"])
@pytest.mark.parametrize("model", list(EDITABLE), ids=lambda model: model._meta.label_lower)
def test_editable_rows_are_exactly_those_in_the_roles_scope(users, model, role):
    assert keys(permissions.editable(users[role], model.objects.all())) == EDITABLE[model].get(role, set())


@pytest.mark.parametrize("model", list(EDITABLE), ids=lambda model: model._meta.label_lower)
def test_secretariat_may_edit_every_live_row(users, model):
    assert keys(permissions.editable(users["secretariat"], model.objects.all())) == keys(model.all_objects.all())


# --- Deleted records -------------------------------------------------------------------------

DELETED = {Organisation: "organisation:gov-col", PopulationFigure: COL_FIGURE, Municipality: "municipality:CO54001",
           Source: SOURCE, Term: TERM, Conference: CONFERENCE, Pledge: CAN_PLEDGE, GuideEntry: GUIDE}


@pytest.mark.parametrize(("role", "sees_it"), [
    ("secretariat", True), ("focal_col", False), ("focal_per", False), ("local_cucuta", False),
    ("donor_can", False), ("observer", False), ("anonymous", False)])
@pytest.mark.parametrize("model", list(DELETED), ids=lambda model: model._meta.label_lower)
def test_deleted_records_are_invisible_to_all_but_the_secretariat(users, model, role, sees_it):
    key = DELETED[model]
    deleted = record_soft_delete(instance=record(key), user=users["secretariat"])
    assert permissions.can(users[role], "view", deleted) is sees_it
    assert permissions.can(users[role], "change", deleted) is sees_it
    assert permissions.can(users[role], "view_history", deleted) is sees_it
    assert (key in keys(permissions.visible(users[role], model.all_objects.all(), include_deleted=True))) is sees_it
    assert key not in keys(permissions.visible(users[role], model.all_objects.all()))
    assert key not in keys(permissions.editable(users[role], model.all_objects.all()))


def test_focal_point_cannot_restore_even_a_record_of_their_country(users):
    deleted = record_soft_delete(instance=record("organisation:gov-col"), user=users["focal_col"])
    assert permissions.can(users["focal_col"], "restore", deleted) is False
    assert permissions.can(users["secretariat"], "restore", deleted) is True


# --- Revoked grants and inactive accounts ------------------------------------------------------

@pytest.mark.parametrize(("role", "key"), [
    ("secretariat", "organisation:gov-per"), ("secretariat", COL_FIGURE), ("secretariat", "municipality:EC0401"),
    ("secretariat", SOURCE), ("secretariat", TERM), ("secretariat", CONFERENCE), ("secretariat", USA_PLEDGE),
    ("focal_col", "organisation:gov-col"), ("focal_col", NSA_DRAFT), ("focal_col", "municipality:CO54001"),
    ("local_cucuta", "organisation:demo-cucuta"), ("local_cucuta", NSA_DRAFT),
    ("donor_can", "organisation:gac"), ("donor_can", CAN_PLEDGE),
])
def test_a_revoked_grant_gives_nothing(users, role, key):
    grant = RoleGrant.objects.get(user=users[role], revoked_at__isnull=True)
    role_revoke(grant=grant, revoked_by=users["secretariat"])
    user = User.objects.get(pk=users[role].pk)
    assert permissions.actor_for(user).scopes == []
    assert permissions.can(user, "change", record(key)) is False
    assert permissions.can(user, "view_history", record(key)) is False
    assert permissions.can(user, "view", record(NSA_DRAFT)) is False
    model = type(record(key))
    assert keys(permissions.editable(user, model.objects.all())) == set()


def test_revoking_forgets_the_grants_cached_on_the_user(users):
    focal = users["focal_col"]
    assert permissions.can(focal, "change", record("organisation:gov-col")) is True
    role_revoke(grant=focal.grants.get(), revoked_by=users["secretariat"])
    assert permissions.can(focal, "change", record("organisation:gov-col")) is False


@pytest.mark.parametrize(("role", "key"), [
    ("secretariat", "organisation:gov-per"), ("secretariat", COL_FIGURE), ("secretariat", "municipality:EC0401"),
    ("secretariat", SOURCE), ("secretariat", TERM), ("secretariat", CONFERENCE), ("secretariat", USA_PLEDGE),
    ("focal_col", "organisation:gov-col"), ("focal_col", NSA_DRAFT),
    ("local_cucuta", "organisation:demo-cucuta"), ("donor_can", CAN_PLEDGE), ("observer", NSA_DRAFT),
])
def test_an_inactive_user_gets_nothing(users, role, key):
    user = users[role]
    user.is_active = False
    user.save()
    user = User.objects.get(pk=user.pk)
    for action in ("change", "delete", "view_history", "publish", "restore"):
        assert permissions.can(user, action, record(key)) is False, action
    assert permissions.can(user, "view", record(NSA_DRAFT)) is False
    assert NSA_DRAFT not in keys(permissions.visible(user, PopulationFigure.objects.all()))
    assert keys(permissions.editable(user, type(record(key)).objects.all())) == set()


def test_an_inactive_superuser_gets_nothing(users):
    user = User.objects.create(username="root", is_superuser=True, is_active=False)
    deleted = record_soft_delete(instance=record("organisation:gov-col"), user=users["secretariat"])
    assert permissions.can(user, "view", deleted) is False
    assert permissions.can(user, "change", record("organisation:gov-per")) is False
    assert keys(permissions.editable(user, Organisation.objects.all())) == set()


def test_an_active_superuser_is_the_secretariat(users):
    user = User.objects.create(username="root", is_superuser=True)
    assert permissions.can(user, "publish", record(NSA_DRAFT)) is True
    assert keys(permissions.editable(user, Source.objects.all())) == keys(Source.objects.all())


# --- Scope edges: territory and organisation trees ---------------------------------------------

def test_local_government_officer_edits_organisations_in_their_subdivision_but_not_another(users):
    officer = users["local_cucuta"]
    in_territory = Organisation.objects.create(name="Red Cúcuta", organisation_type="22", country_id="COL",
                                               subdivision_id="CO-NSA", load_key="test:in-nsa")
    elsewhere = Organisation.objects.create(name="Red Medellín", organisation_type="22", country_id="COL",
                                            subdivision_id="CO-ANT", load_key="test:in-ant")
    assert permissions.can(officer, "change", in_territory) is True
    assert permissions.can(officer, "change", elsewhere) is False
    assert keys(permissions.editable(officer, Organisation.objects.all())) == {
        "organisation:demo-cucuta", "test:in-nsa"}


def test_local_government_officer_edits_units_under_their_organisation_only_within_their_territory(users):
    cucuta = _organisation("demo-cucuta")
    unplaced = Organisation.objects.create(name="Oficina de enlace", organisation_type="11", country_id="COL",
                                           parent=cucuta, load_key="test:unit-unplaced")
    elsewhere = Organisation.objects.create(name="Oficina en Bogotá", organisation_type="11", country_id="COL",
                                            subdivision_id="CO-DC", parent=cucuta, load_key="test:unit-bogota")
    officer = User.objects.get(pk=users["local_cucuta"].pk)  # grants resolve the organisation tree once
    assert permissions.can(officer, "change", unplaced) is True
    # Counting it by organisation would reach into Bogotá: another territory.
    assert permissions.can(officer, "change", elsewhere) is False
    assert keys(permissions.editable(officer, Organisation.objects.all())) == {
        "organisation:demo-cucuta", "test:unit-unplaced"}


def test_local_government_officer_cannot_widen_their_territory_by_moving_their_organisation(users):
    moved = _organisation("demo-cucuta")
    moved.country_id, moved.subdivision_id, moved.municipality = "PER", "PE-LMA", None
    assert permissions.can(users["local_cucuta"], "change", moved) is False


def test_donor_officer_edits_descendants_of_their_organisation_but_not_another_donor(users):
    donor = users["donor_can"]
    assert permissions.can(donor, "change", _organisation("gac")) is True
    assert permissions.can(donor, "change", _organisation("usaid")) is False
    assert permissions.can(donor, "change", _organisation("gov-usa")) is False


def test_can_create_any_follows_the_editors_of_the_policy(users):
    assert permissions.can_create_any(users["focal_col"], PopulationFigure) is True
    assert permissions.can_create_any(users["donor_can"], PopulationFigure) is False
    assert permissions.can_create_any(users["donor_can"], Pledge) is True
    assert permissions.can_create_any(users["observer"], Organisation) is False
    assert permissions.can_create_any(users["anonymous"], Organisation) is False
    assert permissions.can_create_any(users["secretariat"], Source) is True


def test_a_model_without_a_policy_is_an_error_not_a_silent_refusal(users):
    with pytest.raises(LookupError, match=re.escape("No access policy is declared for reference.country")):
        permissions.can(users["secretariat"], "view", Country.objects.get(iso3="COL"))


# --- RoleGrant.clean ---------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "scope", "errors"), [
    (Role.COUNTRY_FOCAL_POINT, {}, {"country": ["A country focal point is scoped to one country."]}),
    (Role.COUNTRY_FOCAL_POINT, {"organisation": "gov-col"},
     {"country": ["A country focal point is scoped to one country."],
      "organisation": ["This role is not scoped to an organisation."]}),
    (Role.DONOR_OFFICER, {}, {"organisation": ["This role is scoped to one organisation."]}),
    (Role.DONOR_OFFICER, {"organisation": "gov-can", "country": "CAN"},
     {"country": ["This role is not scoped to a country."]}),
    (Role.LOCAL_GOVERNMENT_OFFICER, {"organisation": "gov-col"},
     {"organisation": ["A local-government officer belongs to a local government."]}),
    (Role.OBSERVER, {"country": "COL"}, {"country": ["This role is not scoped to a country."]}),
    (Role.SECRETARIAT, {"organisation": "iom"}, {"organisation": ["This role is not scoped to an organisation."]}),
])
def test_role_grant_clean_refuses_the_wrong_scope(users, role, scope, errors):
    grant = RoleGrant(user=users["observer"], role=role,
                      country=Country.objects.get(iso3=scope["country"]) if "country" in scope else None,
                      organisation=_organisation(scope["organisation"]) if "organisation" in scope else None)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            grant.clean()
        assert refused.value.message_dict == errors


@pytest.mark.parametrize(("role", "scope"), [
    (Role.COUNTRY_FOCAL_POINT, {"country": "ECU"}),
    (Role.LOCAL_GOVERNMENT_OFFICER, {"organisation": "demo-tulcan"}),
    (Role.DONOR_OFFICER, {"organisation": "eu"}),
    (Role.OBSERVER, {}),
])
def test_role_grant_clean_accepts_the_right_scope(users, role, scope):
    grant = RoleGrant(user=users["observer"], role=role,
                      country=Country.objects.get(iso3=scope["country"]) if "country" in scope else None,
                      organisation=_organisation(scope["organisation"]) if "organisation" in scope else None)
    grant.clean()


# --- Who grants roles ----------------------------------------------------------------------------

def test_secretariat_grants_a_role_that_takes_effect(users):
    observer = users["observer"]
    grant = role_grant(user=observer, role=Role.COUNTRY_FOCAL_POINT, granted_by=users["secretariat"],
                       country=Country.objects.get(iso3="PER"))
    assert (grant.granted_by, grant.country_id, grant.revoked_at) == (users["secretariat"], "PER", None)
    assert permissions.can(observer, "change", record(PER_FIGURE)) is True


def test_granting_the_same_role_twice_returns_the_existing_grant(users):
    existing = users["focal_col"].grants.get()
    again = role_grant(user=users["focal_col"], role=Role.COUNTRY_FOCAL_POINT, granted_by=users["secretariat"],
                       country=Country.objects.get(iso3="COL"))
    assert again.pk == existing.pk
    assert RoleGrant.objects.filter(user=users["focal_col"]).count() == 1


def test_role_grant_with_a_missing_scope_saves_nothing(users):
    before = RoleGrant.objects.count()
    with pytest.raises(ValidationError) as refused:
        role_grant(user=users["observer"], role=Role.COUNTRY_FOCAL_POINT, granted_by=users["secretariat"])
    assert set(refused.value.message_dict) == {"country"}
    assert RoleGrant.objects.count() == before


@pytest.mark.parametrize("role", ["focal_col", "focal_per", "local_cucuta", "donor_can", "observer"])
def test_only_the_secretariat_grants_roles(users, role):
    before = RoleGrant.objects.count()
    with pytest.raises(PermissionDenied):
        role_grant(user=users["observer"], role=Role.SECRETARIAT, granted_by=users[role])
    assert RoleGrant.objects.count() == before


@pytest.mark.parametrize("role", ["focal_col", "focal_per", "local_cucuta", "donor_can", "observer"])
def test_only_the_secretariat_revokes_roles(users, role):
    grant = users["focal_per"].grants.get()
    with pytest.raises(PermissionDenied):
        role_revoke(grant=grant, revoked_by=users[role])
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_a_revoked_secretariat_cannot_grant_roles(users):
    secretariat = users["secretariat"]
    role_revoke(grant=secretariat.grants.get(), revoked_by=secretariat)
    with pytest.raises(PermissionDenied):
        role_grant(user=users["observer"], role=Role.SECRETARIAT, granted_by=secretariat)
    assert RoleGrant.objects.filter(user=users["observer"], revoked_at__isnull=True).count() == 1


def test_a_revoked_grant_may_be_given_again(users):
    focal = users["focal_col"]
    old = focal.grants.get()
    role_revoke(grant=old, revoked_by=users["secretariat"])
    new = role_grant(user=focal, role=Role.COUNTRY_FOCAL_POINT, granted_by=users["secretariat"],
                     country=Country.objects.get(iso3="COL"))
    assert new.pk != old.pk
    assert old.revoked_at is not None and old.revoked_at <= timezone.now()
    assert permissions.can(focal, "change", record("organisation:gov-col")) is True


def test_role_grant_with_an_unknown_role_is_a_validation_error_naming_role(users):
    before = RoleGrant.objects.count()
    with pytest.raises(ValidationError) as refused:
        role_grant(user=users["observer"], role="superhero", granted_by=users["secretariat"])
    assert set(refused.value.message_dict) == {"role"}
    assert RoleGrant.objects.count() == before


def test_officers_may_create_a_unit_under_their_organisation_only(users):
    gov_can, usaid = _organisation("gov-can"), _organisation("usaid")
    assert permissions.can(users["donor_can"], "create", Organisation(
        name="Embajada", organisation_type="10", country_id="CAN", parent=gov_can)) is True
    assert permissions.can(users["donor_can"], "create", Organisation(
        name="Otra", organisation_type="10", country_id="USA", parent=usaid)) is False
    cucuta = _organisation("demo-cucuta")
    assert permissions.can(users["local_cucuta"], "create", Organisation(
        name="Secretaría de la Mujer", organisation_type="11", country_id="COL", parent=cucuta)) is True
    assert permissions.can(users["local_cucuta"], "create", Organisation(
        name="Oficina en Lima", organisation_type="11", country_id="PER", subdivision_id="PE-LMA",
        parent=cucuta)) is False
