"""The prep sheet: what to read before a meeting, drawn from the Package and earlier debriefs."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from debriefs.models import Meeting
from tests.factories import (
    CompetencyCitedFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    MeetingFactory,
    PackageFactory,
)


@pytest.fixture
def planned(alice, lena):
    """Alice's next meeting with Lena, in three days."""
    return MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED,
                          starts_at=timezone.now() + datetime.timedelta(days=3))


def prep_url(meeting) -> str:
    return reverse("debriefs:meeting_prep", args=[meeting.pk])


def earlier_debrief(alice, lena, days_ago=10, **fields):
    meeting = MeetingFactory(owner=alice, contact=lena,
                             starts_at=timezone.now() - datetime.timedelta(days=days_ago))
    quiet = dict(stump_speech_delivered="yes", questions_led_by="me", job_hinted=False,
                 industry_questions="A?\nB?", referral_names="Ann Lee",
                 thank_you_sent_on=timezone.localdate())
    quiet.update(fields)
    return DebriefFactory(meeting=meeting, **quiet)


def test_the_url_is_under_the_meeting(planned):
    assert prep_url(planned) == f"/meetings/{planned.pk}/prep/"


def test_the_owner_sees_who_they_are_meeting(client, alice, lena, planned):
    lena.role_title, lena.how_we_met = "Practice Lead", "Met at a BMA careers evening"
    lena.save()
    client.force_login(alice)
    response = client.get(prep_url(planned))
    assert response.status_code == 200
    text = response.text
    assert "Lena Fischer, Practice Lead" in text
    assert "Halden" in text
    assert "Met at a BMA careers evening" in text
    assert 'class="badge tier-1"' in text


