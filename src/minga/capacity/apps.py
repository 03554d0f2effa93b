from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "minga.capacity"
    verbose_name = "Capacity-development kit"
