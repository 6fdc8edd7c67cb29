"""The coach's view of progress: a sparkline per client and "needs attention", from what
the client shares only (debriefs/progress.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from debriefs.progress import (
    SPARK_WEEKS,
    client_sparklines,
    clients_needing_attention,
    needs_attention,
)
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, UserFactory


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def held(owner, days: int, **debrief):
    return DebriefFactory(meeting__owner=owner, meeting__starts_at=days_ago(days), **debrief)


def reasons_for(coach, client) -> list[str]:
    return next((a.reasons for a in needs_attention(coach) if a.client == client), [])


def test_the_sparkline_counts_shared_meetings_per_week(alice, carol):
    held(alice, 0)
    held(alice, 0)
    held(alice, 15)
    held(alice, 0, is_private=True)
    held(alice, 0, is_draft=True)
    spark = client_sparklines(carol, [alice.pk])[alice.pk]
    assert len(spark.counts) == SPARK_WEEKS
    assert spark.last == 2
    assert spark.total == 3


def test_the_sparkline_shows_the_highest_tier_met_rising(alice, carol):
    tier_one = ContactFactory(owner=alice)
    tier_two = ContactFactory(owner=alice, referred_by=tier_one)
    held(alice, 200, meeting__contact=tier_one)
    held(alice, 3, meeting__contact=tier_two)
    spark = client_sparklines(carol, [alice.pk])[alice.pk]
    assert (spark.tier_before, spark.tier_now, spark.tier_rose) == (1, 2, True)


def test_another_coachs_client_has_an_empty_sparkline(alice, carol, dave):
    held(alice, 0)
    assert client_sparklines(dave, [alice.pk])[alice.pk].total == 0


def test_a_client_with_no_recent_shared_meeting_needs_attention(alice, carol):
    held(alice, 20)
    held(alice, 2, is_private=True)  # private: does not count
    assert reasons_for(carol, alice) == ["No shared meeting in the last 14 days"]


def test_no_referral_from_the_last_three_meetings(alice, carol):
    first = held(alice, 10)
    ContactFactory(owner=alice, referred_in=first.meeting, referred_by=first.meeting.contact)
    for days in (3, 2, 1):
        held(alice, days)
    assert reasons_for(carol, alice) == ["No referral from the last 3 meetings"]


def test_a_referral_in_the_last_three_meetings_is_enough(alice, carol):
    for days in (3, 2):
        held(alice, days)
    last = held(alice, 1)
    ContactFactory(owner=alice, referred_in=last.meeting, referred_by=last.meeting.contact)
    assert reasons_for(carol, alice) == []


def test_overdue_follow_ups_count_unless_from_a_private_meeting(alice, carol):
    held(alice, 1)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    FollowUpFactory(owner=alice, due_on=yesterday)
    FollowUpFactory(owner=alice, due_on=yesterday)
    private = held(alice, 5, is_private=True)
    FollowUpFactory(owner=alice, due_on=yesterday, meeting=private.meeting)
    FollowUpFactory(owner=alice, due_on=timezone.localdate())  # due today: not overdue
    assert reasons_for(carol, alice) == ["2 overdue follow-ups"]


def test_a_hinted_job_left_undecided_unless_private(alice, carol):
    held(alice, 1, job_hinted=True, wants_job="unsure")
    assert reasons_for(carol, alice) == ["A hinted job left undecided"]
    charlie = UserFactory(coach=carol)
    held(charlie, 1, job_hinted=True, wants_job="", is_private=True)
    held(charlie, 1)
    assert reasons_for(carol, charlie) == []


def test_only_the_coachs_own_clients_are_listed(alice, carol, dave):
    held(alice, 30)
    assert [a.client for a in needs_attention(carol)] == [alice]
    assert needs_attention(dave) == []


@pytest.mark.parametrize("size", [2, 10])
def test_the_coach_figures_take_seven_queries_whatever_the_number_of_clients(
    carol, size, django_assert_max_num_queries
):
    clients = [UserFactory(coach=carol) for _ in range(size)]
    for client in clients:
        for days in (20, 3, 2, 1):
            held(client, days, job_hinted=True, wants_job="unsure")
        FollowUpFactory(owner=client, due_on=timezone.localdate() - datetime.timedelta(days=2))
    with django_assert_max_num_queries(7):
        attention = needs_attention(carol)
        sparks = client_sparklines(carol, [c.pk for c in clients])
    attention = {a.client: a.reasons for a in attention}  # and alice, with no meeting
    assert all(len(attention[c]) == 3 for c in clients)
    assert all(s.total == 4 for s in sparks.values())


def test_the_coach_home_shows_who_needs_attention_and_the_sparklines(client, alice, carol):
    held(alice, 20)
    client.force_login(carol)
    page = client.get(reverse("coach:home")).text
    assert "Needs attention" in page
    assert f'data-attention="{alice.pk}"' in page
    assert reverse("coach:client_detail", args=[alice.pk]) in page
    assert "No shared meeting in the last 14 days" in page
    assert 'class="sparkline"' in page and "sparkline-line" in page
    assert " style=" not in page


def test_the_coach_home_shows_the_first_clients_needing_attention_and_says_more_do(
    client, alice, carol, monkeypatch
):
    monkeypatch.setattr("debriefs.views.coach.ATTENTION_SHOWN", 2)
    for _ in range(3):
        UserFactory(coach=carol)  # no shared meeting: each needs attention
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    assert len(response.context["attention"]) == 2
    assert response.context["more_need_attention"] is True
    assert "More clients need attention; the first 2 by name are shown." in response.text


def test_needs_attention_looks_past_a_batch_of_clients_who_are_fine(
    alice, carol, monkeypatch
):
    """Clients are read by name a batch at a time: the search goes on past a batch where
    nobody needs a word, and stops once one more than the page shows is found."""
    monkeypatch.setattr("debriefs.progress.ATTENTION_BATCH", 2)
    for name in ("Aaron", "Abby", "Adam"):
        client = UserFactory(coach=carol, first_name=name)
        held(client, 1)
        ContactFactory(owner=client, referred_in=held(client, 2).meeting)
    zoe = UserFactory(coach=carol, first_name="Zoe")
    alice.first_name = "Yara"
    alice.save()
    attention = needs_attention(carol)
    assert [a.client for a in attention] == [alice, zoe]
    shown, more = clients_needing_attention(carol, limit=1)
    assert [a.client for a in shown] == [alice] and more is True
