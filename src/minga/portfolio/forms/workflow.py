"""The forms of the last step and of the workflow: a document to upload, a move to another state."""

from django import forms
from django.utils.translation import gettext_lazy

from minga.common.versions import MAX_VERSION
from minga.portfolio.inputs.concerns import concerns
from minga.portfolio.models import ProjectDocument
from minga.portfolio.workflow import PROJECT_WORKFLOW


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ProjectDocument.Kind.choices)
    file = forms.FileField(label=gettext_lazy("file"),
                           help_text=gettext_lazy("PDF, Word (DOCX) or Excel (XLSX), up to 15 MB."))


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=PROJECT_WORKFLOW.choices)
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION)
    comment = forms.CharField(required=False, max_length=2000)
    # With a request for changes: what it concerns (codes of portfolio.inputs.concerns); checked by the service.
    fields = forms.MultipleChoiceField(required=False, choices=lambda: [(code, label) for code, label, _step
                                                                        in concerns()])
