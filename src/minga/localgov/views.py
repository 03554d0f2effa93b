"""The local-government profile (public) and the needs-statement form (its officers). Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.accounts.permissions import Action
from minga.audit.selectors import conflict_of
from minga.audit.services import EditConflict
from minga.common.page_cache import public_page
from minga.common.versions import parse_version
from minga.localgov import selectors, services
from minga.localgov.forms import NeedsStatementForm
from minga.localgov.models import NeedsStatement
from minga.portfolio import selectors as portfolio_selectors


def profile_context(request, pk) -> dict:
    """The local government, its territory, focal points (to signed-in users), its projects and needs."""
    organisation = selectors.access_local_government(request.user, pk)
    signed_in = request.user.is_authenticated
    return {
        "organisation": organisation,
        "needs": selectors.needs_of(request.user, organisation),
        "projects": portfolio_selectors.organisation_projects(request.user, organisation),
        "focal_points": selectors.focal_points(organisation) if signed_in else None,
        "can_add_need": permissions.can(request.user, Action.CREATE, NeedsStatement(organisation=organisation)),
    }


@public_page("local_government")
def profile(request, pk):
    return render(request, "localgov/profile.html", profile_context(request, pk))


def _add_errors(form, error: ValidationError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def need_create(request, pk):
    organisation = selectors.access_local_government(request.user, pk)
    if not permissions.can(request.user, Action.CREATE, NeedsStatement(organisation=organisation)):
        raise PermissionDenied(_("You may not add needs statements for this local government."))
    form = NeedsStatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.needs_statement_create(user=request.user, organisation=organisation,
                                                        fields=form.changes())
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Needs statement saved."))
            return redirect(statement)
    return render(request, "localgov/need_form.html", {"form": form, "organisation": organisation})


@login_required
def need_edit(request, pk):
    statement = selectors.access_needs_statement(request.user, pk, Action.CHANGE)
    form = NeedsStatementForm.of(statement, request.POST or None)
    status, conflict, version = 200, None, statement.version
    if request.method == "POST":
        try:
            version = parse_version(request.POST.get("version"))
        except ValidationError as error:
            form.is_valid()
            form.add_error(None, error)
            status, version = 400, request.POST.get("version", "")
        else:
            if form.is_valid():
                try:
                    services.needs_statement_update(statement=statement, user=request.user, changes=form.changes(),
                                                    expected_version=version, reason=request.POST.get("reason", ""))
                except EditConflict as error:
                    form.add_error(None, str(error))
                    conflict, version, status = conflict_of(error), error.instance.version, 409
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, _("Changes saved."))
                    return redirect(statement)
    # Shown again for a mistake, the form keeps the version read (``version`` from the request).
    return render(request, "localgov/need_form.html", {"form": form, "organisation": statement.organisation,
                                                      "conflict": conflict, "version": version,
                                                      "statement": statement}, status=status)
