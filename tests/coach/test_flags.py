import pytest

from debriefs.flags import FLAGS, flags_for
from debriefs.models import Debrief, Meeting
from tests.factories import ContactFactory, DebriefFactory

pytestmark = pytest.mark.django_db

# A debrief that raises no flag: stump speech given, they led, a name was given.
CLEAN = dict(
    stump_speech_delivered="yes",
    questions_led_by="me",
    job_hinted=False,
    impression="positive",
    referral_names="Dr Jane Ng",
)


def flag_names(debrief):
    return [flag.name for flag in flags_for(Debrief.objects.with_flags().get(pk=debrief.pk))]


def test_a_well_run_meeting_raises_no_flag(alice):
    assert flag_names(DebriefFactory(meeting__owner=alice, **CLEAN)) == []


@pytest.mark.parametrize("wants_job", ["no", "unsure"])
def test_a_hinted_job_not_wanted_or_unsure_is_flagged(alice, wants_job):
    debrief = DebriefFactory(
        meeting__owner=alice, **(CLEAN | dict(job_hinted=True, wants_job=wants_job))
    )
    assert flag_names(debrief) == ["unwanted_job"]


def test_a_hinted_job_that_is_wanted_is_not_flagged(alice):
    debrief = DebriefFactory(
        meeting__owner=alice, **(CLEAN | dict(job_hinted=True, wants_job="yes"))
    )
    assert flag_names(debrief) == []


def test_no_referral_names_and_no_referral_added_is_flagged(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="  \n ")))
    assert flag_names(debrief) == ["no_referral"]


def test_a_referral_added_from_the_meeting_counts_as_a_referral(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    ContactFactory(owner=alice, referred_in=debrief.meeting)
    assert flag_names(debrief) == []


def test_a_referral_from_another_meeting_does_not_count(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    other = DebriefFactory(meeting__owner=alice)
    ContactFactory(owner=alice, referred_in=other.meeting)
    assert flag_names(debrief) == ["no_referral"]


def test_the_other_side_leading_an_informational_interview_is_flagged(alice):
    debrief = DebriefFactory(
        meeting__owner=alice,
        meeting__kind=Meeting.Kind.INFORMATIONAL,
        **(CLEAN | dict(questions_led_by="them")),
    )
    assert flag_names(debrief) == ["they_led_the_questions"]


def test_the_other_side_leading_a_job_interview_is_not_flagged(alice):
    debrief = DebriefFactory(
        meeting__owner=alice,
        meeting__kind=Meeting.Kind.JOB_INTERVIEW,
        **(CLEAN | dict(questions_led_by="them")),
    )
    assert flag_names(debrief) == []


def test_the_other_side_leading_after_a_wanted_job_was_hinted_is_not_flagged(alice):
    debrief = DebriefFactory(
        meeting__owner=alice,
        **(CLEAN | dict(questions_led_by="them", job_hinted=True, wants_job="yes")),
    )
    assert flag_names(debrief) == []


def test_no_stump_speech_is_flagged(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(stump_speech_delivered="no")))
    assert flag_names(debrief) == ["no_stump_speech"]


def test_a_negative_impression_is_flagged(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(impression="negative")))
    assert flag_names(debrief) == ["negative_impression"]


def test_flag_count_adds_up_every_flag_raised(alice):
    debrief = DebriefFactory(
        meeting__owner=alice,
        stump_speech_delivered="no",
        questions_led_by="them",
        job_hinted=True,
        wants_job="no",
        impression="negative",
        referral_names="",
    )
    annotated = Debrief.objects.with_flags().get(pk=debrief.pk)
    assert annotated.flag_count == len(FLAGS) == 5
    assert [flag.name for flag in flags_for(annotated)] == [flag.name for flag in FLAGS]


def test_flags_for_a_debrief_loaded_without_annotations_gives_the_same_answer(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(impression="negative")))
    assert [flag.name for flag in flags_for(debrief)] == ["negative_impression"]


def test_every_flag_explains_why_in_the_methods_words():
    for flag in FLAGS:
        assert flag.title and len(flag.why) > 60
    text = " ".join(flag.why for flag in FLAGS)
    assert "informational interview" in text and "stump speech" in text and "referral" in text


def test_the_stored_flag_count_is_the_number_of_flags_raised(alice):
    debrief = DebriefFactory(
        meeting__owner=alice, **(CLEAN | dict(impression="negative", stump_speech_delivered="no"))
    )
    debrief.refresh_from_db()
    assert debrief.flag_count == len(flags_for(debrief)) == 2


def test_saving_a_debrief_again_keeps_its_stored_flag_count_current(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(impression="negative")))
    debrief.impression = "positive"
    debrief.save()
    debrief.refresh_from_db()
    assert debrief.flag_count == 0


def test_a_referral_added_from_the_debrief_clears_the_stored_no_referral_flag(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    ContactFactory(owner=alice, referred_in=debrief.meeting, name="Dr Ng")
    debrief.note_referral_name("Dr Ng")
    debrief.refresh_from_db()
    assert debrief.flag_count == 0


def test_a_referral_added_from_the_contacts_pages_clears_the_stored_no_referral_flag(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    ContactFactory(owner=alice, referred_in=debrief.meeting, name="Dr Ng")
    debrief.refresh_from_db()
    assert debrief.flag_count == 0


def test_deleting_the_only_referral_of_a_meeting_raises_its_stored_no_referral_flag(alice):
    debrief = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    referral = ContactFactory(owner=alice, referred_in=debrief.meeting, name="Dr Ng")
    referral.delete()
    debrief.refresh_from_db()
    assert debrief.flag_count == 1


def test_moving_a_referral_to_another_meeting_updates_both_stored_flag_counts(alice):
    first = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    second = DebriefFactory(meeting__owner=alice, **(CLEAN | dict(referral_names="")))
    referral = ContactFactory(owner=alice, referred_in=first.meeting, name="Dr Ng")
    referral.referred_in = second.meeting
    referral.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.flag_count, second.flag_count) == (1, 0)
