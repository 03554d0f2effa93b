from django.urls import path

from minga.results import views

app_name = "results"
urlpatterns = [
    path("", views.territory_results, name="territory"),
    path("projects/<str:code>/", views.project_results, name="project"),
    path("projects/<str:code>/report/", views.report_entry, name="report"),
    path("periods/<int:pk>/lock/", views.period_lock, name="period_lock"),
]
