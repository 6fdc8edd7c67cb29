from django.apps import AppConfig


class DebriefsConfig(AppConfig):
    name = "debriefs"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
