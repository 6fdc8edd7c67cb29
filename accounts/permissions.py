"""Role rules in one place. Views call these; templates only receive their results."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def is_coach_of(coach, client) -> bool:
    """Whether `coach` is currently the coach of `client` (a link can end at any time)."""
    return bool(coach.is_authenticated and coach.is_coach and client.coach_id == coach.pk)


def coach_required(view):
    """Only coaches may use the view; anyone else signed in gets a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_coach:
            raise PermissionDenied("This page is for coaches.")
        return view(request, *args, **kwargs)

    return wrapper


def client_required(view):
    """Only clients may use the view (a coach reads client data but never writes it)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client:
            raise PermissionDenied("Coaches can read their clients' data but not change it.")
        return view(request, *args, **kwargs)

    return wrapper
