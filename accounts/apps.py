from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # Connect the receivers: the security log, and activity recorded at login.
        from . import middleware, security  # noqa: F401
