"""What several view modules share: the scoped meeting lookup, the debriefs a coach may
read, a safe `next` redirect, and how many suggestions a panel shows."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Debrief, Meeting
from ..suggestions import PER_MEETING_CODES, Suggestion

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


def picked_first(queryset, rows: slice):
    """`queryset[rows]`, picked and ordered on its own table, then joined
    (`select_related`) for those rows only: left to itself, PostgreSQL joins every row of
    the user's before sorting and cutting. One query."""
    return queryset.filter(pk__in=queryset.values("pk")[rows])


def picked_by_key(queryset, rows: slice, shown):
    """`shown` (the same model, with what the rows display: joins, fields) for
    `queryset[rows]`, in `queryset`'s order. The rows are picked by `queryset`, which
    starts from the user; the outer query filters on their keys alone, so PostgreSQL
    reads each of them by key rather than matching every row of the user's. One query."""
    picked = queryset.values("pk")[rows]
    return shown.filter(pk__in=picked).order_by(*queryset.query.order_by)


def safe_next_url(request: HttpRequest, default: str) -> str:
    """The `next` the form sent when it is a path on this site, else `default`.

    Only a path ("/meetings/"): `redirect()` would take "abc" for a view name (a 500)
    and "a.b" for a relative address.
    """
    url = request.POST.get("next") or request.GET.get("next") or ""
    if (url.startswith("/") and not url.startswith("//")
            and url_has_allowed_host_and_scheme(url, {request.get_host()},
                                                request.is_secure())):
        return url
    return default


def find_suggestion(suggestions, data, meeting_id: int | None = None) -> Suggestion | None:
    """The suggestion a posted form names (its step: code, person, meeting where it
    matters), or None if it no longer applies. On a meeting's own page the step's meeting
    is that meeting unless the form says otherwise."""

    def number(name: str) -> str:
        value = data.get(name, "")
        return value if value.isdecimal() else ""

    code = data.get("code", "")
    step_meeting = number("step_meeting")
    if not step_meeting and meeting_id and code in PER_MEETING_CODES:
        step_meeting = str(meeting_id)
    key = f"{code}:{number('contact')}:{step_meeting}"
    return next((s for s in suggestions if s.key == key), None)
