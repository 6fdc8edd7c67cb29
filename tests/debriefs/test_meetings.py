import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Meeting
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory


def create_data(contact, **changes):
    data = {
        "contact": contact.pk,
        "starts_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"),
        "kind": "networking",
        "medium": "video",
        "location": "",
        "status": "held",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_a_client_logs_a_held_meeting_and_goes_straight_to_its_debrief(client, alice, lena):
    client.force_login(alice)
    response = client.post(reverse("debriefs:meeting_create"), create_data(lena))
    meeting = Meeting.objects.get()
    assert response.url == reverse("debriefs:debrief_edit", args=[meeting.pk])
    assert meeting.owner == alice
    assert meeting.contact_tier == 1


def test_a_planned_meeting_marks_the_contact_as_scheduled(client, alice, lena):
    client.force_login(alice)
    later = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("debriefs:meeting_create"),
                           create_data(lena, status="planned", starts_at=later))
    meeting = Meeting.objects.get()
    assert response.url == reverse("debriefs:meeting_detail", args=[meeting.pk])
    lena.refresh_from_db()
    assert lena.status == Contact.Status.MEETING_SCHEDULED


def test_the_meeting_keeps_the_tier_the_contact_had_at_the_time(client, alice, lena):
    referral = ContactFactory(owner=alice, referred_by=lena)
    client.force_login(alice)
    client.post(reverse("debriefs:meeting_create"), create_data(referral))
    assert Meeting.objects.get().contact_tier == 2


def test_a_double_clicked_submit_makes_one_meeting(client, alice, lena):
    client.force_login(alice)
    data = create_data(lena)
    first = client.post(reverse("debriefs:meeting_create"), data)
    second = client.post(reverse("debriefs:meeting_create"), data)
    assert Meeting.objects.count() == 1
    assert first.url == second.url


def test_a_held_meeting_cannot_be_in_the_future(client, alice, lena):
    client.force_login(alice)
    later = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("debriefs:meeting_create"), create_data(lena, starts_at=later))
    assert response.status_code == 200
    assert "keep it planned" in response.text
    assert Meeting.objects.count() == 0


def test_a_bad_date_shows_a_message_next_to_the_field(client, alice, lena):
    client.force_login(alice)
    response = client.post(reverse("debriefs:meeting_create"),
                           create_data(lena, starts_at="next tuesday"))
    assert response.status_code == 200
    assert "Enter a valid date/time." in response.text
    assert 'value="next tuesday"' in response.text


def test_another_clients_contact_cannot_be_chosen(client, alice, charlie):
    stranger = ContactFactory(owner=charlie)
    client.force_login(alice)
    response = client.post(reverse("debriefs:meeting_create"), create_data(stranger))
    assert "Select a valid choice" in response.text
    assert Meeting.objects.count() == 0


def test_the_create_form_preselects_the_contact_from_the_query(client, alice, lena):
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_create") + f"?contact={lena.pk}")
    assert f'<option value="{lena.pk}" selected>' in response.text


def test_the_owner_edits_a_meeting(client, alice, meeting):
    client.force_login(alice)
    data = create_data(meeting.contact, location="Café Nero")
    del data["submission_token"]
    response = client.post(reverse("debriefs:meeting_edit", args=[meeting.pk]), data)
    assert response.url == reverse("debriefs:meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.location == "Café Nero"


def test_the_meeting_page_shows_the_debrief_and_its_suggestions(client, alice, debrief):
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk]))
    assert debrief.notes[:30] in response.text
    assert 'data-suggestion="send-thank-you"' in response.text
    assert "{# coach thread #}" not in response.text


@pytest.mark.parametrize(("name", "method"), [
    ("meeting_detail", "get"), ("meeting_edit", "get"), ("meeting_edit", "post"),
    ("debrief_edit", "get"), ("debrief_edit", "post"), ("debrief_autosave", "post"),
    ("debrief_suggestions", "post"), ("suggestion_accept", "post"),
    ("suggestion_dismiss", "post"), ("referral_add", "post"),
])
def test_an_outsider_gets_a_404_on_every_meeting_url(client, charlie, debrief, name, method):
    client.force_login(charlie)
    url = reverse(f"debriefs:{name}", args=[debrief.meeting.pk])
    data = {"code": "send-thank-you", "version": "1", "referral-name": "Ann"}
    assert getattr(client, method)(url, data).status_code == 404
    debrief.refresh_from_db()
    assert debrief.version == 1


