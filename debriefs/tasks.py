"""Background tasks of the debriefs app (django.tasks, run by `manage.py db_worker`)."""

import datetime

from django.tasks import task

from .reminders import send_digests


@task
def send_daily_digests(day: str) -> int:
    """Send the day's digests (`day` in ISO format) that have not gone out yet. Safe to run
    any number of times, by any number of workers: each client gets one per day."""
    return send_digests(datetime.date.fromisoformat(day))
