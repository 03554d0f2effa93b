"""The secretariat's IATI upload page (the form and the recent runs) and a run's progress page, which htmx
polls while the run is queued or running (the fragment stops asking once it has ended)."""

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from minga.accounts import permissions
from minga.exchange import import_runs
from minga.exchange.models import ImportRun


class UploadForm(forms.Form):
    activities = forms.FileField(label=gettext_lazy("IATI activity file (XML)"))

    def clean_activities(self):
        upload = self.cleaned_data["activities"]
        if Path(upload.name).suffix.lower() != ".xml":
            raise forms.ValidationError(_("Choose an .xml file."))
        if upload.size > import_runs.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB: import it with the command "
                                          "'minga import iati FILE'.") % {"limit": import_runs.MAX_UPLOAD_BYTES // 2 ** 20})
        return upload


@login_required
def iati_import(request):
    permissions.require(request.user, permissions.Action.CREATE, ImportRun(kind="iati"))
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            run = import_runs.iati_upload_start(user=request.user, upload=form.cleaned_data["activities"])
            return redirect("exchange:iati_import_run", pk=run.pk)
    return render(request, "exchange/iati_import.html",
                  {"form": form, "runs": import_runs.recent_runs(request.user)})


iati_import.max_upload_bytes = import_runs.MAX_UPLOAD_BYTES  # refused from its Content-Length (site.middleware)


@never_cache
@login_required
def iati_import_run(request, pk: int):
    run = import_runs.access_import_run(request.user, pk)
    template = "exchange/_iati_import_progress.html" if request.htmx else "exchange/iati_import_run.html"
    return render(request, template, {"run": run})
