"""Queue today's digest for the task worker (run daily from cron; it only enqueues)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from debriefs.reminders import digests_for, send_digests
from debriefs.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Queue today's digest emails (overdue and due-today follow-ups, today's and " \
           "tomorrow's meetings, held meetings waiting for a debrief) for the task worker. " \
           "Each client gets at most one a day, however often this runs."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print, send nothing.")
        parser.add_argument("--now", action="store_true",
                            help="Send in this process instead of queueing for the worker.")

    def handle(self, *args, dry_run=False, now=False, **options):
        today = timezone.localdate()
        if dry_run:
            digests = digests_for(today)
            for digest in digests:
                self.stdout.write(f"--- {digest.client.email}: {digest.subject}\n{digest.body}")
            self.stdout.write(f"{len(digests)} digest{'s' if len(digests) != 1 else ''} "
                              "would be sent.")
        elif now:
            sent = send_digests(today)
            self.stdout.write(f"{sent} digest{'s' if sent != 1 else ''} sent.")
        else:
            result = send_daily_digests.enqueue(today.isoformat())
            self.stdout.write(f"Digests for {today} queued (task {result.id}).")
