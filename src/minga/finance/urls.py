from django.urls import path

from minga.finance import views

app_name = "finance"
urlpatterns = [
    path("conferences/", views.conference_list, name="conference_list"),
]
