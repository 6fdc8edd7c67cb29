"""The engine's timing rules pinned at their boundaries (docs/method.md, "Timing and etiquette").

Every expected date is literal, never recomputed from the constants in
`debriefs/suggestions/catalog.py` or `contacts/outreach.py`: a changed rule (3 business days
read as 4) then fails here instead of moving with its constant. The engine is pure, so most
tests build unsaved model instances and plain facts; one goes through the home page's loader.

The calendar: Alice met Lena on Wednesday 25 Nov 2026 and reads her suggestions on Thursday
26 Nov. She wrote to Ann Lee on Thursday 19 Nov, so with the weekends of 21-22 and 28-29 Nov
Tuesday 24 Nov is the third business day without reply and Monday 30 Nov the seventh.
"""

import datetime

import pytest
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Debrief, Meeting
from debriefs.suggestions import (
    ContactFact,
    DebriefContext,
    MetReferralFact,
    NetworkFacts,
    network_suggestions_for,
    suggest_for_debrief,
    suggest_for_network,
)
from tests.factories import ContactFactory

MET_AT = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))  # a Wednesday
TODAY = datetime.date(2026, 11, 26)  # the day after


def make_debrief(referred_by=None, **fields) -> Debrief:
    """A debrief of the meeting with Lena that needs nothing but what `fields` change."""
    lena = Contact(pk=10, name="Lena Fischer", organisation="Halden", tier=1,
                   referred_by=referred_by)
    meeting = Meeting(pk=1, contact=lena, contact_tier=1, starts_at=MET_AT,
                      kind=Meeting.Kind.NETWORKING)
    quiet = dict(
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="me",
        job_hinted=False, wants_job="", industry_questions="How is the field changing?\n"
        "Who succeeds here?", impression="neutral", referral_names="Ann Lee",
        thank_you_sent_on=MET_AT.date(),
    )
    return Debrief(meeting=meeting, **(quiet | fields))


def make_context(today=TODAY, **changes) -> DebriefContext:
    quiet = dict(competencies=[("Leading teams", True)],
                 referrals=[ContactFact(20, "Ann Lee", tier=2, status="met")],
                 highest_tier_met=3)
    return DebriefContext(today=today, **(quiet | changes))


def suggested(code, suggestions) -> list:
    return [s for s in suggestions if s.code == code]


def test_a_quiet_debrief_gets_no_suggestion():
    """The baseline every case below changes one thing of."""
    assert suggest_for_debrief(make_debrief(), make_context()) == []


# 3B7: write to a second person after 3 business days without reply, one last follow-up
# after 7.

SECOND_PERSON = "No reply from Ann Lee: write to a second person at Halden"
LAST_FOLLOW_UP = "Send Ann Lee one follow-up, then let it go"
ANN_WRITTEN_TO = ContactFact(20, "Ann Lee", 2, "reached_out", "Halden",
                             datetime.date(2026, 11, 19))
# (today, business days waited, the no-reply step expected)
NO_REPLY_BOUNDARIES = [
    (datetime.date(2026, 11, 23), 2, None),  # Monday: the weekend did not count
    (datetime.date(2026, 11, 24), 3, SECOND_PERSON),
    (datetime.date(2026, 11, 25), 4, SECOND_PERSON),
    (datetime.date(2026, 11, 27), 6, SECOND_PERSON),
    (datetime.date(2026, 11, 29), 6, SECOND_PERSON),  # Sunday
    (datetime.date(2026, 11, 30), 7, LAST_FOLLOW_UP),
    (datetime.date(2026, 12, 1), 8, LAST_FOLLOW_UP),
]
NO_REPLY_IDS = [f"{today:%a %d %b}, {waited} business days"
                for today, waited, _ in NO_REPLY_BOUNDARIES]


