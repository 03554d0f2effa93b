from django.urls import path

from minga.narrative import views

app_name = "narrative"
urlpatterns = [
    path("guide/", views.glossary, name="glossary"),
    path("guide/<str:language>/print/", views.guide_print, name="guide_print"),
    path("guide/<str:language>/guide.pdf", views.guide_pdf, name="guide_pdf"),
    path("check/", views.check, name="check"),
]
