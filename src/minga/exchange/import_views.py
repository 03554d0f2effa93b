"""The secretariat's upload pages (an IATI activity file, an FTS file: the form and the recent runs) and a run's
progress page, which htmx polls while the run is queued or running (the fragment stops asking once it has
ended). One view and one set of templates for every kind; a ``Kind`` says what differs (the file, the words,
the counts shown)."""

from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache

from minga.accounts import permissions
from minga.exchange import import_runs, problems
from minga.exchange.fts_models import FtsOutcome
from minga.exchange.iati import plans
from minga.exchange.models import ImportRun


@dataclass(frozen=True)
class Kind:
    code: str  # ImportRun.kind, and the URL names' prefix
    suffix: str
    field_label: Promise
    wrong_suffix: Promise
    too_large: Promise  # with %(limit)s
    title: Promise
    intro: Promise
    none_yet: Promise
    all_runs: Promise
    counts: tuple  # ((key, label), ...): always shown
    counts_done: tuple  # shown once the run is done
    problem_places: bool  # whether a problem names an activity and a line


IMPORT_COUNT = "import count"
KINDS = {kind.code: kind for kind in (
    Kind("iati", ".xml", gettext_lazy("IATI activity file (XML)"), gettext_lazy("Choose an .xml file."),
         gettext_lazy("The file is larger than %(limit)s MB: import it with the command 'minga import iati FILE'."),
         gettext_lazy("Import an IATI activity file"),
         gettext_lazy("An IATI activity file (versions 2.01 to 2.03) as a donor publishes it. The import runs in the "
                      "background: you follow its progress on the next page, and may leave it; a second import of "
                      "the same file changes nothing."),
         gettext_lazy("No IATI file has been uploaded yet."), gettext_lazy("All IATI imports"),
         (("read", gettext_lazy("Activities read")), ("created", pgettext_lazy(IMPORT_COUNT, "Created")),
          ("updated", pgettext_lazy(IMPORT_COUNT, "Updated")), ("unchanged", pgettext_lazy(IMPORT_COUNT, "Unchanged")),
          ("skipped", pgettext_lazy(IMPORT_COUNT, "Skipped")), ("invalid", gettext_lazy("With problems (not imported)"))),
         (("transactions", gettext_lazy("Transactions")), ("flows", gettext_lazy("Of which funding flows"))),
         problem_places=True),
    Kind("fts", ".json", gettext_lazy("FTS file (JSON)"), gettext_lazy("Choose a .json file."),
         gettext_lazy("The file is larger than %(limit)s MB: import it with the command 'minga import fts FILE'."),
         gettext_lazy("Import an OCHA FTS file"),
         gettext_lazy("A page of an FTS flow search (API v1, fts/flow/custom-search) or a plan overview (API v2, "
                      "fts/flow/plan/overview/progress), as FTS gives it. Flows are counted as FTS counts a "
                      "location's funding; a plan overview gives requirements and caseloads. The import runs in the "
                      "background: you follow its progress on the next page, and may leave it; a second import of "
                      "the same file changes nothing."),
         gettext_lazy("No FTS file has been uploaded yet."), gettext_lazy("All FTS imports"),
         (("read", gettext_lazy("Flows read")), ("created", pgettext_lazy(IMPORT_COUNT, "Created")),
          ("updated", pgettext_lazy(IMPORT_COUNT, "Updated")), ("unchanged", pgettext_lazy(IMPORT_COUNT, "Unchanged")),
          ("refused", gettext_lazy("Refused (not imported)"))),
         (("plans", gettext_lazy("Plans read")),),
         problem_places=False),
)}
# The second part of an FTS run's report: what the plans gave, and how the flows count.
PLAN_COUNTS = (("requirements", gettext_lazy("Requirements")), ("figures", gettext_lazy("Population figures")))
STATES = (("created", pgettext_lazy(IMPORT_COUNT, "Created")), ("updated", pgettext_lazy(IMPORT_COUNT, "Updated")),
          ("unchanged", pgettext_lazy(IMPORT_COUNT, "Unchanged")))


