from django.urls import path

from minga.capacity import coverage_views, csv_views, library_views, views

app_name = "capacity"
urlpatterns = [
    path("", views.library, name="library"),
    path("library.csv", csv_views.library_csv, name="library_csv"),
    path("resources/new/", library_views.resource_add, name="resource_add"),
    path("resources/<int:pk>/file/", library_views.resource_file, name="resource_file"),
    path("priorities/", library_views.priorities, name="priorities"),
    path("priorities/<int:pk>/remove/", library_views.priority_remove, name="priority_remove"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries.csv", csv_views.deliveries_csv, name="deliveries_csv"),
    path("deliveries/new/", views.delivery_create, name="delivery_create"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/edit/", views.delivery_edit, name="delivery_edit"),
    path("coverage/", coverage_views.coverage, name="coverage"),
    path("coverage.csv", csv_views.coverage_csv, name="coverage_csv"),
]
