"""`Meeting.debriefed`, kept by triggers (debriefs migration 0012), and "awaiting a
debrief", which reads it."""

import datetime

import pytest
from django.utils import timezone

from debriefs.models import Debrief, Meeting
from tests.factories import DebriefFactory, MeetingFactory


def debriefed(meeting) -> bool:
    return Meeting.objects.values_list("debriefed", flat=True).get(pk=meeting.pk)


def awaiting(owner) -> set[int]:
    return set(Meeting.objects.for_user(owner).awaiting_debrief().values_list("pk", flat=True))


@pytest.fixture
def held(alice):
    return MeetingFactory(owner=alice, status=Meeting.Status.HELD)


def test_a_held_meeting_without_a_debrief_is_awaiting_one(alice, held):
    assert not debriefed(held)
    assert awaiting(alice) == {held.pk}


def test_a_draft_debrief_leaves_the_meeting_awaiting_one(alice, held):
    DebriefFactory(meeting=held, is_draft=True)
    assert not debriefed(held)
    assert awaiting(alice) == {held.pk}


def test_a_finished_debrief_marks_its_meeting_debriefed(alice, held):
    DebriefFactory(meeting=held)
    assert debriefed(held)
    assert awaiting(alice) == set()


def test_finishing_a_draft_marks_the_meeting_debriefed(alice, held):
    debrief = DebriefFactory(meeting=held, is_draft=True)
    Debrief.objects.filter(pk=debrief.pk).update(is_draft=False)
    assert debriefed(held)


def test_a_debrief_turned_back_into_a_draft_leaves_the_meeting_awaiting_again(alice, held):
    debrief = DebriefFactory(meeting=held)
    debrief.is_draft = True
    debrief.save()
    assert not debriefed(held)


def test_deleting_the_debrief_leaves_the_meeting_awaiting_again(alice, held):
    DebriefFactory(meeting=held).delete()
    assert awaiting(alice) == {held.pk}


def test_a_debrief_moved_to_another_meeting_moves_the_mark(alice, held):
    other = MeetingFactory(owner=alice, status=Meeting.Status.HELD)
    debrief = DebriefFactory(meeting=held)
    Debrief.objects.filter(pk=debrief.pk).update(meeting=other)
    assert (debriefed(held), debriefed(other)) == (False, True)


def test_saving_a_meeting_loaded_before_its_debrief_keeps_the_mark(alice, held):
    stale = Meeting.objects.get(pk=held.pk)
    DebriefFactory(meeting=held)
    stale.location = "Cafe Nero"
    stale.save()
    assert debriefed(held)


def test_a_planned_meeting_is_awaiting_a_debrief_once_its_time_has_passed(alice):
    past = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                          starts_at=timezone.now() - datetime.timedelta(hours=1))
    MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                   starts_at=timezone.now() + datetime.timedelta(hours=1))
    assert awaiting(alice) == {past.pk}


def test_a_cancelled_meeting_is_never_awaiting_a_debrief(alice):
    MeetingFactory(owner=alice, status=Meeting.Status.CANCELLED,
                   starts_at=timezone.now() - datetime.timedelta(hours=1))
    assert awaiting(alice) == set()


def test_another_users_meeting_is_not_among_mine_awaiting_a_debrief(alice, charlie):
    MeetingFactory(owner=charlie, status=Meeting.Status.HELD)
    assert awaiting(alice) == set()
