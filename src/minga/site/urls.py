from django.urls import path

from minga.site import health, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
]
