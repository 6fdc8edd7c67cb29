from django.apps import AppConfig


class DebriefsConfig(AppConfig):
    name = "debriefs"