def test_the_referral_chain_up_to_tier_one_and_the_may_i_use_your_name_reminder(
    client, alice
):
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah)
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    meeting = MeetingFactory(owner=alice, contact=grace, status=Meeting.Status.PLANNED,
                             starts_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(alice)
    text = client.get(prep_url(meeting)).text
    assert text.index("Ethan Brooks") < text.index("Sarah Chen")
    assert "Open with Ethan Brooks's name" in text
    assert "May I use your name?" in text
    assert "Tier 3" in text


def test_a_first_meeting_is_run_as_an_informational_interview(client, alice, planned):
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "Run it as an informational interview" in text
    assert "You lead the questions" in text
    assert "This is your first meeting with Lena Fischer" in text


def test_a_meeting_planned_as_a_job_interview_says_so(client, alice, planned):
    planned.kind = Meeting.Kind.JOB_INTERVIEW
    planned.save()
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "This is a job interview" in text
    assert "last time a job was hinted" not in text


def test_a_wanted_job_hinted_last_time_makes_it_a_job_interview(client, alice, lena, planned):
    earlier_debrief(alice, lena, job_hinted=True, wants_job="yes")
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "This is a job interview" in text
    assert "last time a job was hinted at and you said you want it" in text
    assert 'data-lesson="prepare-job-interview"' in text


def test_an_unwanted_job_hinted_last_time_keeps_it_informational(client, alice, lena, planned):
    earlier_debrief(alice, lena, job_hinted=True, wants_job="no")
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "Run it as an informational interview" in text
    assert 'data-lesson="treat-as-informational"' in text


def test_lessons_come_from_the_debrief_rules_of_earlier_meetings(client, alice, lena, planned):
    earlier = earlier_debrief(alice, lena, questions_led_by="them", referral_names="",
                              stump_speech_delivered="partly", industry_questions="")
    CompetencyCitedFactory(debrief=earlier, name="Data literacy", gave_example=False)
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    for code in ["lead-the-questions", "ask-for-referral", "refine-stump-speech",
                 "give-examples", "ask-industry-questions"]:
        assert f'data-lesson="{code}"' in text
    # Steps that belong to the past meeting are not lessons for the next one.
    assert 'data-lesson="send-thank-you"' not in text
    assert 'data-lesson="keep-in-touch"' not in text


def test_a_meeting_that_followed_the_method_leaves_no_lesson(client, alice, lena, planned):
    earlier_debrief(alice, lena, learnt="They hire clinicians for advisory work.")
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "data-lesson=" not in text
    assert "They hire clinicians for advisory work." in text


def test_drafts_and_other_contacts_debriefs_give_no_lessons(client, alice, lena, planned):
    earlier_debrief(alice, lena, questions_led_by="them", is_draft=True)
    other = ContactFactory(owner=alice)
    DebriefFactory(meeting=MeetingFactory(owner=alice, contact=other), questions_led_by="them")
    client.force_login(alice)
    assert 'data-lesson="lead-the-questions"' not in client.get(prep_url(planned)).text


def test_the_stump_speech_competencies_and_questions_come_from_the_package(
    client, alice, planned
):
    package = PackageFactory(owner=alice)
    CoreCompetencyFactory(package=package, name="Clinical safety",
                          example="I ran the hazard log for the early-warning score.")
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "I want to work on clinical product in a digital health company." in text
    assert "held in reserve" in text
    assert "Clinical safety" in text
    assert "I ran the hazard log for the early-warning score." in text
    assert "How do teams choose clinical problems?" in text
    for word in ["Trends", "Insights", "Advice", "Resources", "Assignments"]:
        assert f"<dt>{word}</dt>" in text


def test_an_empty_package_links_to_fill_it_in(client, alice, planned):
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "You have not written your stump speech yet" in text
    assert f'href="{reverse("debriefs:package")}#stump-speech"' in text
    assert f'href="{reverse("debriefs:package")}#competencies"' in text


def test_an_empty_what_i_want_to_do_is_pointed_out(client, alice, planned):
    PackageFactory(owner=alice, what_i_want_to_do="")
    client.force_login(alice)
    assert "“What I want to do” is empty" in client.get(prep_url(planned)).text


def test_the_closing_asks_for_names_and_a_thank_you_within_24_hours(client, alice, planned):
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "Is there anyone else I should talk to? May I use your name?" in text
    assert "within 24 hours" in text


def test_the_sheet_is_printable(client, alice, planned):
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert 'class="prep-page"' in text
    assert "data-print" in text
    assert "js/print.js" in text
    css = (settings.BASE_DIR / "static/css/app.css").read_text()
    print_rules = css.split("/* Package and prep sheet */", 1)[1]
    assert "@media print" in print_rules
    assert ".prep-page .actions" in print_rules


def test_another_clients_meeting_is_404(client, charlie, planned):
    client.force_login(charlie)
    assert client.get(prep_url(planned)).status_code == 404


def test_a_coach_gets_403(client, carol, planned):
    client.force_login(carol)
    assert client.get(prep_url(planned)).status_code == 403


def test_another_coach_gets_403_too(client, dave, planned):
    client.force_login(dave)
    assert client.get(prep_url(planned)).status_code == 403


def test_the_sheet_is_read_only(client, alice, planned):
    client.force_login(alice)
    assert client.post(prep_url(planned)).status_code == 405


@pytest.mark.parametrize("size", [1, 8])
def test_the_sheet_uses_a_fixed_number_of_queries(
    client, alice, lena, planned, django_assert_max_num_queries, size
):
    package = PackageFactory(owner=alice)
    referrer = lena
    for n in range(size):
        CoreCompetencyFactory(package=package)
        debrief = earlier_debrief(alice, lena, days_ago=n + 5, questions_led_by="them")
        CompetencyCitedFactory(debrief=debrief, name=f"Skill {n}")
        referrer = ContactFactory(owner=alice, referred_by=referrer,
                                  referred_in=debrief.meeting)
    deep = MeetingFactory(owner=alice, contact=referrer, status=Meeting.Status.PLANNED,
                          starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(alice)
    with django_assert_max_num_queries(11):
        response = client.get(prep_url(planned))
    assert response.text.count('data-lesson="lead-the-questions"') == 1
    with django_assert_max_num_queries(11):
        response = client.get(prep_url(deep))
    assert response.text.count('class="prep-chain"') == 1
    assert "Lena Fischer" in response.text  # tier 1, at the top of the chain


def test_only_the_newest_answer_about_a_hinted_job_counts(client, alice, lena, planned):
    earlier_debrief(alice, lena, days_ago=30, job_hinted=True, wants_job="no")
    earlier_debrief(alice, lena, days_ago=5, job_hinted=True, wants_job="yes")
    client.force_login(alice)
    text = client.get(prep_url(planned)).text
    assert "This is a job interview" in text
    assert 'data-lesson="prepare-job-interview"' in text
    assert 'data-lesson="treat-as-informational"' not in text


def test_a_job_interview_does_not_tell_you_to_lead_the_questions(client, alice, lena, planned):
    earlier_debrief(alice, lena, questions_led_by="them")
    planned.kind = Meeting.Kind.JOB_INTERVIEW
    planned.save()
    client.force_login(alice)
    assert 'data-lesson="lead-the-questions"' not in client.get(prep_url(planned)).text
