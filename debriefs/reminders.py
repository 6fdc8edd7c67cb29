"""The daily digest: what each client has due today, and sending it once per day.

Steps: load everything due for every active client in a fixed number of queries
(`digests_for`), render one email per client with something due, and send each through
`DigestSent.send_once`, which records it so no client gets the same day's digest twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import DigestSent, FollowUp, Meeting


@dataclass
class Digest:
    client: object
    subject: str
    body: str


def digests_for(day: datetime.date) -> list[Digest]:
    """One digest per active client with something due on `day`: overdue and due follow-ups,
    meetings starting before the end of the next day, held meetings awaiting a debrief."""
    now = timezone.now()
    clients = get_user_model().objects.clients().filter(is_active=True)
    items = defaultdict(lambda: {"follow_ups": [], "meetings": [], "awaiting": []})
    for follow_up in FollowUp.objects.open().filter(
        owner__in=clients, due_on__lte=day
    ).select_related("contact").order_by("due_on", "pk"):
        items[follow_up.owner_id]["follow_ups"].append(follow_up)
    end_of_tomorrow = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time())
    )
    for meeting in Meeting.objects.planned().filter(
        owner__in=clients, starts_at__gte=now, starts_at__lt=end_of_tomorrow
    ).select_related("contact").order_by("starts_at"):
        items[meeting.owner_id]["meetings"].append(meeting)
    for meeting in Meeting.objects.awaiting_debrief(now).filter(
        owner__in=clients
    ).select_related("contact").order_by("starts_at"):
        items[meeting.owner_id]["awaiting"].append(meeting)

    site_url = settings.SITE_URL.rstrip("/")
    digests = []
    for client in clients.filter(pk__in=list(items)).order_by("pk"):
        due = items[client.pk]
        context = {"client": client, "today": day, **due, "site_url": site_url,
                   "home_url": site_url + reverse("home")}
        count = len(due["follow_ups"]) + len(due["meetings"]) + len(due["awaiting"])
        digests.append(Digest(
            client=client,
            subject=f"Your next steps today: {count} thing{'s' if count != 1 else ''} to do",
            body=render_to_string("debriefs/email/reminders.txt", context),
        ))
    return digests


def send_digests(day: datetime.date) -> int:
    """Send each client's digest for `day` that has not gone out yet; the number sent."""
    already_sent = set(DigestSent.objects.filter(day=day).values_list("client_id", flat=True))
    return sum(
        DigestSent.send_once(digest.client, day, digest.subject, digest.body)
        for digest in digests_for(day) if digest.client.pk not in already_sent
    )
