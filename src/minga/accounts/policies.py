"""The declaration of who may edit each model and where a record's country, organisation and territory
are found: one ``Policy`` per model label. ``minga.accounts.permissions`` reads it and decides every access
question; nothing here decides anything.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from minga.accounts.models import Role


@dataclass(frozen=True)
class Policy:
    editors: frozenset = frozenset()
    country: str | None = None  # attribute path of the record's country code
    organisation: str | None = None  # attribute path of the record's organisation id
    # Where a record sits under an organisation (a unit under a ministry): lets an officer create it there.
    parent_organisation: str | None = None
    subdivision: str | None = None  # attribute path of the record's ISO 3166-2 code
    # Attribute path of the record's municipality id: where set, a local-government officer acts only on
    # records of the municipality their organisation governs (a training delivery), not the whole territory.
    municipality: str | None = None
    published: str | None = None  # attribute path of a boolean: unpublished records are not public
    # Where a record has a workflow state, its field: the editors (not the secretariat) change the record
    # only in the states its workflow (registered by its app, see accounts.workflows) leaves them.
    state: str | None = None
    # A boolean field the write services set from ``needs_approval``: the record awaits the secretariat.
    approval: str | None = None
    # Attribute path of a boolean that is true where the record's country is one whose writes need the
    # secretariat's approval when made by a grant that does not cover that country (a donor officer's).
    approval_where: str | None = None
    # Seen by the secretariat only (not observers, not the public): an operational record such as an import run.
    private: bool = False
    # Attribute path of a boolean: while true, the record waits on another one's approval and no one,
    # the secretariat included, creates, changes or moves it (a project of an unapproved organisation).
    held: str | None = None
    held_refusal: str = ""  # the sentence that says why a held record is refused
    # Roles that confirm records of their country (``Who.CONFIRMER`` moves) without editing them; they also
    # see the unpublished records they are to confirm and their history. Read through ``country``.
    confirmers: frozenset = frozenset()


POLICIES: dict[str, Policy] = {
    # Reference lists maintained by the secretariat only.
    "reference.source": Policy(),
    "reference.term": Policy(),
    "reference.municipality": Policy(
        editors=frozenset({Role.COUNTRY_FOCAL_POINT}), country="subdivision.country_id"),
    "reference.organisation": Policy(
        editors=frozenset({Role.COUNTRY_FOCAL_POINT, Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER}),
        country="country_id", organisation="pk", parent_organisation="parent_id", subdivision="subdivision_id",
        approval="awaiting_approval", approval_where="country.is_member_state"),
    "reference.populationfigure": Policy(
        editors=frozenset({Role.COUNTRY_FOCAL_POINT, Role.LOCAL_GOVERNMENT_OFFICER}),
        country="country_id", subdivision="subdivision_id", published="is_published"),
    "reference.exchangerate": Policy(),
    "reference.regionalfigure": Policy(),  # the totals R4V publishes: public, kept by the secretariat
    "portfolio.project": Policy(
        editors=frozenset({Role.COUNTRY_FOCAL_POINT, Role.LOCAL_GOVERNMENT_OFFICER}),
        country="country_id", organisation="proposing_organisation_id", published="is_public", state="status",
        held="proposing_organisation.awaiting_approval",
        held_refusal=gettext_lazy("The proposing organisation awaits the secretariat's approval: no project can be "
                                  "proposed or changed for it until then.")),
    "finance.conference": Policy(),
    # The process's own record (meetings, documents, presidencies): kept by the secretariat only.
    "process.meeting": Policy(),
    "process.processdocument": Policy(),
    "process.presidencyterm": Policy(),
    # The roadmap: the secretariat keeps the actions and milestones; the officers of an action's lead
    # organisation report its progress (and move its status as process.workflow lets them), nothing else.
    "process.roadmapaction": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER}),
                                    organisation="lead_organisation_id", state="status"),
    "process.milestone": Policy(),
    "process.progressupdate": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER}),
                                     organisation="action.lead_organisation_id"),
    "process.actionevidence": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER}),
                                     organisation="action.lead_organisation_id"),
    "finance.pledge": Policy(editors=frozenset({Role.DONOR_OFFICER}), organisation="donor_id"),
    "narrative.guideentry": Policy(),
    # The follow-up of the money (finance.tracking): a donor officer records their organisation's pledges
    # and flows; the focal point of the receiving country confirms a flow; the secretariat validates.
    "finance.trackedpledge": Policy(editors=frozenset({Role.DONOR_OFFICER}), organisation="donor_id",
                                    published="is_public", state="status"),
    "finance.fundingflow": Policy(editors=frozenset({Role.DONOR_OFFICER}), organisation="provider_id",
                                  country="country_id", published="is_public", state="status",
                                  confirmers=frozenset({Role.COUNTRY_FOCAL_POINT})),
    "finance.requirement": Policy(),
    # Issue 12: a local government's needs statements, written by its own officers (not by the territory's
    # other local governments: no ``subdivision`` here, which would let a province's officer reach them).
    "localgov.needsstatement": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER}),
                                      country="organisation.country_id", organisation="organisation_id"),
    # The integration-programme catalogue, kept by the secretariat; unpublished entries are not public.
    "programmes.programme": Policy(published="is_published"),
    # The capacity-development kit: the secretariat keeps the library and the priority municipalities; a
    # training delivery is entered by the secretariat or by an officer of the municipality where it was given.
    "capacity.kitresource": Policy(),
    "capacity.prioritymunicipality": Policy(),
    "capacity.trainingdelivery": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER}),
                                        country="municipality.subdivision.country_id",
                                        municipality="municipality_id"),
    # The service directory: the provider's officers (organisation-scoped roles) and the local government's
    # officers of the service's municipality edit a service; every live service is public.
    "services.service": Policy(editors=frozenset({Role.LOCAL_GOVERNMENT_OFFICER, Role.DONOR_OFFICER}),
                               country="country_id", organisation="provider_id", subdivision="subdivision_id",
                               municipality="municipality_id"),
    # Results by territory: written by those who edit the project (its focal point, its local-government
    # officer) and the secretariat, whatever the project's state; public once the project is; only the
    # secretariat locks a period (``publish``).
    **{label: Policy(editors=frozenset({Role.COUNTRY_FOCAL_POINT, Role.LOCAL_GOVERNMENT_OFFICER}),
                     country=f"{path}country_id", organisation=f"{path}proposing_organisation_id",
                     published=f"{path}is_public")
       for label, path in (("results.indicator", "project."), ("results.reportingperiod", "project."),
                           ("results.resultreport", "indicator.project."))},
    # Donors' published IATI activities, imported by the secretariat (exchange.models): public, as published.
    "exchange.iatiactivity": Policy(),
    # The secretariat's import runs (the upload page's jobs): their files and problems are nobody else's.
    "exchange.importrun": Policy(private=True),
}
