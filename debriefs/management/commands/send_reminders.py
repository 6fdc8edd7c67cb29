"""Email each client a digest of what is due today (run daily from cron)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from debriefs.models import FollowUp, Meeting


class Command(BaseCommand):
    help = "Email each client a digest of overdue and due-today follow-ups, today's and " \
           "tomorrow's meetings, and held meetings waiting for a debrief."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        now = timezone.now()
        clients = get_user_model().objects.clients().filter(is_active=True)
        digest = defaultdict(lambda: {"follow_ups": [], "meetings": [], "awaiting": []})
        for follow_up in FollowUp.objects.open().filter(
            owner__in=clients, due_on__lte=today
        ).select_related("contact").order_by("due_on", "pk"):
            digest[follow_up.owner_id]["follow_ups"].append(follow_up)
        end_of_tomorrow = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time())
        )
        for meeting in Meeting.objects.planned().filter(
            owner__in=clients, starts_at__gte=now, starts_at__lt=end_of_tomorrow
        ).select_related("contact").order_by("starts_at"):
            digest[meeting.owner_id]["meetings"].append(meeting)
        for meeting in Meeting.objects.awaiting_debrief(now).filter(
            owner__in=clients
        ).select_related("contact").order_by("starts_at"):
            digest[meeting.owner_id]["awaiting"].append(meeting)

        sent = 0
        for client in clients.filter(pk__in=list(digest)):
            items = digest[client.pk]
            context = {
                "client": client, "today": today, **items,
                "site_url": settings.SITE_URL.rstrip("/"),
                "home_url": settings.SITE_URL.rstrip("/") + reverse("home"),
            }
            body = render_to_string("debriefs/email/reminders.txt", context)
            count = len(items["follow_ups"]) + len(items["meetings"]) + len(items["awaiting"])
            subject = f"Your next steps today: {count} thing{'s' if count != 1 else ''} to do"
            if dry_run:
                self.stdout.write(f"--- {client.email}: {subject}\n{body}")
            else:
                send_mail(subject, body, None, [client.email])
            sent += 1
        self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} "
                          f"{'would be sent' if dry_run else 'sent'}.")
