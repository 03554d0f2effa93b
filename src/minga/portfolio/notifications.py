"""The e-mails the project workflow sends: who is told of a move, in their own language, with a link.

Called by ``services.project_transition`` once the move is committed (``transaction.on_commit``), so
that no one is told of a move that was rolled back, and from nowhere else: views, the API and the bulk
upload all move projects through the service. Each recipient gets their own message, written in their
preferred language (Spanish when they have none); a refused address is logged, never undoes the move.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from minga.accounts.models import Role, User
from minga.portfolio.models import Project, ProjectTransition, Status

log = logging.getLogger(__name__)
DEFAULT_LANGUAGE = "es"


def _secretariat() -> list[User]:
    """The reviewers: everyone active who holds an unrevoked Technical Secretariat grant."""
    return list(User.objects.filter(is_active=True, grants__role=Role.SECRETARIAT,
                                    grants__revoked_at__isnull=True).distinct().order_by("pk"))


def _editors(project: Project) -> list[User]:
    """The project's editors: the officers of its proposing organisation and whoever submitted it."""
    officers = User.objects.filter(is_active=True, grants__organisation_id=project.proposing_organisation_id,
                                   grants__revoked_at__isnull=True).distinct()
    people = {user.pk: user for user in officers}
    submission = (ProjectTransition.objects.filter(project=project, to_status=Status.SUBMITTED)
                  .select_related("user").order_by("-at", "-pk").first())
    if submission is not None and submission.user is not None and submission.user.is_active:
        people.setdefault(submission.user.pk, submission.user)
    return [people[pk] for pk in sorted(people)]


def recipients(project: Project, to_status: str) -> list[User]:
    """Who is told of a move to ``to_status`` (nobody for the moves no one waits on)."""
    if to_status == Status.SUBMITTED:
        return _secretariat()
    if to_status in (Status.CHANGES_REQUESTED, Status.PUBLISHED):
        return _editors(project)
    return []


def _language(user: User) -> str:
    return user.preferred_language or DEFAULT_LANGUAGE


def _message(project: Project, to_status: str, comment: str, actor: User | None) -> tuple[str, str]:
    """Subject and body in the active language."""
    title = project.text_in("title")[0] or project.code
    who = str(actor) if actor is not None else _("the platform")
    if to_status == Status.SUBMITTED:
        subject = _("Project %(code)s submitted for review") % {"code": project.code}
        lines = [_("%(person)s submitted the project “%(title)s” (%(code)s) to the Technical Secretariat. "
                   "It waits in the review queue.") % {"person": who, "title": title, "code": project.code}]
    elif to_status == Status.CHANGES_REQUESTED:
        subject = _("Changes requested on project %(code)s") % {"code": project.code}
        lines = [_("The Technical Secretariat asks for changes to the project “%(title)s” (%(code)s) before "
                   "publishing it. Make them and submit it again.") % {"title": title, "code": project.code}]
    else:
        subject = _("Project %(code)s published") % {"code": project.code}
        lines = [_("The Technical Secretariat published the project “%(title)s” (%(code)s): it is now in the "
                   "public catalogue.") % {"title": title, "code": project.code}]
    if comment:
        lines += ["", _("Comment from %(person)s:") % {"person": who}, comment]
    lines += ["", _("See the project: %(link)s") % {"link": settings.MINGA_SITE_URL + project.get_absolute_url()}]
    return f"Minga · {subject}", "\n".join(lines) + "\n"


def transition_made(*, project_pk: int, to_status: str, actor_pk: int | None, comment: str = "") -> int:
    """Tell the people concerned that the project moved to ``to_status``; returns how many were sent."""
    project = Project.all_objects.select_related("proposing_organisation").get(pk=project_pk)
    actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
    messages = []
    for user in recipients(project, to_status):
        if not user.email or user.pk == actor_pk:  # no address, or the one who made the move
            continue
        with translation.override(_language(user)):
            subject, body = _message(project, to_status, comment, actor)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # the move is committed: a mail server's refusal is logged, not shown as a failed move
        log.exception("The notices of %s moving to %s were not sent", project.code, to_status)
        return 0
