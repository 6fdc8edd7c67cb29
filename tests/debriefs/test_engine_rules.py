"""The method's rules that make next steps trustworthy: one step, one follow-up, one date;
no two suggestions that contradict each other; the hard case never silently drops."""

import dataclasses
import datetime
import itertools

import pytest
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Debrief, Meeting
from debriefs.suggestions import (
    ContactFact,
    DebriefContext,
    NetworkFacts,
    suggest_for_debrief,
    suggest_for_network,
)
from debriefs.suggestions.debrief_rules import DEBRIEF_RULES
from debriefs.suggestions.facts import (
    FollowUpFact,
    KeepInTouchFact,
    MetReferralFact,
    ReferralFact,
)
from debriefs.suggestions.network_rules import NETWORK_RULES

TODAY = datetime.date(2026, 11, 26)  # a Thursday
MET_AT = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))


def debrief(kind=Meeting.Kind.NETWORKING, referrer=None, **fields) -> Debrief:
    person = Contact(pk=10, name="Lena Fischer", organisation="Halden", tier=2,
                     referred_by=referrer)
    meeting = Meeting(pk=1, contact=person, contact_tier=2, starts_at=MET_AT, kind=kind)
    quiet = dict(
        stump_speech_delivered="yes", questions_led_by="me", job_hinted=False, wants_job="",
        industry_questions="How is the field changing?\nWho succeeds here?",
        impression="neutral", referral_names="Ann Lee", thank_you_sent_on=TODAY,
    )
    return Debrief(meeting=meeting, **(quiet | fields))


def context(**changes) -> DebriefContext:
    quiet = DebriefContext(
        today=TODAY, competencies=[("Leading teams", True)],
        referrals=[ContactFact(20, "Ann Lee", tier=3, status="met")], highest_tier_met=3,
    )
    return dataclasses.replace(quiet, **changes)


def codes(suggestions) -> list[str]:
    return [s.code for s in suggestions]


def find(suggestions, code):
    return next(s for s in suggestions if s.code == code)


# The engine as a list of rules --------------------------------------------------------


def test_every_rule_names_the_part_of_the_method_it_implements():
    for rule in DEBRIEF_RULES + NETWORK_RULES:
        assert rule.__doc__ and "docs/method.md" in rule.__doc__, rule.__name__


# The hard case never silently drops ---------------------------------------------------


def test_a_hinted_job_with_no_answer_asks_the_client_to_decide():
    found = suggest_for_debrief(debrief(job_hinted=True, wants_job=""), context())
    assert "reconsider-interest" in codes(found)
    assert "not said whether you want it" in find(found, "reconsider-interest").why


def test_wanting_the_hinted_job_never_says_lead_the_questions():
    found = suggest_for_debrief(
        debrief(job_hinted=True, wants_job="yes", questions_led_by="them"), context()
    )
    assert "prepare-job-interview" in codes(found)
    assert "lead-the-questions" not in codes(found)


@pytest.mark.parametrize(("wants", "reason"), [
    ("unsure", "you are unsure about the job"),
    ("no", "a job you do not want was hinted at"),
])
def test_talking_it_over_with_the_coach_gives_the_right_reason(wants, reason):
    found = suggest_for_debrief(debrief(job_hinted=True, wants_job=wants),
                                context(has_coach=True))
    assert reason in find(found, "review-with-coach").why


# One step, one date ---------------------------------------------------------------


def test_preparation_is_due_the_day_before_a_meeting_already_planned():
    planned_on = datetime.date(2026, 11, 28)  # in two days
    found = suggest_for_debrief(
        debrief(questions_led_by="them"),
        context(next_meetings={10: 77}, next_meeting_dates={10: planned_on}),
    )
    assert find(found, "lead-the-questions").due_on == datetime.date(2026, 11, 27)


def test_preparation_for_a_meeting_tomorrow_is_due_today():
    found = suggest_for_debrief(
        debrief(questions_led_by="them"),
        context(next_meetings={10: 77}, next_meeting_dates={10: TODAY}),
    )
    assert find(found, "lead-the-questions").due_on == TODAY


def test_without_a_planned_meeting_preparation_is_due_within_a_week():
    found = suggest_for_debrief(debrief(questions_led_by="them"), context())
    assert find(found, "lead-the-questions").due_on == datetime.date(2026, 12, 3)


def test_writing_to_a_referral_has_the_same_due_date_on_the_debrief_and_the_home_page():
    referral = ContactFact(20, "Ann Lee", tier=3, status="to_contact")
    on_debrief = find(suggest_for_debrief(debrief(), context(referrals=[referral])),
                      "contact-referral")
    on_home = find(suggest_for_network(NetworkFacts(
        today=TODAY, referrals_to_contact=[ReferralFact(referral, "Lena Fischer", MET_AT.date())]
    )), "contact-referral")
    assert on_debrief.due_on == on_home.due_on == datetime.date(2026, 11, 27)
    assert on_debrief.step == on_home.step
    assert on_debrief.follow_up_title == on_home.follow_up_title


def test_a_step_with_an_open_follow_up_from_the_home_page_is_not_offered_on_the_debrief():
    referral = ContactFact(20, "Ann Lee", tier=3, status="to_contact")
    from_home = FollowUpFact("contact-referral", 20, None, TODAY)
    found = suggest_for_debrief(debrief(), context(referrals=[referral],
                                                   follow_ups=[from_home]))
    assert "contact-referral" not in codes(found)


