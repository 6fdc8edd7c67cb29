"""The suggestion engine, table-driven: every catalog code, when it must appear and when not.

The engine is pure, so these tests build unsaved model instances and plain facts.
"""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Debrief, Meeting
from debriefs.suggestions import (
    CODES,
    ContactFact,
    DebriefContext,
    MeetingFact,
    MetReferralFact,
    NetworkFacts,
    add_business_days,
    business_days_between,
    suggest_for_debrief,
    suggest_for_network,
)
from debriefs.suggestions.facts import FollowUpFact, ReferralFact

TODAY = datetime.date(2026, 11, 26)  # a Thursday
MET_AT = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 0))


def make_debrief(contact=None, meeting=None, **fields) -> Debrief:
    contact = contact or {}
    meeting = meeting or {}
    person = Contact(pk=10, name="Lena Fischer", organisation="Halden", tier=1, **contact)
    met = Meeting(pk=1, contact=person, contact_tier=person.tier, starts_at=MET_AT,
                  kind=meeting.get("kind", Meeting.Kind.NETWORKING))
    # A debrief that needs nothing: every rule is satisfied.
    quiet = dict(
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="me",
        job_hinted=False, wants_job="", industry_questions="How is the field changing?\n"
        "Who succeeds here?", impression="neutral", referral_names="Ann Lee",
        thank_you_sent_on=TODAY,
    )
    quiet.update(fields)
    return Debrief(meeting=met, **quiet)


def make_context(**changes) -> DebriefContext:
    quiet = DebriefContext(
        today=TODAY, competencies=[("Leading teams", True)],
        referrals=[ContactFact(20, "Ann Lee", tier=2, status="met")],
        highest_tier_met=3,
    )
    return dataclasses.replace(quiet, **changes)


def codes(suggestions) -> list[str]:
    return [s.code for s in suggestions]


def test_a_debrief_that_follows_the_method_gets_no_suggestion():
    assert suggest_for_debrief(make_debrief(), make_context()) == []


REFERRAL_TO_CONTACT = [ContactFact(20, "Ann Lee", tier=2, status="to_contact")]
FOUR_BUSINESS_DAYS_AGO = datetime.date(2026, 11, 20)  # Friday before

