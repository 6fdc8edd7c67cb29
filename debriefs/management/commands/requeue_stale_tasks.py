"""Put back in the queue the tasks whose worker was killed while running them.

A worker stopped with SIGTERM or Ctrl-C finishes its task first; one killed outright
(SIGKILL, out of memory, the machine lost) leaves its task marked running for ever. Our
tasks are safe to run again (the digest is recorded per client per day), so any task still
running long after every task should have finished is made ready again. Run from cron.
"""

import datetime

from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Make tasks left running by a killed worker ready to run again."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15,
                            help="How long after it started a running task counts as "
                                 "abandoned (default 15; our tasks take seconds).")

    def handle(self, *args, minutes=15, **options):
        started_before = timezone.now() - datetime.timedelta(minutes=minutes)
        requeued = DBTaskResult.objects.running().filter(started_at__lt=started_before).update(
            status=TaskResultStatus.READY, started_at=None,
        )
        self.stdout.write(f"{requeued} abandoned task{'s' if requeued != 1 else ''} requeued.")
