"""The per-client review counts that triggers keep (debriefs migration 0013)."""

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from debriefs.models import ClientReviewTally, Debrief
from tests.factories import CoachFactory, DebriefFactory, UserFactory


def tally(client) -> tuple:
    row = ClientReviewTally.objects.get(client=client)
    return row.coach_id, row.awaiting, row.open_flags


def counted_from_scratch(client) -> tuple:
    waiting = Debrief.objects.filter(owner=client, is_draft=False, is_private=False,
                                     reviewed_at__isnull=True)
    return (client.coach_id, waiting.count(), sum(waiting.values_list("flag_count", flat=True)))


def test_a_new_client_has_nothing_waiting(alice, carol):
    assert tally(alice) == (carol.pk, 0, 0)


def test_a_shared_finished_debrief_waits_for_review(alice, carol):
    DebriefFactory(meeting__owner=alice)
    assert tally(alice)[:2] == (carol.pk, 1)
    assert tally(alice) == counted_from_scratch(alice)


def test_drafts_and_private_debriefs_never_wait(alice, carol):
    DebriefFactory(meeting__owner=alice, is_draft=True)
    DebriefFactory(meeting__owner=alice, is_private=True)
    assert tally(alice) == (carol.pk, 0, 0)


def test_a_reviewed_debrief_no_longer_waits(alice, carol):
    debrief = DebriefFactory(meeting__owner=alice)
    debrief.mark_reviewed(by=carol)
    assert tally(alice) == (carol.pk, 0, 0)


def test_the_flags_of_waiting_debriefs_are_summed(alice, carol):
    for flags in (3, 1):
        debrief = DebriefFactory(meeting__owner=alice)
        Debrief.objects.filter(pk=debrief.pk).update(flag_count=flags)
    assert tally(alice) == (carol.pk, 2, 4) == counted_from_scratch(alice)


def test_a_debrief_made_private_leaves_the_counts_with_its_flags(alice, carol):
    debrief = DebriefFactory(meeting__owner=alice)
    Debrief.objects.filter(pk=debrief.pk).update(flag_count=2)
    Debrief.objects.filter(pk=debrief.pk).update(is_private=True)
    assert tally(alice) == (carol.pk, 0, 0)


def test_a_deleted_debrief_leaves_the_counts(alice, carol):
    DebriefFactory(meeting__owner=alice).delete()
    assert tally(alice) == (carol.pk, 0, 0)


def test_the_counts_follow_the_client_to_a_new_coach(alice, carol):
    DebriefFactory(meeting__owner=alice)
    other = CoachFactory()
    alice.coach = other
    alice.save(update_fields=["coach"])
    assert tally(alice)[:2] == (other.pk, 1)


def test_a_renamed_client_is_ranked_by_the_new_name(alice, carol):
    User.objects.filter(pk=alice.pk).update(first_name="Zoe", last_name="Adams")
    row = ClientReviewTally.objects.get(client=alice)
    assert (row.first_name, row.last_name) == ("Zoe", "Adams")


def test_a_deleted_client_takes_the_counts_along(alice, carol):
    DebriefFactory(meeting__owner=alice)
    alice.delete()
    assert not ClientReviewTally.objects.filter(client_id=alice.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_counts_change_when_the_transaction_commits():
    coach = CoachFactory()
    client = UserFactory(coach=coach)
    with transaction.atomic():
        debrief = DebriefFactory(meeting__owner=client)
        assert tally(client) == (coach.pk, 0, 0)  # deferred to the commit
    assert tally(client)[:2] == (coach.pk, 1)
    Debrief.objects.filter(pk=debrief.pk).update(reviewed_at=timezone.now())
    assert tally(client) == (coach.pk, 0, 0)


def test_a_deleted_coach_leaves_the_client_s_counts_without_a_coach(alice, carol):
    DebriefFactory(meeting__owner=alice)
    carol.delete()
    assert tally(alice)[:2] == (None, 1)
