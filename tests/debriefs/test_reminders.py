import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from debriefs.models import Meeting
from tests.factories import DebriefFactory, FollowUpFactory, MeetingFactory, UserFactory


def test_each_client_gets_a_digest_of_only_what_is_theirs_and_due(alice, charlie, carol):
    today = timezone.localdate()
    FollowUpFactory(owner=alice, title="Thank Lena", due_on=today)
    FollowUpFactory(owner=alice, title="Overdue note", due_on=today - datetime.timedelta(3))
    FollowUpFactory(owner=alice, title="Next week", due_on=today + datetime.timedelta(7))
    FollowUpFactory(owner=alice, title="Done already", due_on=today, done_at=timezone.now())
    MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Nadia Karim",
                   starts_at=timezone.now() + datetime.timedelta(hours=20))
    MeetingFactory(owner=alice, contact__name="Ruth Adler")  # held, no debrief
    DebriefFactory(meeting=MeetingFactory(owner=charlie, contact__name="Debriefed One"))
    FollowUpFactory(owner=charlie, title="Charlie's call", due_on=today)
    UserFactory(email="idle@example.com")  # nothing due: no email

    call_command("send_reminders", stdout=io.StringIO())

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"alice@example.com", "charlie@example.com"}
    alices = by_recipient["alice@example.com"].body
    assert "Thank Lena" in alices
    assert "Overdue note (overdue since" in alices
    assert "Nadia Karim" in alices
    assert "Ruth Adler" in alices
    assert "Next week" not in alices and "Done already" not in alices
    assert "Charlie's call" not in alices
    charlies = by_recipient["charlie@example.com"].body
    assert "Charlie's call" in charlies
    assert "Debriefed One" not in charlies
    assert by_recipient["alice@example.com"].subject.startswith("Your next steps today: 4")


def test_a_coach_gets_no_reminder(carol):
    FollowUpFactory(owner=carol, due_on=timezone.localdate())
    call_command("send_reminders", stdout=io.StringIO())
    assert mail.outbox == []


def test_a_dry_run_sends_nothing(alice, capsys):
    FollowUpFactory(owner=alice, title="Thank Lena")
    call_command("send_reminders", "--dry-run")
    assert mail.outbox == []
    assert "Thank Lena" in capsys.readouterr().out
