from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "minga.process"
    verbose_name = "The Quito Process"
