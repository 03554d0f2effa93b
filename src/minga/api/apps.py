from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "minga.api"
    verbose_name = "API"
