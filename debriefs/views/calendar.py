"""The private iCalendar feed of meetings and follow-ups, and resetting its secret link."""

import datetime
import uuid
from urllib.parse import urlsplit

import vobject
from dateutil import tz
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import client_required

from ..models import FollowUp, Meeting

CALENDAR_NAME = "Debriefs: meetings and follow-ups"


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "debriefs.invalid"


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Upcoming meetings and open follow-ups as iCalendar, for any calendar app.

    The secret token in the URL stands in for a login (calendar apps cannot log in); the
    client can reset it from their account page to revoke old links.
    """
    user = get_object_or_404(get_user_model().objects.clients(), calendar_token=token,
                             is_active=True)
    calendar = vobject.iCalendar()
    calendar.add("prodid").value = "-//Debriefs//Meetings and follow-ups//EN"
    calendar.add("name").value = CALENDAR_NAME  # RFC 7986
    calendar.add("x-wr-calname").value = CALENDAR_NAME
    # Calendar apps poll at this pace instead of their own (often a day or a week).
    refresh = calendar.add("refresh-interval")
    refresh.value = "PT1H"
    refresh.params["VALUE"] = ["DURATION"]
    calendar.add("x-published-ttl").value = "PT1H"
    # The site's own domain, not the request's host: a feed fetched under another name
    # (127.0.0.1:8000, a proxy) must keep its UIDs, or every event shows up twice.
    host = uid_domain()
    since = timezone.now() - datetime.timedelta(days=30)
    meetings = Meeting.objects.for_user(user).planned().filter(starts_at__gte=since)
    for meeting in meetings.select_related("contact").order_by("starts_at"):
        event = calendar.add("vevent")
        event.add("uid").value = f"meeting-{meeting.pk}@{host}"
        # vobject writes UTC times with a "Z" only for dateutil's UTC.
        starts_at = meeting.starts_at.astimezone(tz.UTC)
        event.add("dtstamp").value = meeting.updated_at.astimezone(tz.UTC)
        event.add("dtstart").value = starts_at
        try:
            ends_at = starts_at + datetime.timedelta(hours=1)
        except OverflowError:  # saved at the very end of the calendar (year 9999)
            ends_at = datetime.datetime.max.replace(tzinfo=tz.UTC)
        event.add("dtend").value = ends_at
        event.add("summary").value = f"{meeting.get_kind_display()} with {meeting.contact.name}"
        if meeting.location:
            event.add("location").value = meeting.location
        event.add("url").value = request.build_absolute_uri(
            reverse("debriefs:meeting_detail", args=[meeting.pk])
        )
    for follow_up in FollowUp.objects.for_user(user).open().order_by("due_on"):
        event = calendar.add("vevent")
        event.add("uid").value = f"follow-up-{follow_up.pk}@{host}"
        event.add("dtstamp").value = follow_up.created_at.astimezone(tz.UTC)
        event.add("dtstart").value = follow_up.due_on
        event.add("summary").value = f"Follow-up: {follow_up.title}"
    response = HttpResponse(calendar.serialize(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="debriefs.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@client_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    request.user.calendar_token = uuid.uuid4()
    request.user.save(update_fields=["calendar_token"])
    messages.success(request, "Your calendar link is reset: the old one no longer works. "
                              "Subscribe again with the new link.")
    return redirect(reverse("accounts:account") + "#calendar")