def test_an_outsider_cannot_post_to_a_meeting_page(client, alice, charlie, meeting):
    url = reverse("debriefs:meeting_edit", args=[meeting.pk])
    data = create_data(meeting.contact, location="Charlie's office", kind="job_interview")
    del data["submission_token"]
    before = Meeting.objects.values().get(pk=meeting.pk)
    client.force_login(charlie)
    assert client.post(url, data).status_code == 404
    assert Meeting.objects.values().get(pk=meeting.pk) == before
    assert not Meeting.objects.filter(owner=charlie).exists()
    # The very same POST from the owner is a valid edit: the 404 was about ownership.
    client.force_login(alice)
    assert client.post(url, data).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).location == "Charlie's office"


@pytest.mark.parametrize("name", ["meeting_detail", "meeting_edit", "debrief_edit"])
def test_a_coach_cannot_use_the_client_meeting_pages(client, carol, meeting, name):
    client.force_login(carol)
    assert client.get(reverse(f"debriefs:{name}", args=[meeting.pk])).status_code == 403


def test_a_coach_cannot_log_meetings(client, carol):
    client.force_login(carol)
    assert client.get(reverse("debriefs:meeting_create")).status_code == 403
    assert client.get(reverse("debriefs:meeting_list")).status_code == 403


def test_the_list_shows_upcoming_and_past_meetings_with_their_debrief_state(
    client, alice, meeting
):
    upcoming = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                              starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_list"))
    coming_up, past = response.text.split("Past meetings")
    assert upcoming.contact.name in coming_up
    assert meeting.contact.name in past
    assert "Needs a debrief" in past


def test_the_list_does_not_show_other_clients_meetings(client, alice, charlie):
    theirs = MeetingFactory(owner=charlie)
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_list"))
    assert theirs.contact.name not in response.text


def test_an_empty_list_explains_what_to_do(client, alice):
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_list"))
    assert "a debrief the same day turns it into your next step" in response.text


@pytest.mark.parametrize("size", [2, 12])
def test_the_meeting_list_uses_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size
):
    for _ in range(size):
        DebriefFactory(meeting=MeetingFactory(owner=alice))
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("debriefs:meeting_list"))
    assert response.text.count("data-meeting=") == size


@pytest.mark.parametrize("size", [1, 10])
def test_the_meeting_page_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size
):
    for _ in range(size):
        ContactFactory(owner=alice, referred_by=debrief.meeting.contact,
                       referred_in=debrief.meeting)
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk]))
    assert response.text.count("data-referral=") == size


def test_upcoming_meetings_come_soonest_first(client, alice):
    later = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Later",
                           starts_at=timezone.now() + datetime.timedelta(days=9))
    sooner = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Soon",
                            starts_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(alice)
    text = client.get(reverse("debriefs:meeting_list")).text
    assert text.index(sooner.contact.name) < text.index(later.contact.name)


def test_past_meetings_come_fifty_to_a_page(client, alice, lena):
    for days in range(1, 53):
        MeetingFactory(owner=alice, contact=lena,
                       starts_at=timezone.now() - datetime.timedelta(days=days))
    client.force_login(alice)
    first = client.get(reverse("debriefs:meeting_list")).text
    assert first.count("data-meeting=") == 50
    assert "Page 1 of 2" in first
    second = client.get(reverse("debriefs:meeting_list") + "?page=2").text
    assert second.count("data-meeting=") == 2


def test_home_lists_only_the_most_pressing_network_steps(client, alice, lena):
    for n in range(30):
        ContactFactory(owner=alice, name=f"Referral {n}", referred_by=lena)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert text.count('data-suggestion="contact-referral"') == 15
    assert "30 next steps in all" in text


def test_the_next_step_card_links_to_the_prep_sheet_of_the_next_meeting(
    client, alice, lena, debrief
):
    debrief.questions_led_by = "them"
    debrief.save()
    upcoming = MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED,
                              starts_at=timezone.now() + datetime.timedelta(days=4))
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk]))
    prep = reverse("debriefs:meeting_prep", args=[upcoming.pk])
    assert f'<p class="suggestion-prep"><a href="{prep}">' in response.text
    assert 'data-accept="lead-the-questions"' in response.text  # the follow-up stays


def test_a_planned_meeting_offers_its_prep_sheet(client, alice, lena):
    upcoming = MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED,
                              starts_at=timezone.now() + datetime.timedelta(days=4))
    prep = reverse("debriefs:meeting_prep", args=[upcoming.pk])
    client.force_login(alice)
    assert f'href="{prep}">Prepare</a>' in client.get(
        reverse("debriefs:meeting_detail", args=[upcoming.pk])).text
    assert f'href="{prep}">Prepare<span' in client.get(reverse("debriefs:meeting_list")).text
    assert f'href="{prep}">Prepare<span' in client.get(reverse("home")).text


def test_a_held_meeting_offers_no_prep_sheet_button(client, alice, meeting):
    client.force_login(alice)
    response = client.get(reverse("debriefs:meeting_detail", args=[meeting.pk]))
    assert reverse("debriefs:meeting_prep", args=[meeting.pk]) not in response.text
