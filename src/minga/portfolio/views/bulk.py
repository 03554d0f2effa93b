"""Bulk submission pages: download the XLSX template, upload it filled in, read the report.

Thin: ``portfolio.bulk`` builds the template and imports the rows (all or none); the permission
module decides who may use it (whoever may create a project somewhere).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.accounts import permissions
from minga.portfolio import bulk, documents
from minga.portfolio.models import Project

SESSION_KEY = "portfolio_bulk_created"


class BulkUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + documents.XLSX}))


def _require_proposer(user) -> None:
    if not permissions.can_create_any(user, Project):
        raise PermissionDenied(_("You may not create projects."))


@login_required
def bulk_template(request):
    _require_proposer(request.user)
    response = HttpResponse(bulk.build_template(request.user), content_type=documents.XLSX)
    response["Content-Disposition"] = 'attachment; filename="minga-projects-template.xlsx"'
    return response


@login_required
def bulk_upload(request):
    _require_proposer(request.user)
    context = {"max_rows": bulk.MAX_ROWS, "created": [], "errors": [], "refused": ""}
    if request.method == "POST":
        form = BulkUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = bulk.import_projects(user=request.user, uploaded_file=form.cleaned_data["file"])
            except bulk.UploadRefused as refused:
                context["refused"] = str(refused)
            else:
                if result.saved:
                    # Post/redirect/get: reloading the page must not send the file again.
                    request.session[SESSION_KEY] = [project.code for project in result.created]
                    return redirect("portfolio:bulk_upload")
                context["errors"] = result.errors
                context["rows_with_errors"] = len({error.row for error in result.errors})
        status = 422 if context["refused"] or context["errors"] or form.errors else 200
    else:
        form = BulkUploadForm()
        status = 200
        codes = request.session.pop(SESSION_KEY, [])
        if codes:
            context["created"] = list(Project.objects.filter(code__in=codes).select_related(
                "proposing_organisation").order_by("code"))
    context["form"] = form
    return render(request, "portfolio/bulk_upload.html", context, status=status)


# Read by minga.site.middleware.RequestSizeMiddleware: a larger body is refused before it is read.
bulk_upload.max_upload_bytes = bulk.MAX_UPLOAD_BYTES

urlpatterns = [
    path("bulk/template.xlsx", bulk_template, name="bulk_template"),
    path("bulk/", bulk_upload, name="bulk_upload"),
]
