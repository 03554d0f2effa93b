"""The roadmap's forms: a progress update and an evidence document (a lead officer or the secretariat), and
the services linked to an action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.common import uploads
from minga.common.form_fields import LocalizedAmountField, date_input
from minga.process.models import RoadmapAction, RoadmapStatus
from minga.process.services import EvidenceInput, ProgressInput


class ProgressForm(forms.Form):
    on_date = forms.DateField(label=_("Date of the update"), widget=date_input())
    status = forms.ChoiceField(label=_("Status"), choices=RoadmapStatus.choices)
    progress = LocalizedAmountField(label=_("Progress (%)"), min_value=0, max_value=100, decimal_places=1)
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def to_input(self) -> ProgressInput:
        data = self.cleaned_data
        return ProgressInput(on_date=data["on_date"], status=data["status"], progress=data["progress"],
                             note=data["note"])

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    on_date = forms.DateField(label=_("Date of the document"), widget=date_input())
    file = forms.FileField(label=_("File (PDF, DOCX, PPTX, XLSX, ODT, ODS, ODP)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))
    url = forms.URLField(label=_("or its address (link)"), max_length=500, assume_scheme="https", required=False)

    def to_input(self) -> EvidenceInput:
        return EvidenceInput(title=self.cleaned_data["title"], on_date=self.cleaned_data["on_date"],
                             url=self.cleaned_data["url"], upload=self.cleaned_data["file"] or None)

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class LinkedServicesForm(forms.Form):
    """The directory's services linked to an action, chosen by name (the live ones only)."""

    services = forms.ModelMultipleChoiceField(label=_("Linked services"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The directory's model, reached through the link itself: the process domain imports no service code.
        service_model = RoadmapAction.services.field.related_model
        self.fields["services"].queryset = (service_model.objects.select_related("municipality", "subdivision")
                                            .order_by("name_es", "pk"))
        self.fields["services"].label_from_instance = lambda service: (
            f"{service} ({service.municipality or service.subdivision})")

    show_errors = ProgressForm.show_errors
