"""Results as XLSX: a project's template to fill in, its upload (all rows or none), and the export of its reports.

Thin: ``results.workbook`` builds the workbooks, ``results.imports`` reads and stores an upload; the permission
module decides who may (the project's editors and the secretariat write; whoever sees the project exports).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minga.portfolio import documents
from minga.portfolio.bulk import MAX_UPLOAD_BYTES, UploadRefused
from minga.portfolio.selectors import access_project
from minga.results import imports, workbook
from minga.results.views import owned_project


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + documents.XLSX}))


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def template(request, code):
    project = owned_project(request.user, code)
    return _xlsx(workbook.build_template(project), f"minga-results-template-{project.code}.xlsx")


@require_GET
def export(request, code):
    project = access_project(request.user, code)
    return _xlsx(workbook.build_export(project), f"minga-results-{project.code}.xlsx")


@login_required
def upload(request, code):
    project = owned_project(request.user, code)
    context = {"project": project, "errors": [], "refused": "", "max_rows": workbook.MAX_ROWS}
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = imports.import_reports(user=request.user, project=project,
                                                uploaded_file=form.cleaned_data["file"])
            except UploadRefused as refused:
                context["refused"] = str(refused)
            else:
                if not result.errors:
                    # Post/redirect/get: reloading the results page must not send the file again.
                    messages.success(request, _("Template read. Reports added: %(created)s; changed: %(changed)s; "
                                                "unchanged: %(unchanged)s.") % result.__dict__)
                    return redirect("results:project", code=project.code)
                context["errors"] = result.errors
        status = 422
    else:
        form = UploadForm()
    context["form"] = form
    return render(request, "results/upload.html", context, status=status)


# Read by minga.site.middleware.RequestSizeMiddleware: a larger body is refused before it is read.
upload.max_upload_bytes = MAX_UPLOAD_BYTES
