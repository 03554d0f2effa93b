"""The forms of the last step and of the workflow: a document to upload, a move to another state."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.portfolio.models import Project, ProjectDocument


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ProjectDocument.Kind.choices)
    file = forms.FileField(label=gettext_lazy("file"),
                           help_text=gettext_lazy("PDF, Word (DOCX) or Excel (XLSX), up to 15 MB."))


def transition_label(target: str) -> str:
    """What the button that moves a project to ``target`` says."""
    return {
        "submitted": _("Submit"),
        "under_review": _("Start review"),
        "changes_requested": _("Request changes"),
        "published": _("Publish"),
        "in_implementation": _("Mark in implementation"),
        "completed": _("Mark completed"),
        "withdrawn": _("Withdraw"),
    }.get(target, target)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Project._meta.get_field("status").choices)
    version = forms.IntegerField(min_value=0)
    comment = forms.CharField(required=False, max_length=2000)
