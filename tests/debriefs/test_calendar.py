import datetime

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from debriefs.models import Meeting
from tests.factories import FollowUpFactory, MeetingFactory


def feed_url(user):
    return reverse("debriefs:calendar_feed", args=[user.calendar_token])


def test_the_feed_lists_upcoming_meetings_and_open_follow_ups(client, alice):
    MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Nadia Karim",
                   starts_at=timezone.now() + datetime.timedelta(days=3), location="Zoom")
    FollowUpFactory(owner=alice, title="Thank Lena")
    FollowUpFactory(owner=alice, title="Already done", done_at=timezone.now())
    response = client.get(feed_url(alice))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(response.content.decode())
    summaries = sorted(event.summary.value for event in calendar.vevent_list)
    assert summaries == ["Follow-up: Thank Lena", "Networking meeting with Nadia Karim"]


def test_the_feed_needs_no_login_but_shows_only_its_owners_data(client, alice, charlie):
    FollowUpFactory(owner=charlie, title="Charlie's follow-up")
    FollowUpFactory(owner=alice, title="Alice's follow-up")
    text = client.get(feed_url(alice)).content.decode()
    assert "Alice's follow-up" in text
    assert "Charlie's follow-up" not in text


def test_an_unknown_token_is_a_404(client, alice):
    response = client.get(reverse("debriefs:calendar_feed",
                                  args=["00000000-0000-0000-0000-000000000000"]))
    assert response.status_code == 404


def test_resetting_the_link_revokes_the_old_one(client, alice):
    old_url = feed_url(alice)
    client.force_login(alice)
    response = client.post(reverse("debriefs:calendar_reset"))
    assert response.url == reverse("accounts:account") + "#calendar"
    alice.refresh_from_db()
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(alice)).status_code == 200


def test_the_account_page_shows_the_private_link_and_the_reset_button(client, alice):
    client.force_login(alice)
    text = client.get(reverse("accounts:account")).text
    assert str(alice.calendar_token) in text
    assert "Reset the link" in text


def test_a_coach_has_no_calendar_feed(client, carol):
    assert client.get(feed_url(carol)).status_code == 404
    client.force_login(carol)
    assert client.post(reverse("debriefs:calendar_reset")).status_code == 403


@pytest.mark.parametrize("size", [1, 10])
def test_the_feed_uses_a_fixed_number_of_queries(client, alice,
                                                 django_assert_max_num_queries, size):
    for _ in range(size):
        MeetingFactory(owner=alice, status=Meeting.Status.PLANNED,
                       starts_at=timezone.now() + datetime.timedelta(days=2))
        FollowUpFactory(owner=alice)
    with django_assert_max_num_queries(4):
        response = client.get(feed_url(alice))
    assert response.content.decode().count("BEGIN:VEVENT") == 2 * size
