"""Every write to the portfolio: create, update, move through the workflow, attach documents.

A project and its parts are written together in one transaction after the whole input has been
checked (``validation.check``); the permission module is asked first; the audit mechanism keeps
the version and the history. USD amounts are recomputed on every write (``reference.money``).
"""

from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts.permissions import Action, require, require_transition
from minga.audit import reasons
from minga.audit import services as audit
from minga.common.cache import PORTFOLIO, invalidates
from minga.common.languages import LANGUAGES
from minga.common.text import control_characters, control_characters_message, has_visible_text, normalise_text
from minga.portfolio import documents, notifications
from minga.portfolio.inputs import TEXT_FIELDS, ProjectInput, project_input_from
from minga.portfolio.inputs.concerns import CODES as CONCERN_CODES
from minga.portfolio.models import (
    Project,
    ProjectBudgetYear,
    ProjectCodeSequence,
    ProjectContact,
    ProjectDocument,
    ProjectFunding,
    ProjectLocation,
    ProjectMarker,
    ProjectParticipant,
    ProjectPeople,
    ProjectTheme,
    ProjectTransition,
    Status,
)
from minga.portfolio.validation import ProjectInvalid, check
from minga.portfolio.workflow import PROJECT_WORKFLOW
from minga.reference.money import to_usd

PART_MODELS = {
    "locations": ProjectLocation, "themes": ProjectTheme, "markers": ProjectMarker, "people": ProjectPeople,
    "budget_years": ProjectBudgetYear, "funding": ProjectFunding, "participants": ProjectParticipant,
    "contacts": ProjectContact,
}


def _search_text(project: Project) -> str:
    parts = [project.code]
    for field in ("title", "summary", "description"):
        parts.extend(getattr(project, f"{field}_{code}") for code in LANGUAGES)
    return normalise_text(" ".join(part for part in parts if part))