# (code, why the case exists, debrief fields, context changes, contact/meeting, appears)
CASES = [
    ("treat-as-informational", "job hinted, not wanted",
     {"job_hinted": True, "wants_job": "no"}, {}, {}, True),
    ("treat-as-informational", "job hinted, unsure",
     {"job_hinted": True, "wants_job": "unsure"}, {}, {}, True),
    ("treat-as-informational", "job hinted and wanted",
     {"job_hinted": True, "wants_job": "yes"}, {}, {}, False),
    ("treat-as-informational", "no job hinted", {"job_hinted": False}, {}, {}, False),
    ("prepare-job-interview", "job hinted and wanted",
     {"job_hinted": True, "wants_job": "yes"}, {}, {}, True),
    ("prepare-job-interview", "job hinted, not wanted",
     {"job_hinted": True, "wants_job": "no"}, {}, {}, False),
    ("reconsider-interest", "job hinted, unsure",
     {"job_hinted": True, "wants_job": "unsure"}, {}, {}, True),
    ("reconsider-interest", "job hinted, not wanted",
     {"job_hinted": True, "wants_job": "no"}, {}, {}, False),
    ("review-with-coach", "unwanted job and a coach",
     {"job_hinted": True, "wants_job": "no"}, {"has_coach": True}, {}, True),
    ("review-with-coach", "poor impression and a coach",
     {"impression": "negative"}, {"has_coach": True}, {}, True),
    ("review-with-coach", "unwanted job but no coach",
     {"job_hinted": True, "wants_job": "no"}, {"has_coach": False}, {}, False),
    ("review-with-coach", "an easy meeting with a coach", {}, {"has_coach": True}, {}, False),
    ("send-thank-you", "no thank-you recorded", {"thank_you_sent_on": None}, {}, {}, True),
    ("send-thank-you", "thank-you sent", {}, {}, {}, False),
    ("ask-for-referral", "no name and no referral",
     {"referral_names": ""}, {"referrals": []}, {}, True),
    ("ask-for-referral", "a name written down",
     {"referral_names": "Bob Stone"}, {"referrals": []}, {}, False),
    ("ask-for-referral", "a referral added", {"referral_names": ""}, {}, {}, False),
    ("add-referrals", "a name not yet a contact",
     {"referral_names": "Ann Lee\nBob Stone"}, {}, {}, True),
    ("add-referrals", "the name is already a contact",
     {"referral_names": "Ann Lee\nBob Stone"}, {"known_names": {"bob stone"}}, {}, False),
    ("add-referrals", "every name added as a referral", {"referral_names": "ann lee"}, {}, {},
     False),
    ("contact-referral", "a referral not yet written to",
     {}, {"referrals": REFERRAL_TO_CONTACT}, {}, True),
    ("contact-referral", "the referrer makes the introduction",
     {"introduction_by_referrer": True}, {"referrals": REFERRAL_TO_CONTACT}, {}, True),
    ("contact-referral", "the referral was met", {}, {}, {}, False),
    ("thank-referrer", "the person met was referred",
     {}, {}, {"contact": {"referred_by": Contact(pk=5, name="Sarah Chen", tier=1)}}, True),
    ("thank-referrer", "the referrer was already thanked",
     {}, {"follow_ups": [FollowUpFact("thank-referrer", 5, 1, TODAY)]},
     {"contact": {"referred_by": Contact(pk=5, name="Sarah Chen", tier=1)}}, False),
    ("thank-referrer", "the person met was not referred", {}, {}, {}, False),
    ("lead-the-questions", "they asked most questions in a networking meeting",
     {"questions_led_by": "them"}, {}, {}, True),
    ("lead-the-questions", "they asked most questions in a job interview",
     {"questions_led_by": "them"}, {}, {"meeting": {"kind": "job_interview"}}, False),
    ("lead-the-questions", "balanced questions", {"questions_led_by": "balanced"}, {}, {},
     False),
    ("ask-industry-questions", "one industry question",
     {"industry_questions": "How is the field changing?"}, {}, {}, True),
    ("ask-industry-questions", "none at all", {"industry_questions": ""}, {}, {}, True),
    ("ask-industry-questions", "two questions", {}, {}, {}, False),
    ("give-examples", "a competency without example",
     {}, {"competencies": [("Data literacy", False), ("Teams", True)]}, {}, True),
    ("give-examples", "every competency with an example", {}, {}, {}, False),
    ("refine-stump-speech", "not delivered", {"stump_speech_delivered": "no"}, {}, {}, True),
    ("refine-stump-speech", "partly delivered", {"stump_speech_delivered": "partly"}, {}, {},
     True),
    ("refine-stump-speech", "delivered", {}, {}, {}, False),
    ("climb-a-tier", "a referral to a tier never met",
     {}, {"highest_tier_met": 1}, {}, True),
    ("climb-a-tier", "a referral to a tier already met", {}, {"highest_tier_met": 2}, {},
     False),
    ("keep-in-touch", "a positive impression", {"impression": "positive"}, {}, {}, True),
    ("keep-in-touch", "a neutral impression", {"impression": "neutral"}, {}, {}, False),
    ("follow-up-no-reply", "a referral written to 4 business days ago, no reply",
     {}, {"referrals": [ContactFact(20, "Ann Lee", 2, "reached_out", "Halden",
                                    FOUR_BUSINESS_DAYS_AGO)]}, {}, True),
    ("follow-up-no-reply", "a referral written to yesterday",
     {}, {"referrals": [ContactFact(20, "Ann Lee", 2, "reached_out", "Halden",
                                    TODAY - datetime.timedelta(days=1))]}, {}, False),
]


@pytest.mark.parametrize(
    ("code", "case", "fields", "context", "setup", "appears"), CASES,
    ids=[f"{c[0]}: {c[1]}" for c in CASES],
)
def test_debrief_rule(code, case, fields, context, setup, appears):
    debrief = make_debrief(contact=setup.get("contact"), meeting=setup.get("meeting"),
                           **fields)
    found = codes(suggest_for_debrief(debrief, make_context(**context)))
    assert (code in found) is appears, f"{case}: got {found}"


def network(**changes) -> NetworkFacts:
    return dataclasses.replace(NetworkFacts(today=TODAY), **changes)


WAITING = ContactFact(30, "Helen Wright", 2, "reached_out", "CarePath", FOUR_BUSINESS_DAYS_AGO)
LONG_WAIT = ContactFact(31, "Ravi Shah", 2, "reached_out", "", datetime.date(2026, 11, 16))
MET = MetReferralFact("Ethan Brooks", 5, "Sarah Chen", datetime.date(2026, 11, 20), 70)