def test_a_step_taken_on_a_debrief_is_not_offered_on_the_home_page():
    referral = ContactFact(20, "Ann Lee", tier=3, status="to_contact")
    from_debrief = FollowUpFact("contact-referral", 20, 1, TODAY)
    found = suggest_for_network(NetworkFacts(
        today=TODAY, referrals_to_contact=[ReferralFact(referral, "Lena Fischer", TODAY)],
        follow_ups=[from_debrief],
    ))
    assert found == []


# Telling the referrer, after each person they referred is met ---------------------------


def test_the_referrer_is_owed_a_note_after_each_person_they_referred_is_met():
    grace = Contact(pk=5, name="Grace Liu")
    told_about_an_earlier_meeting = FollowUpFact("thank-referrer", 5, 99, TODAY)
    found = suggest_for_debrief(debrief(referrer=grace),
                                context(follow_ups=[told_about_an_earlier_meeting]))
    assert "thank-referrer" in codes(found)


def test_the_referrer_is_not_asked_twice_about_the_same_meeting():
    grace = Contact(pk=5, name="Grace Liu")
    told = FollowUpFact("thank-referrer", 5, 1, TODAY, done_on=TODAY)
    found = suggest_for_debrief(debrief(referrer=grace), context(follow_ups=[told]))
    assert "thank-referrer" not in codes(found)


def test_the_home_page_offers_a_note_to_the_referrer_for_each_meeting():
    met = [MetReferralFact("Nadia Karim", 5, "Grace Liu", TODAY, meeting_id=1),
           MetReferralFact("Paul Nguyen", 5, "Grace Liu", TODAY, meeting_id=2)]
    found = suggest_for_network(NetworkFacts(today=TODAY, met_referrals=met))
    assert [s.title for s in found] == [
        "Tell Grace Liu how the meeting with Nadia Karim went",
        "Tell Grace Liu how the meeting with Paul Nguyen went",
    ]


# Keep in touch, about monthly, until the client stops it ------------------------------


def keep_in_touch(follow_ups=(), last_met=datetime.date(2026, 10, 30), dismissed=()):
    return suggest_for_network(NetworkFacts(
        today=TODAY, keep_in_touch=[KeepInTouchFact(10, "Lena Fischer", last_met)],
        follow_ups=list(follow_ups), dismissed_steps=set(dismissed),
    ))


def test_keep_in_touch_comes_up_a_month_after_the_meeting():
    found = keep_in_touch()
    assert [s.code for s in found] == ["keep-in-touch"]
    assert found[0].due_on == datetime.date(2026, 11, 29)


def test_keep_in_touch_is_not_offered_while_a_month_is_far_off():
    assert keep_in_touch(last_met=datetime.date(2026, 11, 20)) == []


def test_keep_in_touch_comes_back_a_month_after_the_last_note():
    sent = FollowUpFact("keep-in-touch", 10, None, datetime.date(2026, 10, 1),
                        done_on=datetime.date(2026, 11, 1))
    assert keep_in_touch([sent])[0].due_on == datetime.date(2026, 12, 1)
    recent = dataclasses.replace(sent, done_on=datetime.date(2026, 11, 20))
    assert keep_in_touch([recent]) == []


def test_keep_in_touch_waits_while_a_note_is_planned():
    planned = FollowUpFact("keep-in-touch", 10, None, datetime.date(2026, 11, 20))
    assert keep_in_touch([planned]) == []


def test_dismissing_keep_in_touch_stops_it():
    assert keep_in_touch(dismissed=[("keep-in-touch", 10, None)]) == []


# No two suggestions that contradict each other ----------------------------------------

# Pairs that must never be shown together, with why.
INCOMPATIBLE = {
    ("treat-as-informational", "prepare-job-interview"): "you lead vs they lead",
    ("prepare-job-interview", "lead-the-questions"): "a job interview is theirs to lead",
    ("prepare-job-interview", "reconsider-interest"): "already decided",
    ("ask-for-referral", "add-referrals"): "no names vs names to add",
}

CHOICES = dict(
    job_hinted=[None, True, False],
    wants_job=["", "yes", "no", "unsure"],
    questions_led_by=["", "me", "balanced", "them"],
    stump_speech_delivered=["", "yes", "partly", "no"],
    impression=["", "positive", "neutral", "negative"],
    referral_names=["", "Ann Lee"],
)


def test_no_combination_of_answers_gives_two_contradicting_suggestions():
    names = list(CHOICES)
    checked = 0
    for values in itertools.product(*CHOICES.values()):
        for kind in (Meeting.Kind.NETWORKING, Meeting.Kind.JOB_INTERVIEW):
            fields = dict(zip(names, values, strict=True))
            found = set(codes(suggest_for_debrief(
                debrief(kind=kind, **fields), context(referrals=[], has_coach=True)
            )))
            for first, second in INCOMPATIBLE:
                assert not {first, second} <= found, (fields, kind, INCOMPATIBLE[first, second])
            if kind == Meeting.Kind.JOB_INTERVIEW:
                assert "lead-the-questions" not in found
            checked += 1
    assert checked == 2 * 3 * 4 * 4 * 4 * 4 * 2


def test_writing_to_a_referral_and_planning_that_meeting_are_one_card():
    referral = ContactFact(20, "Ann Lee", tier=3, status="to_contact")
    found = suggest_for_debrief(debrief(), context(referrals=[referral], highest_tier_met=2))
    assert "climb-a-tier" not in codes(found)
    card = find(found, "contact-referral")
    assert card.action == "follow_up"
    assert (card.prep_label, card.prep_url) == ("Plan the meeting", "/meetings/new/?contact=20")
