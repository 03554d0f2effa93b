from django.urls import path

from minga.results import csv_views, views, workbook_views

app_name = "results"
urlpatterns = [
    path("", views.territory_results, name="territory"),
    path("territory.csv", csv_views.territory_csv, name="territory_csv"),
    path("projects/<str:code>/", views.project_results, name="project"),
    path("projects/<str:code>/report/", views.report_entry, name="report"),
    path("projects/<str:code>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("projects/<str:code>/periods/new/", views.period_create, name="period_create"),
    path("periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
    path("projects/<str:code>/template.xlsx", workbook_views.template, name="template"),
    path("projects/<str:code>/upload/", workbook_views.upload, name="upload"),
    path("projects/<str:code>/results.xlsx", workbook_views.export, name="export"),
]
