"""The training-delivery form: what a local-government officer or the secretariat records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minga.capacity import selectors
from minga.capacity.models import ROLES, SEXES
from minga.capacity.services import DeliveryInput
from minga.process.models import RoadmapAction


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Date of the training"), widget=forms.DateInput(attrs={"type": "date"}))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    modules = forms.ModelMultipleChoiceField(label=_("Modules used"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    action = forms.ModelChoiceField(label=_("Counts for the roadmap action"), queryset=None, required=False)
    pre_score = forms.DecimalField(label=_("Average score before (%)"), min_value=0, max_value=100,
                                   decimal_places=1, required=False)
    post_score = forms.DecimalField(label=_("Average score after (%)"), min_value=0, max_value=100,
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
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=100000, initial=0)

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