def _next_code(country_iso3: str, year: int) -> str:
    sequence, _created = ProjectCodeSequence.objects.select_for_update().get_or_create(
        prefix=country_iso3, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"PQ-{country_iso3}-{year}-{sequence.last_number:04d}"


def _money(project: Project, funding_rows: list[dict]) -> dict:
    """USD figures and how they were converted (``conversions``); unconvertible amounts stay None."""
    conversions, values = [], {"budget_usd": None, "requested_usd": None, "secured_usd": None, "gap_usd": None}
    if project.budget_amount is not None and project.budget_currency and project.budget_value_date:
        budget = to_usd(project.budget_amount, project.budget_currency, project.budget_value_date)
        values["budget_usd"] = budget.usd
        if budget.converted and project.requested_amount is not None:
            values["requested_usd"] = (project.requested_amount / budget.rate).quantize(Decimal("0.01"))
        if budget.currency != "USD" or not budget.converted:
            conversions.append(_conversion_record("budget", budget))
    secured, unconverted = Decimal(0), 0
    for row in funding_rows:
        conversion = to_usd(row["amount"], row["currency"], row["value_date"])
        row["amount_usd"] = conversion.usd
        if conversion.converted:
            secured += conversion.usd
        else:
            unconverted += 1
            conversions.append(_conversion_record("secured", conversion))
    if not unconverted:
        values["secured_usd"] = secured.quantize(Decimal("0.01"))
    if values["requested_usd"] is not None:
        # The gap is what was asked for and is not yet covered; unknown while anything is unconverted.
        values["gap_usd"] = (max(values["requested_usd"] - secured, Decimal(0)).quantize(Decimal("0.01"))
                             if not unconverted else None)
    values["conversions"] = conversions
    return values


def _conversion_record(what: str, conversion) -> dict:
    """A conversion as plain data (JSON): Project.conversion_note words it in the reader's language."""
    return {
        "what": what, "amount": f"{conversion.amount:f}", "currency": conversion.currency,
        "value_date": conversion.value_date.isoformat(),
        "rate": f"{conversion.rate.quantize(Decimal('0.0001')).normalize():f}" if conversion.rate else None,
        "rate_date": conversion.rate_date.isoformat() if conversion.rate_date else None,
        "source": conversion.source, "problem": conversion.problem,
    }


def _plain(amount) -> str:
    """1500000.00 and 1500000 alike, as "1500000": the summary must not change when nothing did."""
    return f"{Decimal(amount).normalize():f}"


def _share(row) -> str:
    return f"{_plain(row['percentage'])}%"


def _territory(row) -> str:
    unit = row.get("municipality") or row.get("subdivision")
    code = unit.pcode if row.get("municipality") else unit.code if unit else row["country"].iso3
    return f"{code} {_share(row)}"


def _organisation(organisation) -> str:
    """An organisation as registered (its own name and acronym), not in the reader's language: the summary must
    not read as changed because the one who saved spoke another language than the one before."""
    return f"{organisation.name} ({organisation.acronym})" if organisation.acronym else organisation.name


def _level(row) -> int:
    return 2 if row.get("municipality") else 1 if row.get("subdivision") else 0


# One line per kind of part: its heading, how one part is written (codes, not translated labels), and
# the order of the parts: the summary is the same whatever order they were sent or stored in.
PART_LINES = (
    ("locations", "territories", _territory, lambda r: (_level(r), _territory(r))),
    ("themes", "themes", lambda r: f"{r['term'].code} {_share(r)}", None),
    ("markers", "markers", lambda r: f"{r['marker'].code} {r['significance']}", None),
    ("people", "people", lambda r: f"{r['category']} {r['people']}", None),
    ("budget_years", "budget years", lambda r: f"{r['year']} {_plain(r['amount'])}", None),
    ("funding", "secured", lambda r: f"{_organisation(r['funder'])} {_plain(r['amount'])} {r['currency']}", None),
    ("participants", "participants", lambda r: f"{_organisation(r['organisation'])} ({r['role']})", None),
    ("contacts", "contacts", lambda r: r["name"], None),
)


def describe_parts(parts: dict) -> str:
    """One line per kind of part, in a fixed order, in plain words (codes rather than translated labels)."""
    lines = []
    for key, heading, write, order in PART_LINES:
        if parts.get(key):
            written = ([write(row) for row in sorted(parts[key], key=order)] if order
                       else sorted(write(row) for row in parts[key]))
            lines.append(f"{heading}: " + ", ".join(written))
    return "\n".join(lines)


def _write_parts(project: Project, data: dict) -> None:
    for key, model in PART_MODELS.items():
        if key not in data:
            continue
        model.objects.filter(project=project).delete()
        model.objects.bulk_create(model(project=project, **row) for row in data[key])


def _validate_parts(data: ProjectInput) -> None:
    errors = {}
    for key, model in PART_MODELS.items():
        for position, row in enumerate(data.get(key) or [], start=1):
            try:
                model(project=Project(), **row).clean_fields(exclude=["project"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors.setdefault(f"{key}[{position}].{field}", []).extend(messages)
    if errors:
        raise ProjectInvalid(errors)


def _prepare(data: ProjectInput, *, complete: bool) -> tuple[dict, dict]:
    errors = check(data, complete=complete)
    if errors:
        raise ProjectInvalid(errors)
    _validate_parts(data)
    scalars = data.scalars()
    for key in TEXT_FIELDS:  # text that shows nothing (zero-width spaces) is stored as no text
        if key in scalars and not has_visible_text(scalars[key]):
            scalars[key] = ""
    if scalars.get("budget_currency"):
        scalars["budget_currency"] = scalars["budget_currency"].upper()
    parts = {key: [dict(row) for row in rows] for key, rows in data.parts().items()}
    for row in parts.get("funding", []):
        row["currency"] = row["currency"].upper()
    return scalars, parts


def _derived(candidate: Project, parts: dict, funding: list[dict]) -> dict:
    """What is computed from the record and its parts, saved with it so the history shows it once."""
    return {**_money(candidate, funding), "search_text": _search_text(candidate),
            "parts_summary": describe_parts(parts)}


def _store_parts(project: Project, parts: dict, funding: list[dict]) -> Project:
    _write_parts(project, parts)
    if "funding" in parts:
        for row, saved in zip(funding, ProjectFunding.objects.filter(project=project).order_by("pk"), strict=True):
            saved.amount_usd = row["amount_usd"]
            saved.save(update_fields=["amount_usd"])
    return project


def _seen_by_public(arguments: dict, result) -> bool:
    """Whether a write touched a project the public sees, before or after it: a draft's life (created, edited,
    submitted, reviewed, its documents) changes no public page, so it leaves their kept copies in place."""
    before = arguments.get("project") or getattr(arguments.get("document"), "project", None)
    after = result if isinstance(result, Project) else getattr(result, "project", None)
    return any(project is not None and project.is_public for project in (before, after))


@invalidates(PORTFOLIO, public=_seen_by_public)
@transaction.atomic
def project_create(*, user, data: ProjectInput, illustrative: bool = False) -> Project:
    """A new draft from ``data`` (a mapping of the same names is accepted: ``ProjectInput.coerce``)."""
    scalars, parts = _prepare(ProjectInput.coerce(data), complete=False)
    organisation = scalars.get("proposing_organisation")
    if organisation is None or organisation.country_id is None:
        raise ProjectInvalid({"proposing_organisation": [_("Name the proposing organisation.")]})
    candidate = Project(**scalars, country_id=organisation.country_id, status=Status.DRAFT)
    require(user, Action.CREATE, candidate)
    candidate.code = _next_code(organisation.country_id, timezone.localdate().year)
    funding = parts.get("funding", [])
    project = audit.record_create(model=Project, user=user, reason=reasons.code("created"), fields={
        **scalars, "country_id": organisation.country_id, "code": candidate.code, "status": Status.DRAFT,
        "created_by": user, "is_illustrative": illustrative, **_derived(candidate, parts, funding)})
    ProjectTransition.objects.create(project=project, from_status="", to_status=Status.DRAFT, user=user)
    return _store_parts(project, parts, funding)


@invalidates(PORTFOLIO, public=_seen_by_public)
@transaction.atomic
def project_update(*, project: Project, user, data: ProjectInput, expected_version: int, reason: str = "") -> Project:
    """Changes the fields ``data`` gives (``ProjectInput.given``), checked with the rest of the saved project."""
    require(user, Action.CHANGE, project)
    data = ProjectInput.coerce(data)
    merged = data.over(project_input_from(project))
    # Past the states its proposer edits, a project has been submitted: it must stay complete.
    scalars, parts = _prepare(merged, complete=project.status not in PROJECT_WORKFLOW.editable_states())
    organisation = scalars.get("proposing_organisation") or project.proposing_organisation
    scalars["country_id"] = organisation.country_id
    candidate = Project(**{f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields})
    for key, value in scalars.items():
        setattr(candidate, key, value)
    require(user, Action.CHANGE, candidate)  # the edited project must stay within the editor's scope
    funding = parts["funding"]  # all parts, merged with the current ones
    derived = _derived(candidate, parts, funding)
    changed_parts = {key: value for key, value in parts.items() if key in data}
    updated = audit.record_update(instance=project, user=user, changes={**scalars, **derived},
                                  expected_version=expected_version, reason=reason)
    return _store_parts(updated, changed_parts, funding)



@invalidates(PORTFOLIO, public=_seen_by_public)
@transaction.atomic
def project_transition(*, project: Project, user, to_status: str, expected_version: int, comment: str = "",
                       fields: Sequence[str] = ()) -> Project:
    """Move ``project`` to ``to_status`` as its workflow (``portfolio.workflow``) declares the move.

    A request for changes may name what it concerns: ``fields``, codes of ``portfolio.inputs.concerns``.
    """
    require_transition(user, project, to_status)
    errors = PROJECT_WORKFLOW.refusals(project, to_status, comment=comment)
    if control_characters(comment):
        errors = {**errors, "comment": [control_characters_message(control_characters(comment))]}
    fields = list(dict.fromkeys(fields))
    if fields and to_status != Status.CHANGES_REQUESTED:
        errors = {**errors, "fields": [_("Only a request for changes names the fields it concerns.")]}
    elif unknown := [code for code in fields if code not in CONCERN_CODES]:
        errors = {**errors, "fields": [_("Unknown field: %(codes)s.") % {"codes": ", ".join(unknown)}]}
    if errors:
        raise ProjectInvalid(errors)
    changes = PROJECT_WORKFLOW.changes(project, to_status, at=timezone.now())
    from_status = project.status
    updated = audit.record_update(instance=project, user=user, changes=changes, expected_version=expected_version,
                                  reason=comment or reasons.code("status", to_status))
    ProjectTransition.objects.create(project=updated, from_status=from_status, to_status=to_status, user=user,
                                     comment=comment.strip(), fields=fields)
    # The people concerned are told once the move is committed, never of one rolled back.
    transaction.on_commit(partial(notifications.transition_made, project_pk=updated.pk, to_status=to_status,
                                  actor_pk=getattr(user, "pk", None), comment=comment.strip()))
    return updated


@invalidates(PORTFOLIO, public=_seen_by_public)
@transaction.atomic
def project_document_add(*, project: Project, user, uploaded_file, kind: str) -> ProjectDocument:
    require(user, Action.CHANGE, project)
    checked = documents.check_upload(uploaded_file)
    document = ProjectDocument(project=project, kind=kind, original_name=checked.name,
                               content_type=checked.content_type, size=checked.size, uploaded_by=user)
    document.file.save(checked.name, uploaded_file, save=False)
    document.full_clean()
    document.save()
    return document


@invalidates(PORTFOLIO, public=_seen_by_public)
@transaction.atomic
def project_document_remove(*, document: ProjectDocument, user) -> None:
    require(user, Action.CHANGE, document.project)
    if document.removed_at is None:
        document.removed_at = timezone.now()
        document.save(update_fields=["removed_at"])
