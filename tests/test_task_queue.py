"""The task queue: emails wait in PostgreSQL for a worker, and the daily digest reaches each
client once, however many workers run it and however often it is retried."""

import datetime
import io
import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from debriefs.models import DigestSent
from debriefs.reminders import send_digests
from debriefs.tasks import send_daily_digests
from tests.factories import FollowUpFactory, UserFactory

# The worker commits as it goes (its claim, then the result), as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_worker(worker_id: str) -> None:
    """One `db_worker` that runs every task waiting, then exits."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                 "--worker-id", worker_id, verbosity=0, stdout=io.StringIO())


def digests_to(address: str) -> list:
    return [message for message in mail.outbox
            if message.to == [address] and message.subject.startswith("Your next steps")]


@pytest.fixture
def two_clients_with_something_due():
    clients = [UserFactory(email=f"{name}@example.com") for name in ("amira", "bruno")]
    for client in clients:
        FollowUpFactory(owner=client, title=f"Thank {client.first_name}'s referrer",
                        due_on=timezone.localdate())
    return clients


def test_the_reminders_command_only_queues_and_the_worker_sends(
        database_queue, two_clients_with_something_due):
    call_command("send_reminders", stdout=io.StringIO())
    assert mail.outbox == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker("worker-a")

    assert len(digests_to("amira@example.com")) == 1
    assert len(digests_to("bruno@example.com")) == 1
    assert DBTaskResult.objects.successful().count() == 1


def test_the_digest_queued_twice_and_run_by_two_workers_reaches_each_client_once(
        database_queue, two_clients_with_something_due):
    call_command("send_reminders", stdout=io.StringIO())  # cron on the first server
    call_command("send_reminders", stdout=io.StringIO())  # and, by mistake, on the second

    run_worker("worker-a")
    run_worker("worker-b")

    assert DBTaskResult.objects.successful().count() == 2
    assert len(digests_to("amira@example.com")) == 1
    assert len(digests_to("bruno@example.com")) == 1
    assert DigestSent.objects.filter(day=timezone.localdate()).count() == 2


class DyingAfterFirstEmail(EmailBackend):
    """The worker process dies while sending the second email of its run."""

    sent = 0

    def send_messages(self, messages):
        if DyingAfterFirstEmail.sent >= 1:
            raise SystemExit("worker killed")
        DyingAfterFirstEmail.sent += 1
        return super().send_messages(messages)


def test_a_worker_killed_mid_digest_loses_no_email_and_sends_none_twice(
        database_queue, settings, two_clients_with_something_due):
    settings.EMAIL_BACKEND = "tests.test_task_queue.DyingAfterFirstEmail"
    DyingAfterFirstEmail.sent = 0
    send_daily_digests.enqueue(timezone.localdate().isoformat())

    run_worker("worker-killed")

    assert DBTaskResult.objects.failed().count() == 1
    assert len(mail.outbox) == 1  # one client was sent theirs before the crash
    first = mail.outbox[0].to[0]
    assert list(DigestSent.objects.values_list("client__email", flat=True)) == [first]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_daily_digests.enqueue(timezone.localdate().isoformat())  # the next cron run
    run_worker("worker-restarted")

    assert len(digests_to("amira@example.com")) == 1
    assert len(digests_to("bruno@example.com")) == 1
    assert DigestSent.objects.count() == 2


class SlowEmailBackend(EmailBackend):
    """A mail server that takes a moment, so two workers overlap while sending."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)


def test_two_workers_sending_the_digest_at_the_same_moment_send_each_email_once(settings):
    settings.EMAIL_BACKEND = "tests.test_task_queue.SlowEmailBackend"
    for name in ("amira", "bruno", "chen"):
        FollowUpFactory(owner=UserFactory(email=f"{name}@example.com"),
                        due_on=timezone.localdate())
    start = threading.Barrier(2)
    sent_by_worker = []

    def worker():
        start.wait()
        try:
            sent_by_worker.append(send_digests(timezone.localdate()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(sent_by_worker) == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.com", "bruno@example.com", "chen@example.com"]


def test_an_invitation_email_waits_in_the_queue_until_a_worker_sends_it(
        database_queue, client, dave):
    client.force_login(dave)
    client.post(reverse("accounts:invitation_list"), {"email": "new@example.com"})
    assert mail.outbox == []

    run_worker("worker-a")

    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "invites you to share your meeting debriefs" in mail.outbox[0].subject


def test_a_password_reset_email_is_sent_by_the_worker(database_queue, client, alice):
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert mail.outbox == []

    run_worker("worker-a")

    assert [message.to for message in mail.outbox] == [["alice@example.com"]]
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_a_task_left_running_by_a_killed_worker_is_run_again_without_sending_twice(
        database_queue, settings, two_clients_with_something_due):
    """kill -9 during the digest: one email out, the task still marked running."""
    result = send_daily_digests.enqueue(timezone.localdate().isoformat())
    task_row = DBTaskResult.objects.get(pk=result.id)
    task_row.claim("worker-killed")
    settings.EMAIL_BACKEND = "tests.test_task_queue.DyingAfterFirstEmail"
    DyingAfterFirstEmail.sent = 0
    with pytest.raises(SystemExit):
        send_daily_digests.call(timezone.localdate().isoformat())
    assert len(mail.outbox) == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("requeue_stale_tasks", stdout=io.StringIO())  # too recent: left alone
    assert DBTaskResult.objects.running().count() == 1
    DBTaskResult.objects.filter(pk=result.id).update(
        started_at=timezone.now() - datetime.timedelta(minutes=20))
    call_command("requeue_stale_tasks", stdout=io.StringIO())
    run_worker("worker-restarted")

    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert len(digests_to("amira@example.com")) == 1
    assert len(digests_to("bruno@example.com")) == 1
