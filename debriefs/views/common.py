"""What several view modules share: the scoped meeting lookup, the debriefs a coach may
read, a safe `next` redirect, and how many suggestions a panel shows."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Debrief, Meeting

SUGGESTIONS_SHOWN = 5
SUGGESTIONS_MORE = 10  # under "more": never a long list


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    """The signed-in client's meeting, with its contact and referrer; anyone else's: 404."""
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related(
            "contact__referred_by", "owner"
        ),
        pk=pk,
    )


def shared_debriefs(coach):
    """The debriefs `coach` may read, with what their pages show of the client and person."""
    return Debrief.objects.shared_with_coach(coach).select_related(
        "owner", "meeting__contact__referred_by", "meeting__owner"
    )


def safe_next_url(request: HttpRequest, default: str) -> str:
    """The `next` the form sent when it stays on this site, else `default`."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


def find_suggestion(suggestions, code: str, contact: str):
    """The suggestion a posted (code, contact) pair names, or None if it no longer applies."""
    key = f"{code}:{contact if contact.isdigit() else ''}"
    return next((s for s in suggestions if s.key == key), None)
