import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from debriefs.models import Debrief, DebriefView
from debriefs.views import coach as coach_views
from tests.factories import CommentFactory, DebriefFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(alice, carol):
    return DebriefFactory(
        meeting__owner=alice,
        meeting__contact__name="Dr Omar Haddad",
        stump_speech_delivered="no",
        notes="We talked about trials.",
    )


def test_the_coach_reads_the_debrief_with_its_flags(client, carol, flagged):
    client.force_login(carol)
    response = client.get(reverse("coach:review", args=[flagged.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dr Omar Haddad" in html
    assert "We talked about trials." in html
    assert "No stump speech" in html
    assert "Mark reviewed" in html


def test_the_review_page_counts_a_long_queue_up_to_the_cap(client, alice, carol, flagged,
                                                             monkeypatch):
    monkeypatch.setattr(coach_views, "QUEUE_COUNT_CAP", 2)
    DebriefFactory(meeting__owner=alice)
    DebriefFactory(meeting__owner=alice)
    client.force_login(carol)
    html = client.get(reverse("coach:review", args=[flagged.pk])).content.decode()
    assert "2+ in your queue" in html


def test_opening_by_the_coach_is_logged_for_the_client_to_see(client, carol, flagged):
    client.force_login(carol)
    client.get(reverse("coach:review", args=[flagged.pk]))
    assert DebriefView.objects.filter(debrief=flagged, coach=carol).count() == 1


def test_the_review_page_shows_the_engines_suggestions(client, carol, flagged):
    client.force_login(carol)
    html = client.get(reverse("coach:review", args=[flagged.pk])).content.decode()
    assert 'data-suggestion="refine-stump-speech"' in html


@pytest.mark.parametrize("hard_case", [
    {"job_hinted": True, "wants_job": "no"},
    {"impression": "negative"},
], ids=["unwanted job hinted", "meeting went badly"])
def test_talk_it_over_with_your_coach_is_for_the_client_not_on_the_coachs_review_page(
    client, alice, carol, hard_case
):
    debrief = DebriefFactory(
        meeting__owner=alice, stump_speech_delivered="yes", questions_led_by="me",
        industry_questions="How is the field changing?\nWho succeeds here?",
        thank_you_sent_on=datetime.date(2026, 11, 20), referral_names="", **hard_case,
    )
    client.force_login(alice)
    mine = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk]))
    assert 'data-suggestion="review-with-coach"' in mine.content.decode()
    assert "Talk this meeting over with your coach" in mine.content.decode()

    client.force_login(carol)
    response = client.get(reverse("coach:review", args=[debrief.pk]))
    html = response.content.decode()
    shown = [s.code for s in response.context["suggestions"]]
    assert "review-with-coach" not in shown and len(shown) < 5  # not cut off by the limit
    assert 'data-suggestion="review-with-coach"' not in html
    assert "Talk this meeting over with your coach" not in html
    assert 'data-suggestion="ask-for-referral"' in html  # the rest of the client's list


def test_opening_the_review_page_marks_the_clients_comments_read(client, alice, carol, flagged):
    reply = CommentFactory(debrief=flagged, author=alice, body="Should I write again?")
    client.force_login(carol)
    html = client.get(reverse("coach:review", args=[flagged.pk])).content.decode()
    assert "Should I write again?" in html and "comment-new" in html
    reply.refresh_from_db()
    assert reply.read_by_recipient_at is not None


def test_mark_reviewed_opens_the_next_debrief_in_the_queue(client, alice, carol, flagged):
    later = DebriefFactory(meeting__owner=alice, stump_speech_delivered="yes")
    client.force_login(carol)
    response = client.post(reverse("coach:mark_reviewed", args=[flagged.pk]))
    assert response.status_code == 302
    assert response.url == reverse("coach:review", args=[later.pk])
    flagged.refresh_from_db()
    assert flagged.reviewed_by == carol and flagged.reviewed_at is not None


def test_mark_reviewed_on_the_last_one_goes_home_saying_the_queue_is_empty(client, carol, flagged):
    client.force_login(carol)
    response = client.post(reverse("coach:mark_reviewed", args=[flagged.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("coach:home")
    assert "Your review queue is empty." in response.content.decode()


def test_marking_reviewed_changes_nothing_the_client_wrote(client, carol, flagged):
    before = Debrief.objects.values().get(pk=flagged.pk)
    client.force_login(carol)
    client.post(reverse("coach:mark_reviewed", args=[flagged.pk]))
    after = Debrief.objects.values().get(pk=flagged.pk)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"reviewed_at", "reviewed_by_id"}


def test_a_private_debrief_does_not_exist_for_the_coach(client, alice, carol):
    private = DebriefFactory(meeting__owner=alice, is_private=True)
    client.force_login(carol)
    assert client.get(reverse("coach:review", args=[private.pk])).status_code == 404
    assert client.post(reverse("coach:mark_reviewed", args=[private.pk])).status_code == 404
    assert not DebriefView.objects.exists()


def test_a_draft_is_not_shown_to_the_coach(client, alice, carol):
    draft = DebriefFactory(meeting__owner=alice, is_draft=True)
    client.force_login(carol)
    assert client.get(reverse("coach:review", args=[draft.pk])).status_code == 404


def test_another_coach_gets_a_404(client, dave, flagged):
    client.force_login(dave)
    assert client.get(reverse("coach:review", args=[flagged.pk])).status_code == 404


def test_the_coach_loses_access_as_soon_as_the_client_ends_the_link(client, alice, carol, flagged):
    alice.end_coaching()
    client.force_login(carol)
    assert client.get(reverse("coach:review", args=[flagged.pk])).status_code == 404


def test_a_client_cannot_open_the_coach_review_page(client, alice, carol, flagged):
    client.force_login(alice)
    assert client.get(reverse("coach:review", args=[flagged.pk])).status_code == 403


@pytest.mark.parametrize("comments", [1, 6])
def test_the_review_page_uses_a_fixed_number_of_queries(
    client, alice, carol, flagged, comments, django_assert_num_queries
):
    for _ in range(comments):
        CommentFactory(debrief=flagged, author=alice, read_by_recipient_at="2026-01-01T00:00Z")
        CommentFactory(debrief=flagged, author=carol)
    DebriefFactory.create_batch(comments, meeting__owner=alice)
    client.force_login(carol)
    client.get(reverse("coach:review", args=[flagged.pk]))  # warm the session
    with django_assert_num_queries(14):
        response = client.get(reverse("coach:review", args=[flagged.pk]))
    assert len(response.context["thread"].comments) == comments * 2


def test_reloading_the_review_page_logs_one_visit(client, alice, carol):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
    client.force_login(carol)
    for _ in range(3):
        client.get(reverse("coach:review", args=[debrief.pk]))
    assert DebriefView.objects.filter(debrief=debrief, coach=carol).count() == 1


def test_a_later_visit_is_logged_again(client, alice, carol):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
    client.force_login(carol)
    client.get(reverse("coach:review", args=[debrief.pk]))
    DebriefView.objects.update(viewed_at=timezone.now() - datetime.timedelta(hours=1))
    client.get(reverse("coach:review", args=[debrief.pk]))
    assert DebriefView.objects.filter(debrief=debrief, coach=carol).count() == 2
