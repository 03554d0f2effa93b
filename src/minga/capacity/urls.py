from django.urls import path

from minga.capacity import coverage_views, views

app_name = "capacity"
urlpatterns = [
    path("", views.library, name="library"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/new/", views.delivery_create, name="delivery_create"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/edit/", views.delivery_edit, name="delivery_edit"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage.csv", coverage_views.coverage_csv, name="coverage_csv"),
]
