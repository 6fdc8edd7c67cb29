"""Middleware for signed-in requests: private pages are never cached, and a session lasts
as long as its user is active (SESSION_COOKIE_AGE after the last request)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

from .security import log_event

# Refreshing the expiry saves the session; once in a while is enough for an 8-hour window.
SESSION_REFRESH_SECONDS = 300


@receiver(user_logged_in)
def _active_from_login(sender, request, user, **kwargs):
    # Logging in saves the session anyway: record the activity then, not on the next page.
    if request is not None and hasattr(request, "session"):
        request.session["active_at"] = int(time.time())


class SignedInPrivacyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        if signed_in:
            now = int(time.time())
            if now - request.session.get("active_at", 0) >= SESSION_REFRESH_SECONDS:
                request.session["active_at"] = now  # saved, with a fresh expiry
        response = self.get_response(request)
        if signed_in or request.user.is_authenticated:
            # Pages and partials hold private data (the account page holds the calendar's
            # secret link): no browser or proxy may keep a copy.
            add_never_cache_headers(response)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            log_event("access_refused", request, path=request.path)
        return None  # Django answers with the 403 page
