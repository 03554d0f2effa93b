"""The secretariat's HXL import page: upload, preview (the mapping and the refused rows; nothing written),
then confirm (the accepted rows, all at once). The file waits between the two steps in a private temporary
folder, named by a random token kept in the uploader's session."""

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.accounts import permissions
from minga.exchange.hxl_import import KINDS, apply, preview

SESSION_KEY = "minga_hxl_upload"
MAX_BYTES = 10 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    table = forms.FileField(label=gettext_lazy("Table (CSV or XLSX) with an HXL hashtag row"))

    def clean_table(self):
        table = self.cleaned_data["table"]
        if Path(table.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if table.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return table


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "minga-hxl-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _kept(request) -> tuple[Path, str] | None:
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or not str(kept.get("token", "")).isalnum():
        return None
    path = _folder() / f"{kept['token']}{kept.get('suffix', '')}"
    return (path, kept.get("name", path.name)) if path.is_file() and kept.get("suffix") in SUFFIXES else None


@login_required
def hxl_import(request):
    if not permissions.actor_for(request.user).is_secretariat:
        raise PermissionDenied(_("Only the Technical Secretariat imports HXL tables."))
    context = {"form": UploadForm(), "kinds": KINDS}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        kept = _kept(request)
        if kept is None:
            context["refused"] = _("The uploaded table is no longer kept: upload it again.")
        else:
            path, name = kept
            result = preview(path, label=name)
            try:
                context["counts"] = apply(result, user=request.user) if not result.problem else None
            except ValueError as error:
                context["refused"] = _("Nothing was imported: %(error)s") % {"error": error}
            path.unlink(missing_ok=True)
            request.session.pop(SESSION_KEY, None)
            context["result"] = result
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            table = form.cleaned_data["table"]
            token, suffix = secrets.token_hex(16), Path(table.name).suffix.lower()
            path = _folder() / f"{token}{suffix}"
            with path.open("wb") as handle:
                for chunk in table.chunks():
                    handle.write(chunk)
            request.session[SESSION_KEY] = {"token": token, "suffix": suffix, "name": Path(table.name).name[:200]}
            context["result"] = preview(path, label=Path(table.name).name)
            context["preview"] = True
    return render(request, "exchange/hxl_import.html", context)
