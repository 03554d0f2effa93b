"""The kit's forms: a training delivery (a local-government officer or the secretariat), and the secretariat's
library resource and priority municipality."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES, Audience, ResourceKind, ResourceLanguage
from minga.capacity.services import DeliveryInput, ResourceInput
from minga.common import uploads
from minga.common.form_fields import LocalizedAmountField, LocalizedCountField, date_input
from minga.process.models import RoadmapAction
from minga.reference.models import LINES_OF_WORK, Term


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Date of the training"), widget=date_input())
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    modules = forms.ModelMultipleChoiceField(label=_("Modules used"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    action = forms.ModelChoiceField(label=_("Counts for the roadmap action"), queryset=None, required=False)
    pre_score = LocalizedAmountField(label=_("Average score before (%)"), min_value=0, max_value=100,
                                     decimal_places=1, required=False)
    post_score = LocalizedAmountField(label=_("Average score after (%)"), min_value=0, max_value=100,
                                      decimal_places=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = selectors.municipalities_for(user)
        self.fields["organiser"].queryset = selectors.organisers()
        self.fields["modules"].queryset = selectors.current_modules()
        self.fields["action"].queryset = RoadmapAction.objects.order_by("line__position", "is_illustrative", "code")
        for name, label in (*SEXES, *ROLES):
            self.fields[name] = LocalizedCountField(label=label, min_value=0, max_value=100000, initial=0)

    @property
    def sex_fields(self):
        return [self[name] for name, _label in SEXES]

    @property
    def role_fields(self):
        return [self[name] for name, _label in ROLES]

    def to_input(self) -> DeliveryInput:
        data = self.cleaned_data
        return DeliveryInput(
            delivered_on=data["delivered_on"], municipality=data["municipality"], organiser=data["organiser"],
            modules=tuple(data["modules"]), action=data["action"], pre_score=data["pre_score"],
            post_score=data["post_score"], note=data["note"],
            **{name: data[name] for name, _label in (*SEXES, *ROLES)})

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def initial_of(delivery) -> dict:
    return {"delivered_on": delivery.delivered_on, "municipality": delivery.municipality_id,
            "organiser": delivery.organiser_id, "modules": list(delivery.modules.all()), "action": delivery.action_id,
            "pre_score": delivery.pre_score, "post_score": delivery.post_score, "note": delivery.note,
            **{name: getattr(delivery, name) for name, _label in (*SEXES, *ROLES)}}


class ResourceForm(forms.Form):
    """A new resource, or a new version (or language) of one of the library's, by its title."""

    series = forms.ChoiceField(label=_("Resource"), required=False,
                               help_text=_("Leave “a new resource” to start one; choose a resource of the library "
                                           "to add a new version or another language of it."))
    title = forms.CharField(label=_("Title (in the resource's language)"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=ResourceLanguage.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    line = forms.ModelChoiceField(label=_("Line of work (theme)"), queryset=None, required=False)
    edition = forms.IntegerField(label=_("Version"), min_value=1, max_value=999, initial=1)
    published_on = forms.DateField(label=_("Published"), widget=date_input())
    file = forms.FileField(label=_("File (PDF, DOCX, PPTX, XLSX, ODT, ODS, ODP)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": uploads.ACCEPT}))
    link = forms.URLField(label=_("or a link"), max_length=200, required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", _("a new resource")), *selectors.series_choices()]
        self.fields["line"].queryset = Term.objects.filter(vocabulary_id=LINES_OF_WORK).order_by("position")

    def to_input(self) -> ResourceInput:
        data = self.cleaned_data
        return ResourceInput(series=data["series"], title=data["title"], language=data["language"],
                             kind=data["kind"], audience=data["audience"], line=data["line"],
                             edition=data["edition"], published_on=data["published_on"], link=data["link"],
                             upload=data["file"] or None)

    show_errors = DeliveryForm.show_errors


class PriorityForm(forms.Form):
    """A municipality for the priority list, chosen by name among those of one country."""

    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    since = forms.DateField(label=_("On the list since"), widget=date_input())

    def __init__(self, *args, country: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = selectors.municipalities_of(country)
        # Two municipalities may share a name: the subdivision tells them apart.
        self.fields["municipality"].label_from_instance = lambda place: f"{place.name} ({place.subdivision.name})"
