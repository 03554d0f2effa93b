from django.urls import path

from minga.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:model_label>/<str:pk>/", views.history, name="history"),
    path("<str:model_label>/<str:pk>/delete/", views.delete, name="delete"),
    path("<str:model_label>/<str:pk>/restore/", views.restore, name="restore"),
]
