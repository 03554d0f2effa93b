from django.urls import path

from minga.narrative import views

app_name = "narrative"
urlpatterns = [
    path("guide/", views.glossary, name="glossary"),
    path("guide/<str:language>/print/", views.guide_print, name="guide_print"),
    path("check/", views.check, name="check"),
]
