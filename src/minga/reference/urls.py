from django.urls import path

from minga.reference import views

app_name = "reference"
# The country and organisation pages (countries/<iso3>/, organisations/<pk>/) keep their names in this
# namespace but are served by the site floor, which adds the portfolio: minga/urls.py joins the two lists.
urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/approve/", views.organisation_approve, name="organisation_approve"),
    path("figures/new/", views.figure_create, name="figure_create"),
    path("figures/<int:pk>/edit/", views.figure_edit, name="figure_edit"),
    path("figures/<int:pk>/publish/", views.figure_publish, name="figure_publish"),
    path("territories/subdivisions/", views.subdivision_options, name="subdivision_options"),
    path("territories/municipalities/", views.municipality_options, name="municipality_options"),
    path("taxonomies/", views.taxonomies, name="taxonomies"),
]
