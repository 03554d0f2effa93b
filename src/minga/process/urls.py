from django.urls import path

from minga.process import views

app_name = "process"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/<slug:code>/", views.meeting_detail, name="meeting_detail"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<slug:code>/", views.document_detail, name="document_detail"),
]
