import io

from django.core.management import call_command

from accounts.models import User
from debriefs.models import Debrief, Meeting
from debriefs.suggestions import suggestions_for


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_client_gets_about_twelve_meetings_most_debriefed(db):
    seed()
    priya = User.objects.get(email="client@example.com")
    meetings = Meeting.objects.for_user(priya)
    assert 10 <= meetings.count() <= 14
    assert Debrief.objects.for_user(priya).filter(is_draft=False).count() >= 8
    assert meetings.upcoming().count() >= 2
    assert meetings.without_debrief().count() >= 1


def test_the_demo_covers_the_hard_case_no_referral_and_a_wanted_job(db):
    seed()
    priya = User.objects.get(email="client@example.com")
    debriefs = Debrief.objects.for_user(priya).select_related(
        "meeting__contact__referred_by", "meeting__owner")
    codes = {s.code for d in debriefs for s in suggestions_for(d)}
    assert {"treat-as-informational", "ask-for-referral", "prepare-job-interview"} <= codes


def test_seeding_twice_changes_nothing(db):
    seed()
    counts = (Meeting.objects.count(), Debrief.objects.count())
    seed()
    assert (Meeting.objects.count(), Debrief.objects.count()) == counts