@pytest.mark.parametrize(("today", "waited", "title"), NO_REPLY_BOUNDARIES, ids=NO_REPLY_IDS)
def test_the_network_no_reply_steps_begin_on_the_third_and_seventh_business_day(
    today, waited, title
):
    facts = NetworkFacts(today=today, reached_out=[ANN_WRITTEN_TO])
    steps = suggested("follow-up-no-reply", suggest_for_network(facts))
    assert [s.title for s in steps] == ([title] if title else [])
    for step in steps:
        assert f"{waited} business days" in step.why
        assert step.due_on == today


@pytest.mark.parametrize(("today", "waited", "title"), NO_REPLY_BOUNDARIES, ids=NO_REPLY_IDS)
def test_a_debriefs_no_reply_steps_begin_on_the_third_and_seventh_business_day(
    today, waited, title
):
    context = make_context(today=today, referrals=[ANN_WRITTEN_TO])
    steps = suggested("follow-up-no-reply", suggest_for_debrief(make_debrief(), context))
    assert [s.title for s in steps] == ([title] if title else [])


@pytest.mark.parametrize(("written_on", "first_day"), [
    (datetime.date(2026, 11, 20), datetime.date(2026, 11, 25)),  # Friday -> Wednesday
    (datetime.date(2026, 11, 21), datetime.date(2026, 11, 25)),  # Saturday -> Wednesday
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 26)),  # Monday -> Thursday
], ids=["written on a Friday", "written on a Saturday", "written on a Monday"])
def test_the_second_person_step_waits_three_business_days_whatever_the_weekday(
    written_on, first_day
):
    helen = ContactFact(30, "Helen Wright", 2, "reached_out", "CarePath", written_on)

    def steps(today):
        facts = NetworkFacts(today=today, reached_out=[helen])
        return [s.title for s in suggested("follow-up-no-reply", suggest_for_network(facts))]

    assert steps(first_day - datetime.timedelta(days=1)) == []
    assert steps(first_day) == ["No reply from Helen Wright: write to a second person at "
                                "CarePath"]


def test_the_home_page_loader_reads_the_outreach_date_of_the_saved_contact(alice):
    """Through the database: the loader turns the saved status change into its date."""
    ContactFactory(owner=alice, name="Ann Lee", organisation="Halden", status="reached_out",
                   status_changed_at=timezone.make_aware(datetime.datetime(2026, 11, 19, 17)))

    def titles(today):
        found = network_suggestions_for(alice, today=today)
        return [s.title for s in suggested("follow-up-no-reply", found)]

    assert titles(datetime.date(2026, 11, 23)) == []
    assert titles(datetime.date(2026, 11, 24)) == [SECOND_PERSON]
    assert titles(datetime.date(2026, 11, 27)) == [SECOND_PERSON]
    assert titles(datetime.date(2026, 11, 30)) == [LAST_FOLLOW_UP]


# Due dates from the meeting on Wednesday 25 Nov, read on Thursday 26 Nov: the steps counted
# from the meeting and those counted from today land a day apart.

ANN_TO_WRITE_TO = [ContactFact(20, "Ann Lee", tier=2, status="to_contact")]
SARAH = Contact(pk=5, name="Sarah Chen", tier=1)
# (code, debrief fields, context changes, due date)
DUE_DATES = [
    ("send-thank-you", {"thank_you_sent_on": None}, {}, datetime.date(2026, 11, 26)),
    ("ask-for-referral", {"referral_names": ""}, {"referrals": []},
     datetime.date(2026, 11, 26)),
    ("contact-referral", {}, {"referrals": ANN_TO_WRITE_TO}, datetime.date(2026, 11, 27)),
    ("contact-referral", {"introduction_by_referrer": True}, {"referrals": ANN_TO_WRITE_TO},
     datetime.date(2026, 12, 2)),
    ("thank-referrer", {"referred_by": SARAH}, {}, datetime.date(2026, 11, 27)),
    ("keep-in-touch", {"impression": "positive"}, {}, datetime.date(2026, 12, 25)),
    ("reconsider-interest", {"job_hinted": True, "wants_job": "unsure"}, {},
     datetime.date(2026, 11, 29)),
    ("review-with-coach", {"impression": "negative"}, {"has_coach": True},
     datetime.date(2026, 11, 29)),
    ("treat-as-informational", {"job_hinted": True, "wants_job": "no"}, {},
     datetime.date(2026, 12, 3)),
    ("prepare-job-interview", {"job_hinted": True, "wants_job": "yes"}, {},
     datetime.date(2026, 12, 3)),
    ("lead-the-questions", {"questions_led_by": "them"}, {}, datetime.date(2026, 12, 3)),
    ("refine-stump-speech", {"stump_speech_delivered": "no"}, {}, datetime.date(2026, 12, 3)),
    ("give-examples", {}, {"competencies": [("Data literacy", False)]},
     datetime.date(2026, 12, 3)),
    ("ask-industry-questions", {"industry_questions": ""}, {}, datetime.date(2026, 12, 3)),
]


