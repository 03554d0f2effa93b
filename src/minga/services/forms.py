"""The service form: every field of ``ServiceInput``; places, provider, project and time zone chosen by name."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.common.form_fields import CoordinateField, LabelOrderedModelChoiceField, date_input
from minga.common.formatting import time_zone_name, time_zones_of
from minga.common.text import normalise_name
from minga.portfolio.models import Project
from minga.reference.models import Country, Municipality, Organisation, Subdivision
from minga.services.inputs import ServiceInput
from minga.services.models import Service
from minga.services.vocabulary import DAYS, SPOKEN_LANGUAGES, Population, ServiceType

_SLOT = re.compile(r"^\s*(\w+)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")


def hours_text(hours: list[dict]) -> str:
    return "\n".join(f"{slot['day']} {slot['opens']}-{slot['closes']}" for slot in hours)


def time_zone_choices() -> list:
    """Blank (the country's usual zone), then each member state's zones by the names the reader knows, grouped by
    country, in the reader's language."""
    groups = []
    for country in sorted(Country.objects.filter(is_member_state=True), key=normalise_name):
        zones = [(zone, time_zone_name(zone)) for zone in time_zones_of(country.iso2)]
        if zones:
            groups.append((str(country), sorted(zones, key=lambda choice: normalise_name(choice[1]))))
    return [("", _("The country's usual time zone")), *groups]


class ServiceForm(forms.Form):
    provider = LabelOrderedModelChoiceField(label=_("provider"), queryset=Organisation.objects.order_by("name"))
    name_es = forms.CharField(label=_("name (Spanish)"), max_length=200, required=False)
    name_pt = forms.CharField(label=_("name (Portuguese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    description_es = forms.CharField(label=_("description (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description_pt = forms.CharField(label=_("description (Portuguese)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description_en = forms.CharField(label=_("description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    types = forms.MultipleChoiceField(label=_("types"), choices=ServiceType.choices, widget=forms.CheckboxSelectMultiple)
    populations = forms.MultipleChoiceField(label=_("people served"), choices=Population.choices,
                                            widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(label=_("languages spoken"), required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=list(SPOKEN_LANGUAGES.items()))
    hours = forms.CharField(label=_("opening hours"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("One line per day: monday 08:00-17:00"))
    open_always = forms.BooleanField(label=_("open 24 hours, every day"), required=False)
    # The hours are read in this zone ("open now", the HSDS schedules): a country with several (Brazil, Mexico,
    # Argentina, Chile, Ecuador) needs the service's own, and a form without the field would wipe it on each save.
    time_zone = forms.ChoiceField(label=_("time zone"), required=False,
                                  help_text=_("The opening hours are read in it. Where the country has several, "
                                              "choose the service's own."))
    is_free = forms.BooleanField(label=_("free of charge"), required=False, initial=True)
    fees = forms.CharField(label=_("fees"), max_length=200, required=False)
    eligibility_es = forms.CharField(label=_("who may use it (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    eligibility_pt = forms.CharField(label=_("who may use it (Portuguese)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    eligibility_en = forms.CharField(label=_("who may use it (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents_es = forms.CharField(label=_("documents needed (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents_pt = forms.CharField(label=_("documents needed (Portuguese)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents_en = forms.CharField(label=_("documents needed (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(label=_("telephone"), max_length=30, required=False)
    whatsapp = forms.CharField(label=_("WhatsApp"), max_length=30, required=False)
    email = forms.EmailField(label=_("e-mail"), max_length=200, required=False)
    subdivision = forms.ModelChoiceField(label=_("subdivision"), queryset=Subdivision.objects.filter(
        country__is_member_state=True).select_related("country").order_by("country_id", "name"))
    municipality = forms.ModelChoiceField(label=_("municipality"), required=False,
                                          queryset=Municipality.objects.order_by("name"))
    latitude = CoordinateField(label=_("latitude"), min_value=-90, max_value=90)
    longitude = CoordinateField(label=_("longitude"), min_value=-180, max_value=180)
    project = forms.ModelChoiceField(label=_("portfolio project"), required=False,
                                     queryset=Project.objects.filter(is_public=True).order_by("code"))
    last_verified_on = forms.DateField(label=_("last verified"), widget=date_input())

    def __init__(self, *args, record: Service | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record  # the service an edit corrects
        self.fields["last_verified_on"].initial = timezone.localdate()
        # Built once per form (one query for the member states), not at each reading as a callable would be.
        self.fields["time_zone"].choices = time_zone_choices()

    @classmethod
    def initial_for(cls, service: Service) -> dict:
        initial = {name: getattr(service, name) for name in cls.base_fields
                   if name not in ("provider", "subdivision", "municipality", "project", "types", "populations",
                                   "languages", "hours")}
        return {**initial, "provider": service.provider_id, "subdivision": service.subdivision_id,
                "municipality": service.municipality_id, "project": service.project_id, "types": service.type_codes,
                "populations": service.population_codes, "languages": service.language_codes,
                "hours": hours_text(service.hours)}

    def clean_hours(self):
        slots = []
        for line in (self.cleaned_data.get("hours") or "").splitlines():
            if not line.strip():
                continue
            match = _SLOT.match(line.lower())
            if not match or match.group(1) not in DAYS:
                raise forms.ValidationError(_("Write each line as: monday 08:00-17:00"))
            slots.append({"day": match.group(1), "opens": match.group(2), "closes": match.group(3)})
        return slots

    def _project_not_offered(self) -> int | None:
        """The edited service's project when the list does not offer it (withdrawn since it was linked): the select
        could not show it, so its blank says nothing, and the link is kept (the API's PUT can remove it)."""
        if self.record is None or self.record.project_id is None:
            return None
        offered = self.fields["project"].queryset.filter(pk=self.record.project_id).exists()
        return None if offered else self.record.project_id

    def to_input(self) -> ServiceInput:
        data = self.cleaned_data
        subdivision = data["subdivision"]
        return ServiceInput(
            provider_id=data["provider"].pk, latitude=data["latitude"], longitude=data["longitude"],
            country_id=subdivision.country_id, subdivision_id=subdivision.pk,
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
            project_id=data["project"].pk if data.get("project") else self._project_not_offered(),
            last_verified_on=data["last_verified_on"], types=data["types"], populations=data["populations"],
            languages=data["languages"], hours=data["hours"], time_zone=data.get("time_zone") or "",
            **{name: data[name] for name in (
                "name_es", "name_pt", "name_en", "description_es", "description_pt", "description_en", "open_always",
                "is_free", "fees", "eligibility_es", "eligibility_pt", "eligibility_en", "documents_es",
                "documents_pt", "documents_en", "address", "phone", "whatsapp", "email")})

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            field = field.removesuffix("_id")
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
