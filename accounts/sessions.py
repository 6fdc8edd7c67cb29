"""The session engine (SESSION_ENGINE = "accounts.sessions"): Django's database sessions,
with the signed-in user recorded beside each session so all of a user's sessions can be
ended together (`Session.end_all_for`)."""

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        # By name: accounts.models imports this module for the store class.
        return apps.get_model("accounts", "Session")

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if str(user_id or "").isdigit() else None
        return session