class UploadForm(forms.Form):
    upload = forms.FileField()

    def __init__(self, *args, kind: Kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        # The field keeps the name the IATI page always had ("activities"): the form's name is part of its address.
        self.fields[self.field_name(kind)] = self.fields.pop("upload")
        self.fields[self.field_name(kind)].label = kind.field_label

    @staticmethod
    def field_name(kind: Kind) -> str:
        return "activities" if kind.code == "iati" else "file"

    def clean(self):
        upload = self.cleaned_data.get(self.field_name(self.kind))
        if upload is None:
            return self.cleaned_data
        if Path(upload.name).suffix.lower() != self.kind.suffix:
            self.add_error(self.field_name(self.kind), str(self.kind.wrong_suffix))
        elif upload.size > import_runs.MAX_UPLOAD_BYTES:
            self.add_error(self.field_name(self.kind), str(self.kind.too_large) % {
                "limit": import_runs.MAX_UPLOAD_BYTES // 2 ** 20})
        return self.cleaned_data


def _upload_page(request, kind: Kind):
    permissions.require(request.user, permissions.Action.CREATE, ImportRun(kind=kind.code))
    form = UploadForm(kind=kind)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            run = import_runs.upload_start(user=request.user, upload=form.cleaned_data[form.field_name(kind)],
                                           kind=kind.code)
            return redirect(f"exchange:{kind.code}_import_run", pk=run.pk)
    return render(request, "exchange/import_upload.html",
                  {"form": form, "kind": kind, "runs": import_runs.recent_runs(request.user, kind=kind.code)})


def _rows(run: ImportRun, kind: Kind) -> dict:
    """What the progress section shows of the run's counts, in order, with their labels."""
    counts = run.counts or {}
    rows = [(key, label, counts.get(key, 0)) for key, label in kind.counts]
    if run.state == ImportRun.State.DONE:
        rows += [(key, label, counts.get(key, 0)) for key, label in kind.counts_done]
    report = {"rows": rows, "parts": [], "outcomes": [], "totals": [], "unmatched_plans": [],
              # Each problem in the reader's language (stored with its template and params), or as it was stored.
              "problems": [{**problem, "shown": problems.shown(problem)} for problem in run.problems or []],
              # Why it failed, the same way (a run failed before its reason had a template: as it was stored).
              "error": problems.shown({"message": run.error, **(run.error_problem or {})})}
    if kind.code == "iati" and not run.is_ongoing:
        report["unmatched_plans"] = [plans.unmatched_plan_line(code, count, first)
                                     for code, count, first in counts.get("unmatched_plans", [])]
    if kind.code == "fts" and run.state == ImportRun.State.DONE:
        report["parts"] = [(key, label, [(state, name, counts.get(key, {}).get(state, 0)) for state, name in STATES])
                           for key, label in PLAN_COUNTS if key in counts]
        labels = dict(FtsOutcome.choices)
        report["outcomes"] = [(key, labels[key], value) for key, value in sorted(counts.get("outcomes", {}).items())
                              if key in labels]
        report["totals"] = counts.get("totals", [])
    return report


def _run_page(request, kind: Kind, pk: int):
    run = import_runs.access_import_run(request.user, pk, kind=kind.code)
    template = "exchange/_import_progress.html" if request.htmx else "exchange/import_run.html"
    return render(request, template, {"run": run, "kind": kind, "report": _rows(run, kind)})


@login_required
def iati_import(request):
    return _upload_page(request, KINDS["iati"])


@login_required
def fts_import(request):
    return _upload_page(request, KINDS["fts"])


# Refused from its Content-Length (site.middleware).
iati_import.max_upload_bytes = fts_import.max_upload_bytes = import_runs.MAX_UPLOAD_BYTES


@never_cache
@login_required
def iati_import_run(request, pk: int):
    return _run_page(request, KINDS["iati"], pk)


@never_cache
@login_required
def fts_import_run(request, pk: int):
    return _run_page(request, KINDS["fts"], pk)

