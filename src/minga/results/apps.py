from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "minga.results"
    verbose_name = "Results by territory"
