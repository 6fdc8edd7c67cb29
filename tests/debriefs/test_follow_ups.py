import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from debriefs.models import FollowUp
from tests.factories import FollowUpFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_client_adds_a_follow_up_by_hand(client, alice, lena):
    client.force_login(alice)
    due = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(reverse("debriefs:follow_up_create"), {
        "title": "Send Lena the article", "due_on": due.isoformat(), "contact": lena.pk})
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.contact, follow_up.due_on) == (alice, lena, due)
    assert response.url == reverse("debriefs:follow_up_list")


def test_a_follow_up_added_from_a_meeting_belongs_to_it(client, alice, meeting):
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_create"), {
        "title": "Call back", "due_on": timezone.localdate().isoformat(),
        "meeting": meeting.pk})
    follow_up = FollowUp.objects.get()
    assert follow_up.meeting == meeting
    assert follow_up.contact == meeting.contact
    assert response.url == reverse("debriefs:meeting_detail", args=[meeting.pk])


def test_a_follow_up_needs_a_title_and_a_date(client, alice):
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_create"), {"title": "", "due_on": "x"})
    assert response.text.count("errorlist") >= 2
    assert not FollowUp.objects.exists()


def test_a_follow_up_cannot_hang_on_someone_elses_meeting(client, charlie, meeting):
    client.force_login(charlie)
    response = client.post(reverse("debriefs:follow_up_create"), {
        "title": "Snoop", "due_on": timezone.localdate().isoformat(), "meeting": meeting.pk})
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_ticking_off_with_htmx_returns_the_done_item(client, alice):
    follow_up = FollowUpFactory(owner=alice, title="Thank Lena")
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]), **HTMX)
    follow_up.refresh_from_db()
    assert follow_up.is_done
    assert 'class="follow-up is-done"' in response.text
    assert "Mark not done: Thank Lena" in response.text
    assert "followUpsChanged" in response.headers["HX-Trigger"]


def test_ticking_again_reopens_it(client, alice):
    follow_up = FollowUpFactory(owner=alice, done_at=timezone.now())
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert not follow_up.is_done
    assert response.url == reverse("debriefs:follow_up_list")


def test_an_outsider_cannot_tick_off_a_follow_up(client, alice, charlie):
    follow_up = FollowUpFactory(owner=alice)
    client.force_login(charlie)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]))
    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert not follow_up.is_done


def test_a_coach_cannot_tick_off_a_clients_follow_up(client, alice, carol):
    follow_up = FollowUpFactory(owner=alice)
    client.force_login(carol)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]))
    assert response.status_code == 403


def test_the_list_shows_only_the_owners_follow_ups(client, alice, charlie):
    FollowUpFactory(owner=alice, title="Mine to do")
    FollowUpFactory(owner=charlie, title="Not for Alice")
    client.force_login(alice)
    response = client.get(reverse("debriefs:follow_up_list"))
    assert "Mine to do" in response.text
    assert "Not for Alice" not in response.text


@pytest.mark.parametrize("size", [2, 15])
def test_the_list_uses_a_fixed_number_of_queries(
    client, alice, lena, django_assert_max_num_queries, size
):
    for _ in range(size):
        FollowUpFactory(owner=alice, contact=lena)
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("debriefs:follow_up_list"))
    assert response.text.count("data-follow-up=") == size


def test_a_ticked_item_keeps_pointing_back_to_the_page_it_is_on(client, alice):
    follow_up = FollowUpFactory(owner=alice)
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]),
                           {"next": "/"}, **HTMX)
    assert 'name="next" value="/"' in response.text
