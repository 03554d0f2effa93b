"""The progress-update form: what a lead officer or the secretariat reports on a roadmap action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.process.models import RoadmapStatus
from minga.process.services import EvidenceInput, ProgressInput


class ProgressForm(forms.Form):
    on_date = forms.DateField(label=_("Date of the update"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=RoadmapStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
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
    on_date = forms.DateField(label=_("Date of the document"), widget=forms.DateInput(attrs={"type": "date"}))
    url = forms.URLField(label=_("Address (link)"), max_length=500, assume_scheme="https")

    def to_input(self) -> EvidenceInput:
        return EvidenceInput(title=self.cleaned_data["title"], on_date=self.cleaned_data["on_date"],
                             url=self.cleaned_data["url"])

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
