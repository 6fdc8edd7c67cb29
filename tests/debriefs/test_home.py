import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import FollowUp, Meeting
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, MeetingFactory


def test_home_shows_overdue_and_due_today_follow_ups(client, alice):
    today = timezone.localdate()
    FollowUpFactory(owner=alice, title="Overdue thing", due_on=today - datetime.timedelta(2))
    FollowUpFactory(owner=alice, title="Today thing", due_on=today)
    FollowUpFactory(owner=alice, title="Done thing", due_on=today, done_at=timezone.now())
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert "Overdue thing" in text and "Overdue since" in text
    assert "Today thing" in text
    assert "Done thing" not in text


def test_home_shows_upcoming_meetings_and_meetings_waiting_for_a_debrief(client, alice):
    upcoming = MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                              starts_at=timezone.now() + datetime.timedelta(days=2))
    waiting = MeetingFactory(owner=alice)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert upcoming.contact.name in text.split('id="upcoming"')[1]
    assert waiting.contact.name in text.split('id="awaiting-debrief"')[1]
    assert 'data-suggestion="write-debrief"' in text


def test_home_shows_recent_debriefs_and_the_network_figures(client, alice, lena):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena))
    ContactFactory(owner=alice, referred_by=lena, referred_in=debrief.meeting)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert lena.name in text.split('id="recent-debriefs"')[1]
    assert 'data-figure="contacts">2<' in text
    assert 'data-figure="highest-tier">2<' in text
    assert 'data-figure="per-meeting">1.0<' in text


def test_home_suggests_writing_to_a_referral_and_accepting_makes_a_follow_up(client, alice,
                                                                             lena):
    paul = ContactFactory(owner=alice, name="Paul Nguyen", referred_by=lena)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert 'data-suggestion="contact-referral"' in text
    response = client.post(reverse("debriefs:network_suggestion_accept"),
                           {"code": "contact-referral", "contact": paul.pk})
    assert response.url == reverse("home")
    follow_up = FollowUp.objects.get()
    assert follow_up.contact == paul and follow_up.due_on == timezone.localdate()
    text = client.get(reverse("home")).text
    assert 'data-suggestion="contact-referral"' not in text
    assert "Write to Paul Nguyen" in text.split('id="due"')[1]


def test_home_suggests_a_follow_up_after_three_business_days_without_reply(client, alice):
    ContactFactory(owner=alice, name="Helen Wright", status=Contact.Status.REACHED_OUT,
                   status_changed_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert 'data-suggestion="follow-up-no-reply"' in text
    assert "Helen Wright" in text


def test_home_suggests_thanking_a_referrer(client, alice, lena):
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=lena)
    MeetingFactory(owner=alice, contact=ethan)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert 'data-suggestion="thank-referrer"' in text
    assert f"Tell {lena.name} how the meeting with Ethan Brooks went" in text


def test_home_shows_nothing_of_other_clients(client, alice, charlie):
    FollowUpFactory(owner=charlie, title="Charlie's secret")
    MeetingFactory(owner=charlie, contact__name="Charlie's contact")
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert "Charlie's secret" not in text
    assert "Charlie's contact" not in text


def test_a_network_suggestion_of_another_client_cannot_be_accepted(client, alice, charlie):
    theirs = ContactFactory(owner=charlie, referred_by=ContactFactory(owner=charlie))
    client.force_login(alice)
    client.post(reverse("debriefs:network_suggestion_accept"),
                {"code": "contact-referral", "contact": theirs.pk})
    assert not FollowUp.objects.exists()


def test_an_empty_home_says_what_to_do(client, alice):
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert "Nothing overdue or due today." in text
    assert "Log a meeting" in text


def test_a_home_without_contacts_points_to_adding_the_first_one(client, alice):
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert "Start with the people you already know" in text
    assert f'href="{reverse("contacts:create")}">Add your first contact' in text


def test_a_home_with_contacts_does_not_offer_the_first_contact_again(client, alice):
    ContactFactory(owner=alice)
    client.force_login(alice)
    assert "Add your first contact" not in client.get(reverse("home")).text


@pytest.mark.parametrize("size", [1, 10])
def test_home_uses_a_fixed_number_of_queries(client, alice, django_assert_max_num_queries,
                                             size):
    today = timezone.localdate()
    for _ in range(size):
        referrer = ContactFactory(owner=alice)
        referred = ContactFactory(owner=alice, referred_by=referrer)
        DebriefFactory(meeting=MeetingFactory(owner=alice, contact=referred))
        MeetingFactory(owner=alice)
        MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                       starts_at=timezone.now() + datetime.timedelta(days=1))
        ContactFactory(owner=alice, referred_by=referrer)
        ContactFactory(owner=alice, status=Contact.Status.REACHED_OUT,
                       status_changed_at=timezone.now() - datetime.timedelta(days=9))
        FollowUpFactory(owner=alice, contact=referrer, due_on=today)
    client.force_login(alice)
    with django_assert_max_num_queries(22):  # 3 of them: the progress charts
        response = client.get(reverse("home"))
    assert response.text.count("data-follow-up=") == size


def test_the_coming_week_group_holds_exactly_the_next_seven_days(client, alice):
    today = timezone.localdate()
    FollowUpFactory(owner=alice, title="Tomorrow thing", due_on=today + datetime.timedelta(1))
    FollowUpFactory(owner=alice, title="Seventh day thing", due_on=today + datetime.timedelta(7))
    FollowUpFactory(owner=alice, title="Eighth day thing", due_on=today + datetime.timedelta(8))
    client.force_login(alice)
    text = client.get(reverse("home")).text
    coming = text.split("In the next 7 days")[1].split("</ul>")[0]
    assert "Tomorrow thing" in coming and "Seventh day thing" in coming
    assert "Eighth day thing" not in text
    assert "Later this week" not in text


def test_the_deepest_tier_is_labelled_as_the_networks_not_as_met(client, alice, lena):
    ContactFactory(owner=alice, referred_by=lena)  # tier 2, never met
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert "Deepest tier in your network" in text
    assert "Highest tier reached" not in text
