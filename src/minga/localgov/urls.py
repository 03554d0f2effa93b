from django.urls import path

from minga.localgov import views

app_name = "localgov"
urlpatterns = [
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
]
