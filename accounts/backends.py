"""Signing in and the signed-in user of a request.

`SessionUserBackend` is Django's ModelBackend, but while `AuthenticationMiddleware` reads a
request's user it takes the user loaded with the session (accounts/sessions.py) instead of
querying for it again. Django's own `get_user` still does the rest: the backend recorded in
the session, the password-hash check that ends sessions after a password change, and
`is_active`.
"""

from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.utils.functional import SimpleLazyObject

BACKEND = "accounts.backends.SessionUserBackend"
# Sessions signed in before this backend existed name Django's; they are moved over.
EARLIER_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The session store whose user is being read, only for the length of that read.
_session_being_read = ContextVar("session_being_read", default=None)


class SessionUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = getattr(_session_being_read.get(), "stored_user", None)
        if user is not None and user.pk == user_id:
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)


def user_of(request):
    session = request.session
    if session.get(BACKEND_SESSION_KEY) == EARLIER_BACKEND:
        session[BACKEND_SESSION_KEY] = BACKEND
    token = _session_being_read.set(session)
    try:
        return auth.get_user(request)
    finally:
        _session_being_read.reset(token)


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, with the user read through `user_of` (one query with the session)."""

    def process_request(self, request):
        super().process_request(request)

        def get_user():
            if not hasattr(request, "_cached_user"):
                request._cached_user = user_of(request)
            return request._cached_user

        request.user = SimpleLazyObject(get_user)