NETWORK_CASES = [
    ("write-debrief", "a held meeting without debrief",
     {"awaiting_debrief": [MeetingFact(7, "Ruth Adler", TODAY)]}, True),
    ("write-debrief", "every meeting debriefed", {}, False),
    ("follow-up-no-reply", "outreach 4 business days old", {"reached_out": [WAITING]}, True),
    ("follow-up-no-reply", "outreach 2 business days old",
     {"reached_out": [dataclasses.replace(WAITING, status_changed_on=datetime.date(2026, 11, 24))]},
     False),
    ("follow-up-no-reply", "already accepted at this stage",
     {"reached_out": [WAITING],
      "follow_ups": [FollowUpFact("follow-up-no-reply", 30, None, TODAY)]}, False),
    ("contact-referral", "a referral not yet contacted",
     {"referrals_to_contact": [ReferralFact(ContactFact(40, "Paul Nguyen"), "Grace Liu")]}, True),
    ("contact-referral", "already accepted",
     {"referrals_to_contact": [ReferralFact(ContactFact(40, "Paul Nguyen"), "Grace Liu")],
      "follow_ups": [FollowUpFact("contact-referral", 40, None, TODAY)]}, False),
    ("thank-referrer", "a referred person was met", {"met_referrals": [MET]}, True),
    ("thank-referrer", "the referrer was told about this meeting",
     {"met_referrals": [MET],
      "follow_ups": [FollowUpFact("thank-referrer", 5, 70, TODAY)]}, False),
]


@pytest.mark.parametrize(("code", "case", "facts", "appears"), NETWORK_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in NETWORK_CASES])
def test_network_rule(code, case, facts, appears):
    found = codes(suggest_for_network(network(**facts)))
    assert (code in found) is appears, f"{case}: got {found}"


def test_every_catalog_code_has_a_case_where_it_appears_and_one_where_it_does_not():
    cases = [(c[0], c[-1]) for c in CASES] + [(c[0], c[-1]) for c in NETWORK_CASES]
    for code in CODES:
        assert (code, True) in cases, code
        assert (code, False) in cases, code


def test_the_hard_case_puts_the_informational_interview_first():
    debrief = make_debrief(job_hinted=True, wants_job="no", questions_led_by="them",
                           thank_you_sent_on=None)
    found = suggest_for_debrief(debrief, make_context(has_coach=True))
    assert found[0].code == "treat-as-informational"
    assert "you ask the questions" in found[0].why
    assert "lead-the-questions" in codes(found)
    assert "prepare-job-interview" not in codes(found)


def test_a_dismissed_code_is_left_out():
    debrief = make_debrief(thank_you_sent_on=None)
    assert codes(suggest_for_debrief(debrief, make_context(dismissed={"send-thank-you"}))) == []


def test_an_accepted_suggestion_is_left_out():
    debrief = make_debrief(thank_you_sent_on=None)
    context = make_context(follow_ups=[FollowUpFact("send-thank-you", 10, 1, TODAY)])
    assert codes(suggest_for_debrief(debrief, context)) == []


def test_thank_you_is_due_within_24_hours_of_the_meeting():
    debrief = make_debrief(thank_you_sent_on=None)
    [thank_you] = suggest_for_debrief(debrief, make_context(today=MET_AT.date()))
    assert thank_you.due_on == MET_AT.date() + datetime.timedelta(days=1)
    assert thank_you.action == "follow_up"


def test_a_late_thank_you_is_due_today_not_in_the_past():
    debrief = make_debrief(thank_you_sent_on=None)
    [thank_you] = suggest_for_debrief(debrief, make_context(today=TODAY + datetime.timedelta(5)))
    assert thank_you.due_on == TODAY + datetime.timedelta(5)


def test_the_referral_check_in_comes_7_days_after_the_meeting():
    debrief = make_debrief(introduction_by_referrer=True)
    [check_in] = suggest_for_debrief(debrief, make_context(referrals=REFERRAL_TO_CONTACT))
    assert check_in.code == "contact-referral"
    assert check_in.due_on == MET_AT.date() + datetime.timedelta(days=7)
    assert "Check in" in check_in.title


def test_keep_in_touch_is_due_about_a_month_later():
    [keep] = suggest_for_debrief(make_debrief(impression="positive"), make_context())
    assert keep.due_on == MET_AT.date() + datetime.timedelta(days=30)


def test_after_seven_business_days_the_no_reply_step_is_one_last_follow_up():
    [step] = suggest_for_network(network(reached_out=[LONG_WAIT]))
    assert step.title == "Send Ravi Shah one follow-up, then let it go"
    assert step.due_on == TODAY


def test_after_three_business_days_the_no_reply_step_is_a_second_person():
    [step] = suggest_for_network(network(reached_out=[WAITING]))
    assert "second person at CarePath" in step.title


def test_the_seven_day_step_appears_even_when_the_three_day_one_was_accepted():
    accepted = [FollowUpFact("follow-up-no-reply", 31, None, datetime.date(2026, 11, 19))]
    [step] = suggest_for_network(network(reached_out=[LONG_WAIT], follow_ups=accepted))
    assert "one follow-up" in step.title


def test_business_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 20)
    assert add_business_days(friday, 1) == datetime.date(2026, 11, 23)
    assert business_days_between(friday, datetime.date(2026, 11, 23)) == 1


