"""The security log: sign-ins, failures, lockouts, password resets and changes, coach links
made and ended, refused access. One line an event on the "security" logger, with who,
from where and what happened; never a note, a password or any text the user wrote.
"""

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("security")


def client_address(request) -> str:
    return (get_client_ip_address(request) if request is not None else None) or "-"


def log_event(event: str, request=None, user=None, **details) -> None:
    """Log one event. `details` are short identifiers (ids, an email, a reason code)."""
    who = getattr(user, "pk", None) if user is not None else None
    if who is None and request is not None and getattr(request, "user", None) is not None:
        who = request.user.pk if request.user.is_authenticated else None
    fields = {"event": event, "user": who if who is not None else "-",
              "address": client_address(request), **details}
    logger.info(" ".join(f"{key}={value}" for key, value in fields.items()), extra=fields)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_event("login", request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    log_event("logout", request, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The email typed, lower-cased; the password is never in `credentials` here (Django
    # cleanses it), and never logged.
    log_event("login_failed", request, email=(credentials.get("username") or "").lower())


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log_event("lockout", request, email=(username or "").lower())
