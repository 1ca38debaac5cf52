from django.apps import AppConfig


class CoordinatorsConfig(AppConfig):
    name = "coordinators"
