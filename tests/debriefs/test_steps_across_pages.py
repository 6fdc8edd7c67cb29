"""One step, one follow-up, one date, whichever page offers it: the home page, a debrief, a
meeting page; and a step dismissed on the home page stays dismissed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from debriefs.models import DismissedSuggestion, FollowUp, Meeting
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paul(alice, lena, debrief):
    """Lena named Paul at the meeting; Alice has not written to him yet."""
    return ContactFactory(owner=alice, name="Paul Nguyen", referred_by=lena,
                          referred_in=debrief.meeting)


def offered(client, url_name, *args) -> str:
    return client.get(reverse(url_name, args=args)).content.decode()


def test_a_step_accepted_on_the_home_page_is_not_offered_on_the_debrief(
    client, alice, debrief, paul
):
    client.force_login(alice)
    assert "Write to Paul Nguyen" in offered(client, "debriefs:meeting_detail", debrief.meeting.pk)
    client.post(reverse("debriefs:network_suggestion_accept"),
                {"code": "contact-referral", "contact": paul.pk})
    assert FollowUp.objects.filter(contact=paul).count() == 1
    meeting_page = offered(client, "debriefs:meeting_detail", debrief.meeting.pk)
    assert 'data-suggestion="contact-referral"' not in meeting_page
    form_page = offered(client, "debriefs:debrief_edit", debrief.meeting.pk)
    assert 'data-suggestion="contact-referral"' not in form_page


def test_a_step_accepted_on_the_debrief_is_not_offered_on_the_home_page(
    client, alice, debrief, paul
):
    client.force_login(alice)
    client.post(reverse("debriefs:suggestion_accept", args=[debrief.meeting.pk]),
                {"code": "contact-referral", "contact": paul.pk})
    assert 'data-suggestion="contact-referral"' not in offered(client, "home")


def test_accepting_the_same_step_on_both_pages_makes_one_follow_up(client, alice, debrief, paul):
    client.force_login(alice)
    client.post(reverse("debriefs:network_suggestion_accept"),
                {"code": "contact-referral", "contact": paul.pk})
    client.post(reverse("debriefs:suggestion_accept", args=[debrief.meeting.pk]),
                {"code": "contact-referral", "contact": paul.pk})
    assert FollowUp.objects.filter(contact=paul, suggestion_code="contact-referral").count() == 1


def test_the_same_step_has_the_same_due_date_on_the_home_page_and_the_debrief(
    client, alice, debrief, paul
):
    client.force_login(alice)
    home = client.get(reverse("home")).context["suggestions"]
    meeting = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk]))
    on_home = next(s for s in home if s.code == "contact-referral")
    on_debrief = next(s for s in meeting.context["suggestions"]
                      + meeting.context["more_suggestions"] if s.code == "contact-referral")
    assert on_home.due_on == on_debrief.due_on


def test_the_home_page_can_dismiss_a_step_for_good(client, alice, paul):
    client.force_login(alice)
    assert "Dismiss" in offered(client, "home")
    client.post(reverse("debriefs:network_suggestion_dismiss"),
                {"code": "contact-referral", "contact": paul.pk})
    assert DismissedSuggestion.objects.filter(owner=alice, code="contact-referral",
                                              contact=paul).exists()
    assert 'data-suggestion="contact-referral"' not in offered(client, "home")


def test_the_referrer_is_owed_a_note_after_each_person_they_referred_is_met(client, alice):
    grace = ContactFactory(owner=alice, name="Grace Liu")
    nadia = ContactFactory(owner=alice, name="Nadia Karim", referred_by=grace)
    paul = ContactFactory(owner=alice, name="Paul Nguyen", referred_by=grace)
    first = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=nadia))
    second = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=paul))
    client.force_login(alice)
    client.post(reverse("debriefs:suggestion_accept", args=[first.meeting.pk]),
                {"code": "thank-referrer", "contact": grace.pk})
    page = offered(client, "debriefs:meeting_detail", second.meeting.pk)
    assert "Tell Grace Liu how the meeting with Paul Nguyen went" in page
    home = client.get(reverse("home")).context
    titles = [s.title for s in home["suggestions"] + home["more_suggestions"]]
    assert "Tell Grace Liu how the meeting with Paul Nguyen went" in titles
    assert "Tell Grace Liu how the meeting with Nadia Karim went" not in titles


def test_accepting_a_note_to_the_referrer_on_the_home_page_records_its_meeting(client, alice):
    grace = ContactFactory(owner=alice, name="Grace Liu")
    nadia = ContactFactory(owner=alice, name="Nadia Karim", referred_by=grace)
    met = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=nadia))
    client.force_login(alice)
    client.post(reverse("debriefs:network_suggestion_accept"), {
        "code": "thank-referrer", "contact": grace.pk, "step_meeting": met.meeting.pk,
    })
    follow_up = FollowUp.objects.get(suggestion_code="thank-referrer")
    assert follow_up.meeting == met.meeting
    page = offered(client, "debriefs:meeting_detail", met.meeting.pk)
    assert 'data-suggestion="thank-referrer"' not in page


def test_no_page_shows_more_than_five_suggestions_before_more(client, alice, lena):
    for n in range(8):
        ContactFactory(owner=alice, name=f"Referral {n}", referred_by=lena)
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert len(response.context["suggestions"]) == 5
    assert "More (" in response.content.decode()


def test_the_method_page_explains_the_words_in_plain_terms_to_anyone(client):
    html = client.get(reverse("debriefs:method")).content.decode()
    for term in ["tier 1", "Informational interview", "Stump speech", "what you want to do",
                 "Focus", "Assignments", "3 working days"]:
        assert term in html


def test_every_page_links_to_the_method(client, alice):
    client.force_login(alice)
    assert reverse("debriefs:method") in client.get(reverse("home")).content.decode()


def test_a_referral_added_inline_is_also_recorded_among_the_names_given(client, alice, debrief):
    client.force_login(alice)
    client.post(reverse("debriefs:referral_add", args=[debrief.meeting.pk]),
                {"referral-name": "Tom Becker"})
    debrief.refresh_from_db()
    assert "Tom Becker" in debrief.referral_name_list
    assert debrief.version == 1  # an open form is not made stale


def test_adding_a_referral_inline_keeps_the_names_typed_and_adds_the_new_one(
    client, alice, debrief
):
    client.force_login(alice)
    response = client.post(
        reverse("debriefs:referral_add", args=[debrief.meeting.pk]),
        {"referral-name": "Tom Becker", "referral_names": "Ann Lee"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html and 'id="id_referral_names"' in html
    assert "Ann Lee\nTom Becker</textarea>" in html


def test_a_name_already_given_is_not_written_twice(client, alice, debrief):
    debrief.referral_names = "tom becker"
    debrief.save()
    client.force_login(alice)
    client.post(reverse("debriefs:referral_add", args=[debrief.meeting.pk]),
                {"referral-name": "Tom Becker"})
    debrief.refresh_from_db()
    assert debrief.referral_names == "tom becker"


def test_opening_the_debrief_form_does_not_make_a_draft_show(client, alice, meeting):
    client.force_login(alice)
    client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
    page = offered(client, "debriefs:meeting_detail", meeting.pk)
    assert "Draft debrief" not in page and "Write the debrief" in page
    home = offered(client, "home")
    assert "Continue the debrief" not in home
    assert "Draft debrief" not in offered(client, "debriefs:meeting_list")


def test_a_planned_meeting_whose_time_has_passed_is_marked_held_in_one_click(client, alice):
    planned = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                             starts_at=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(alice)
    assert "Mark as held" in offered(client, "debriefs:meeting_detail", planned.pk)
    response = client.post(reverse("debriefs:meeting_mark_held", args=[planned.pk]))
    planned.refresh_from_db()
    planned.contact.refresh_from_db()
    assert planned.status == Meeting.Status.HELD
    assert planned.contact.status == "met"
    assert response.url == reverse("debriefs:debrief_edit", args=[planned.pk])


def test_a_meeting_still_ahead_cannot_be_marked_held(client, alice):
    ahead = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                           starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(alice)
    assert "Mark as held" not in offered(client, "debriefs:meeting_detail", ahead.pk)
    client.post(reverse("debriefs:meeting_mark_held", args=[ahead.pk]))
    ahead.refresh_from_db()
    assert ahead.status == Meeting.Status.PLANNED


def test_the_form_asks_prominently_whether_you_want_a_hinted_job(client, alice, debrief):
    debrief.job_hinted, debrief.wants_job = True, ""
    debrief.save()
    client.force_login(alice)
    page = offered(client, "debriefs:debrief_edit", debrief.meeting.pk)
    assert 'id="wants-job-prompt"' in page
    debrief.wants_job = "no"
    debrief.save()
    assert 'id="wants-job-prompt"' not in offered(client, "debriefs:debrief_edit",
                                                  debrief.meeting.pk)


def test_keep_in_touch_stopped_on_the_home_page_is_not_offered_on_the_debrief(
    client, alice, lena
):
    met = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena),
                         impression="positive")
    DismissedSuggestion.objects.create(owner=alice, code="keep-in-touch", contact=lena)
    client.force_login(alice)
    page = offered(client, "debriefs:meeting_detail", met.meeting.pk)
    assert 'data-suggestion="keep-in-touch"' not in page


def test_reopening_a_step_already_open_again_keeps_it_done_and_says_so(client, alice, lena):
    done = FollowUp.objects.create(owner=alice, title="Keep in touch with Lena Fischer",
                                   due_on=timezone.localdate(), contact=lena,
                                   suggestion_code="keep-in-touch", done_at=timezone.now())
    FollowUp.objects.create(owner=alice, title="Keep in touch with Lena Fischer",
                            due_on=timezone.localdate(), contact=lena,
                            suggestion_code="keep-in-touch")
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[done.pk]), follow=True)
    done.refresh_from_db()
    assert done.done_at is not None
    assert "already open" in response.content.decode()
