"""The session engine (SESSION_ENGINE = "accounts.sessions"): Django's database sessions,
with the signed-in user recorded beside each session so all of a user's sessions can be
ended together (`Session.end_all_for`).

The query that loads a session also loads its user (`Session.objects` joins it), and the
store keeps that user as `stored_user`: `accounts.backends.SessionUserBackend` hands it to
Django's `get_user`, so a signed-in request costs one query for both instead of two.
"""

from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    stored_user = None

    @classmethod
    def get_model_class(cls):
        # By name: accounts.models imports this module for the store class.
        return apps.get_model("accounts", "Session")

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        # Loaded by the same query (the model's manager selects the user with the session).
        self.stored_user = session.user if session is not None else None
        return session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if str(user_id or "").isdigit() else None
        return session
