import io

import pytest
from django.core.management import call_command

from accounts.models import Invitation, User
from debriefs.models import Comment, Debrief

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_coach_a_second_client_with_a_queue_and_a_private_debrief():
    call_command("seed_demo", stdout=io.StringIO())
    coach = User.objects.get(email="coach@example.com")
    marcus = User.objects.get(email="marcus@example.com")
    assert marcus.coach == coach
    shared = Debrief.objects.shared_with_coach(coach).filter(owner=marcus)
    assert shared.awaiting_review().count() == 3
    assert Debrief.objects.filter(owner=marcus, is_private=True).count() == 1
    assert shared.with_flags().filter(flag_count__gt=0).exists()
    assert Comment.objects.filter(debrief__owner=marcus).count() == 3
    assert Invitation.objects.filter(coach=coach).open().count() == 1


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Debrief.objects.count(), Comment.objects.count(), Invitation.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Debrief.objects.count(), Comment.objects.count(), Invitation.objects.count()) == counts