def test_suggestions_come_most_important_first():
    debrief = make_debrief(job_hinted=True, wants_job="yes", impression="positive",
                           thank_you_sent_on=None, industry_questions="")
    found = codes(suggest_for_debrief(debrief, make_context()))
    assert found == ["prepare-job-interview", "send-thank-you", "ask-industry-questions",
                     "keep-in-touch"]


# Advice whose next step is preparation points to where it happens: the Package section, or
# the prep sheet of a meeting already planned with the person (issue 6).
PACKAGE = "/package/"
PLANNED_WITH_LENA = {"next_meetings": {10: 77}}  # contact 10 is Lena, meeting 77 planned
PLANNED_WITH_ANN = {"next_meetings": {20: 88}}  # contact 20 is the referral Ann Lee

# (code, why the case exists, debrief fields, context changes, expected link)
PREP_LINK_CASES = [
    ("refine-stump-speech", "the Package's stump speech",
     {"stump_speech_delivered": "no"}, {}, PACKAGE + "#stump-speech"),
    ("refine-stump-speech", "the Package even with a meeting planned",
     {"stump_speech_delivered": "no"}, PLANNED_WITH_LENA, PACKAGE + "#stump-speech"),
    ("give-examples", "the Package's competencies",
     {}, {"competencies": [("Data literacy", False)]}, PACKAGE + "#competencies"),
    ("ask-industry-questions", "the Package's question bank",
     {"industry_questions": ""}, {}, PACKAGE + "#questions"),
    ("lead-the-questions", "the question bank when nothing is planned",
     {"questions_led_by": "them"}, {}, PACKAGE + "#questions"),
    ("lead-the-questions", "the prep sheet of the next meeting with them",
     {"questions_led_by": "them"}, PLANNED_WITH_LENA, "/meetings/77/prep/"),
    ("treat-as-informational", "the stump speech when nothing is planned",
     {"job_hinted": True, "wants_job": "no"}, {}, PACKAGE + "#stump-speech"),
    ("treat-as-informational", "the prep sheet of the next meeting with them",
     {"job_hinted": True, "wants_job": "no"}, PLANNED_WITH_LENA, "/meetings/77/prep/"),
    ("prepare-job-interview", "the competencies when nothing is planned",
     {"job_hinted": True, "wants_job": "yes"}, {}, PACKAGE + "#competencies"),
    ("prepare-job-interview", "the prep sheet of the interview",
     {"job_hinted": True, "wants_job": "yes"}, PLANNED_WITH_LENA, "/meetings/77/prep/"),
    ("climb-a-tier", "the stump speech while the meeting is still to plan",
     {}, {"highest_tier_met": 1}, PACKAGE + "#stump-speech"),
    ("send-thank-you", "no preparation: no link", {"thank_you_sent_on": None}, {}, ""),
    ("keep-in-touch", "no preparation: no link", {"impression": "positive"}, {}, ""),
]


@pytest.mark.parametrize(("code", "case", "fields", "context", "link"), PREP_LINK_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in PREP_LINK_CASES])
def test_preparation_advice_links_to_where_it_is_prepared(code, case, fields, context, link):
    found = {s.code: s for s in suggest_for_debrief(make_debrief(**fields),
                                                    make_context(**context))}
    assert found[code].prep_url == link, case
    assert bool(found[code].prep_label) is bool(link)


@pytest.mark.parametrize("code", ["lead-the-questions", "treat-as-informational",
                                  "prepare-job-interview", "refine-stump-speech",
                                  "give-examples", "ask-industry-questions"])
def test_a_prep_link_keeps_the_follow_up_action(code):
    debrief = make_debrief(questions_led_by="them", stump_speech_delivered="no",
                           industry_questions="", job_hinted=True,
                           wants_job="yes" if code == "prepare-job-interview" else "no")
    context = make_context(competencies=[("Data literacy", False)], **PLANNED_WITH_LENA)
    suggestion = next(s for s in suggest_for_debrief(debrief, context) if s.code == code)
    assert suggestion.action == "follow_up"
    assert suggestion.prep_url


def test_climbing_a_tier_to_a_meeting_already_planned_prepares_it_instead_of_planning_it():
    found = suggest_for_debrief(make_debrief(),
                                make_context(highest_tier_met=1, **PLANNED_WITH_ANN))
    climb = next(s for s in found if s.code == "climb-a-tier")
    assert (climb.action, climb.action_label, climb.url) == (
        "link", "Prepare the meeting", "/meetings/88/prep/")
    assert climb.prep_url == ""  # one link is enough


def test_climbing_a_tier_with_nothing_planned_still_plans_the_meeting():
    found = suggest_for_debrief(make_debrief(), make_context(highest_tier_met=1))
    climb = next(s for s in found if s.code == "climb-a-tier")
    assert (climb.action_label, climb.url) == ("Plan the meeting", "/meetings/new/?contact=20")
