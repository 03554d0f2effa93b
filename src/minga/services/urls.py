from django.urls import path

from minga.services import views

app_name = "services"
urlpatterns = [
    path("", views.search, name="search"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sheet/", views.sheet, name="sheet"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
