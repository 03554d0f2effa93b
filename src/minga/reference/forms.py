from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.common.form_fields import LocalizedCountField, order_by_label
from minga.reference.models import Country, Organisation, PopulationFigure, Source, Subdivision


def _formfield(db_field, **kwargs):
    """Form fields as the model defines them; a web address typed without a scheme is read as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class VersionedForm(forms.ModelForm):
    """Carries the version the editor read, so a stale edit is refused instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = ["name", "acronym", "name_es", "acronym_es", "name_pt", "acronym_pt", "name_en", "acronym_en",
                  "organisation_type", "country", "subdivision", "municipality",
                  "parent", "iati_identifier", "website"]
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name_en")
        self.fields["subdivision"].queryset = Subdivision.objects.filter(
            country__in=Country.objects.filter(is_member_state=True) | Country.objects.filter(is_origin=True)
        ).select_related("country").order_by("country_id", "name")
        self.fields["subdivision"].label_from_instance = lambda unit: f"{unit.code} — {unit.name}"
        self.fields["parent"].queryset = Organisation.objects.order_by("name")
        order_by_label(self.fields["country"], self.fields["parent"])  # as the reader's language names them
        self.fields["iati_identifier"].help_text = _("For example XM-DAC-47066. Leave empty if it has none.")


class PopulationFigureForm(VersionedForm):
    class Meta:
        model = PopulationFigure
        fields = ["country", "subdivision", "group", "value", "is_approximate", "as_of", "source",
                  "note_es", "note_pt", "note_en"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        # "7.000" is seven thousand in Spanish: Django's IntegerField read it as 7.
        field_classes = {"value": LocalizedCountField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(is_member_state=True).order_by("name_en")
        self.fields["subdivision"].queryset = Subdivision.objects.filter(
            country__is_member_state=True, is_admin1=True).order_by("country_id", "name")
        self.fields["subdivision"].label_from_instance = lambda unit: f"{unit.code} — {unit.name}"
        self.fields["source"].queryset = Source.objects.order_by("publisher", "title")
        order_by_label(self.fields["country"])  # as the reader's language names them