@pytest.mark.parametrize(("code", "fields", "context", "due_on"), DUE_DATES,
                         ids=[f"{c[0]}, due {c[-1]:%d %b}" for c in DUE_DATES])
def test_each_follow_up_is_due_on_the_date_the_method_gives(code, fields, context, due_on):
    found = suggest_for_debrief(make_debrief(**fields), make_context(**context))
    assert [s.due_on for s in suggested(code, found)] == [due_on]


@pytest.mark.parametrize(("today", "due_on"), [
    (datetime.date(2026, 11, 25), datetime.date(2026, 11, 26)),  # the meeting day: tomorrow
    (datetime.date(2026, 11, 26), datetime.date(2026, 11, 26)),  # the last day: today
    (datetime.date(2026, 11, 27), datetime.date(2026, 11, 27)),  # late: today, never past
])
def test_the_thank_you_is_due_within_a_day_of_the_meeting_never_in_the_past(today, due_on):
    found = suggest_for_debrief(make_debrief(thank_you_sent_on=None), make_context(today))
    assert [s.due_on for s in suggested("send-thank-you", found)] == [due_on]


@pytest.mark.parametrize(("today", "due_on"), [
    (datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)),
    (datetime.date(2026, 12, 2), datetime.date(2026, 12, 2)),
    (datetime.date(2026, 12, 3), datetime.date(2026, 12, 3)),
])
def test_the_check_in_on_an_introduction_is_due_seven_days_after_the_meeting(today, due_on):
    debrief = make_debrief(introduction_by_referrer=True)
    found = suggest_for_debrief(debrief, make_context(today, referrals=ANN_TO_WRITE_TO))
    assert [s.due_on for s in suggested("contact-referral", found)] == [due_on]


@pytest.mark.parametrize(("today", "due_on"), [
    (datetime.date(2026, 12, 24), datetime.date(2026, 12, 25)),
    (datetime.date(2026, 12, 25), datetime.date(2026, 12, 25)),
    (datetime.date(2026, 12, 26), datetime.date(2026, 12, 26)),
])
def test_keeping_in_touch_is_due_thirty_days_after_the_meeting(today, due_on):
    found = suggest_for_debrief(make_debrief(impression="positive"), make_context(today))
    assert [s.due_on for s in suggested("keep-in-touch", found)] == [due_on]


@pytest.mark.parametrize(("today", "due_on"), [
    (datetime.date(2026, 11, 26), datetime.date(2026, 11, 27)),
    (datetime.date(2026, 11, 27), datetime.date(2026, 11, 27)),
    (datetime.date(2026, 11, 28), datetime.date(2026, 11, 28)),
])
def test_the_network_asks_to_tell_the_referrer_within_two_days_of_the_meeting(today, due_on):
    met = MetReferralFact("Ethan Brooks", 5, "Sarah Chen", datetime.date(2026, 11, 25))
    found = suggest_for_network(NetworkFacts(today=today, met_referrals=[met]))
    assert [s.due_on for s in suggested("thank-referrer", found)] == [due_on]
