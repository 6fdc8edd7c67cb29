"""Throttling of sign-in and password-reset attempts, counted in the database so every
worker and every app server sees the same counts.

Sign-in uses django-axes (settings: AXES_*); these are its hooks. Password-reset requests
use `allow_attempt`, the same idea on our own `ThrottledAttempt` rows.
"""

import datetime
import math

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from .models import ThrottledAttempt


def login_username(request, credentials) -> str:
    """One account, however its email is typed: counts are per lower-cased address."""
    source = credentials or request.POST
    return (source.get("username") or "").strip().lower()


def retry_minutes(cool_off: datetime.timedelta) -> int:
    return max(1, math.ceil(cool_off.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in sees: a 429 page saying how long to wait."""
    from django.conf import settings

    return render(request, "429.html", {
        "reason": "Too many sign-in attempts for this account or from this address.",
        "retry_minutes": retry_minutes(settings.AXES_COOLOFF_TIME),
        "next_step": "Wait, then try again, or reset your password.",
    }, status=429)


def forget_attempts_of(email: str) -> None:
    """Remove every throttling and sign-in record that names this address (a deleted
    account leaves no trace of its email behind)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    email = email.strip().lower()
    ThrottledAttempt.objects.filter(key=email).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


def allow_attempt(kind: str, keys: dict[str, str], limits: dict[str, int],
                  window: datetime.timedelta) -> bool:
    """Record one attempt of `kind` for each key (e.g. {"email": ..., "address": ...}) and
    say whether every key stays within its limit over the last `window`.

    Refused attempts are recorded too, so hammering does not shorten the wait.
    """
    now = timezone.now()
    with transaction.atomic():
        recent = ThrottledAttempt.objects.filter(kind=kind, created_at__gte=now - window)
        allowed = all(
            recent.filter(key_type=key_type, key=key).count() < limits[key_type]
            for key_type, key in keys.items() if key
        )
        ThrottledAttempt.objects.bulk_create(
            ThrottledAttempt(kind=kind, key_type=key_type, key=key)
            for key_type, key in keys.items() if key
        )
        ThrottledAttempt.objects.filter(created_at__lt=now - 2 * window).delete()
    return allowed


def client_ip(request) -> str:
    """The visitor's address, for throttling and the security log (AXES_CLIENT_IP_CALLABLE).

    Directly reached: REMOTE_ADDR. Behind TRUSTED_PROXIES load balancers (each appending the
    address it saw to X-Forwarded-For): the entry the outermost of them appended. Entries
    further left come from the visitor and could be forged, so they are never used. Without
    this, every visitor would share the balancer's address and one guesser would lock
    everyone out.
    """
    from django.conf import settings

    trusted = settings.TRUSTED_PROXIES
    if trusted:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "")
