import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from debriefs.coaching import with_coaching_figures
from debriefs.views import coach as coach_views
from tests.factories import (
    ContactFactory,
    DebriefFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CLEAN = dict(stump_speech_delivered="yes", questions_led_by="me", referral_names="Dr Ng")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_coach_home_lists_only_the_coachs_own_clients(client, alice, carol, charlie, dave):
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    clients = list(response.context["page"].object_list)
    assert clients == [alice]
    assert charlie.display_name not in response.content.decode()


def test_each_client_row_has_the_figures_from_shared_data(client, alice, carol):
    tier_one = ContactFactory(owner=alice)
    tier_two = ContactFactory(owner=alice, referred_by=tier_one)
    ContactFactory(owner=alice, referred_by=tier_two)  # tier 3 reached
    recent = DebriefFactory(meeting__owner=alice, meeting__starts_at=days_ago(3), **CLEAN)
    DebriefFactory(
        meeting__owner=alice, meeting__starts_at=days_ago(40), stump_speech_delivered="no"
    )
    ContactFactory(owner=alice, referred_in=recent.meeting)
    ContactFactory(owner=alice, referred_in=recent.meeting)
    MeetingFactory(owner=alice, starts_at=days_ago(5))  # held, no debrief yet
    MeetingFactory(owner=alice, starts_at=days_ago(-5), status="planned")

    client.force_login(carol)
    row = client.get(reverse("coach:home")).context["page"].object_list[0]
    assert row.meetings_last_30_days == 2
    assert row.meetings_held == 3
    assert row.referrals_per_meeting == pytest.approx(2 / 3)
    assert row.highest_tier == 3
    assert row.awaiting_review == 2
    # The older debrief: no stump speech and no referral.
    assert row.open_flags == 2


def test_a_private_debrief_is_left_out_of_every_figure(client, alice, carol):
    private = DebriefFactory(
        meeting__owner=alice,
        meeting__starts_at=days_ago(2),
        is_private=True,
        stump_speech_delivered="no",
    )
    ContactFactory(owner=alice, referred_in=private.meeting)
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    row = response.context["page"].object_list[0]
    assert (row.meetings_last_30_days, row.meetings_held, row.awaiting_review, row.open_flags) == (
        0,
        0,
        0,
        0,
    )
    assert row.referrals_per_meeting is None
    assert response.context["queue_total"] == 0
    assert f'data-debrief="{private.pk}"' not in response.content.decode()


def test_drafts_are_neither_queued_nor_counted(client, alice, carol):
    DebriefFactory(meeting__owner=alice, is_draft=True, stump_speech_delivered="no")
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    assert response.context["queue_total"] == 0
    assert response.context["page"].object_list[0].open_flags == 0


def test_the_review_queue_puts_flagged_debriefs_first_then_the_oldest(client, alice, carol):
    clean_old = DebriefFactory(meeting__owner=alice, meeting__starts_at=days_ago(20), **CLEAN)
    flagged_new = DebriefFactory(
        meeting__owner=alice, meeting__starts_at=days_ago(1), impression="negative", **CLEAN
    )
    flagged_old = DebriefFactory(
        meeting__owner=alice, meeting__starts_at=days_ago(9), stump_speech_delivered="no"
    )
    clean_new = DebriefFactory(meeting__owner=alice, meeting__starts_at=days_ago(2), **CLEAN)
    DebriefFactory(meeting__owner=alice, reviewed_at=timezone.now(), stump_speech_delivered="no")
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    assert [d.pk for d in response.context["queue"]] == [
        flagged_old.pk,
        flagged_new.pk,
        clean_old.pk,
        clean_new.pk,
    ]
    assert "They left a negative impression" in response.content.decode()


def test_clients_with_open_flags_come_first(client, alice, carol):
    calm = UserFactory(first_name="Aaron", coach=carol)
    DebriefFactory(meeting__owner=calm, **CLEAN)
    DebriefFactory(meeting__owner=alice, stump_speech_delivered="no")
    client.force_login(carol)
    clients = list(client.get(reverse("coach:home")).context["page"].object_list)
    assert clients == [alice, calm]


def test_the_coach_can_find_a_client_by_name(client, alice, carol):
    UserFactory(first_name="Zed", coach=carol)
    client.force_login(carol)
    response = client.get(reverse("coach:home"), {"q": "alice"})
    assert list(response.context["page"].object_list) == [alice]


def test_a_coach_without_clients_is_invited_to_invite_one(client, dave):
    client.force_login(dave)
    html = client.get(reverse("coach:home")).content.decode()
    assert "No clients yet" in html and reverse("accounts:invitation_list") in html


def test_a_client_cannot_open_the_coach_home(client, alice):
    client.force_login(alice)
    assert client.get(reverse("coach:home")).status_code == 403


def make_clients(coach, count):
    for _ in range(count):
        person = UserFactory(coach=coach)
        first = ContactFactory(owner=person)
        ContactFactory(owner=person, referred_by=first)
        debrief = DebriefFactory(
            meeting__owner=person, meeting__contact=first, stump_speech_delivered="no"
        )
        ContactFactory(owner=person, referred_in=debrief.meeting)
        DebriefFactory(meeting__owner=person, is_private=True)


@pytest.mark.parametrize("size", [2, 12])
def test_the_coach_home_uses_a_fixed_number_of_queries(
    client, carol, size, django_assert_num_queries
):
    make_clients(carol, size)
    client.force_login(carol)
    client.get(reverse("coach:home"))  # warm the session
    # The clients are counted, ranked, and their figures computed for the page shown, in
    # three queries; the sparklines in one, "needs attention" in two, the queue in three.
    with django_assert_num_queries(12):
        response = client.get(reverse("coach:home"))
    assert len(response.context["page"].object_list) == size + 1  # and alice


@pytest.mark.parametrize("size", [2, 8])
def test_the_client_overview_uses_a_fixed_number_of_queries(
    client, alice, carol, size, django_assert_num_queries
):
    for _ in range(size):
        DebriefFactory(meeting__owner=alice, stump_speech_delivered="no")
    client.force_login(carol)
    with django_assert_num_queries(5):  # and the paginator's count
        response = client.get(reverse("coach:client_detail", args=[alice.pk]))
    assert len(response.context["debriefs"]) == size


def test_the_client_overview_lists_shared_debriefs_only(client, alice, carol):
    shared = DebriefFactory(meeting__owner=alice, meeting__contact__name="Shared Person")
    DebriefFactory(meeting__owner=alice, meeting__contact__name="Secret Person", is_private=True)
    client.force_login(carol)
    html = client.get(reverse("coach:client_detail", args=[alice.pk])).content.decode()
    assert "Shared Person" in html and "Secret Person" not in html
    assert f'data-debrief="{shared.pk}"' in html


def test_another_coachs_client_overview_is_a_404(client, alice, carol, dave):
    client.force_login(dave)
    assert client.get(reverse("coach:client_detail", args=[alice.pk])).status_code == 404
    assert client.get(reverse("coach:client_tiers", args=[alice.pk])).status_code == 404


def test_the_figures_keep_one_row_per_client_and_count_each_thing_once(alice, carol):
    """Several meetings, debriefs and contacts per client must not multiply rows or totals
    (as a join of the client to each of them would)."""
    bob = UserFactory(first_name="Bob", coach=carol)
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah)
    first = DebriefFactory(meeting__owner=alice, meeting__contact=sarah,
                           meeting__starts_at=days_ago(3), **CLEAN)
    second = DebriefFactory(meeting__owner=alice, meeting__contact=ethan,
                            meeting__starts_at=days_ago(10), **CLEAN | {"impression": "negative"})
    DebriefFactory(meeting__owner=alice, meeting__contact=sarah, meeting__starts_at=days_ago(40),
                   **CLEAN | {"stump_speech_delivered": "no", "impression": "negative"})
    ContactFactory.create_batch(3, owner=alice, referred_by=sarah, referred_in=first.meeting)
    ContactFactory(owner=alice, referred_by=ethan, referred_in=second.meeting)  # tier 3
    MeetingFactory(owner=alice, contact=ethan, starts_at=days_ago(-5), status="planned")

    clients = with_coaching_figures(User.objects.filter(coach=carol)).order_by("first_name")
    assert clients.count() == 2
    rows = {user.pk: user for user in clients}
    assert list(rows) == [alice.pk, bob.pk]
    figures = ("meetings_last_30_days", "meetings_held", "referrals_obtained", "highest_tier",
               "awaiting_review", "open_flags", "referrals_per_meeting")
    assert {name: getattr(rows[alice.pk], name) for name in figures} == {
        "meetings_last_30_days": 2, "meetings_held": 3, "referrals_obtained": 4,
        "highest_tier": 3, "awaiting_review": 3, "open_flags": 3,
        "referrals_per_meeting": pytest.approx(4 / 3),
    }
    assert {name: getattr(rows[bob.pk], name) for name in figures} == {
        "meetings_last_30_days": 0, "meetings_held": 0, "referrals_obtained": 0,
        "highest_tier": 0, "awaiting_review": 0, "open_flags": 0,
        "referrals_per_meeting": None,
    }


def test_the_coach_home_counts_only_invitations_whose_link_still_works(client, carol, dave):
    InvitationFactory(coach=carol, email="open@example.com")
    InvitationFactory(coach=carol, email="expired@example.com",
                      expires_at=timezone.now() - datetime.timedelta(minutes=1))
    InvitationFactory(coach=carol, email="used@example.com", accepted_at=timezone.now())
    InvitationFactory(coach=carol, email="gone@example.com", cancelled_at=timezone.now())
    InvitationFactory(coach=dave, email="theirs@example.com")
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    assert response.context["open_invitations"] == 1
    assert ('Invite a client <span class="nav-count">1<span class="sr-only"> open</span>'
            in response.content.decode())


def test_the_coach_home_shows_no_count_when_every_invitation_has_expired(client, carol):
    InvitationFactory(coach=carol, expires_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(carol)
    html = client.get(reverse("coach:home")).content.decode()
    assert "Invite a client</a>" in html and "sr-only\"> open" not in html


def test_the_coach_reads_the_clients_tiers_board_without_edit_links(client, alice, carol):
    first = ContactFactory(owner=alice, name="Sarah Chen")
    ContactFactory(owner=alice, name="Ethan Brooks", referred_by=first)
    client.force_login(carol)
    html = client.get(reverse("coach:client_tiers", args=[alice.pk])).content.decode()
    assert "Sarah Chen" in html and "Ethan Brooks" in html
    assert reverse("contacts:detail", args=[first.pk]) not in html
    assert reverse("contacts:create") not in html


def test_the_tiers_board_figures_leave_out_meetings_with_a_private_debrief(client, alice, carol):
    shared = DebriefFactory(meeting__owner=alice)
    private = DebriefFactory(meeting__owner=alice, is_private=True)
    ContactFactory(owner=alice, referred_in=shared.meeting)
    ContactFactory(owner=alice, referred_in=private.meeting)
    client.force_login(carol)
    figures = client.get(reverse("coach:client_tiers", args=[alice.pk])).context["figures"]
    assert (figures["held"], figures["referrals_at_meetings"]) == (1, 1)


def test_the_queue_shows_the_first_twenty_and_counts_them_all(client, alice, carol):
    for _ in range(22):
        DebriefFactory(meeting__owner=alice)
    client.force_login(carol)
    response = client.get(reverse("coach:home"))
    assert len(response.context["queue"]) == 20
    assert response.context["queue_total"] == 22
    assert "22 to review" in response.content.decode()


def test_a_queue_longer_than_the_cap_is_counted_up_to_it(client, alice, carol, monkeypatch):
    monkeypatch.setattr(coach_views, "QUEUE_COUNT_CAP", 21)
    for _ in range(22):
        DebriefFactory(meeting__owner=alice)
    client.force_login(carol)
    assert "21+ to review" in client.get(reverse("coach:home")).content.decode()


def test_the_coachs_figures_say_they_count_shared_meetings_only(client, alice, carol):
    client.force_login(carol)
    home = client.get(reverse("coach:home")).text
    detail = client.get(reverse("coach:client_detail", args=[alice.pk])).text
    assert "Referrals per shared meeting" in home and "private debriefs are left out" in home
    assert "Referrals per shared meeting" in detail
    assert "Deepest tier" in home and "Deepest tier in their network" in detail


def test_the_client_overview_lists_the_shared_debriefs_a_page_at_a_time(
    client, alice, carol, monkeypatch
):
    monkeypatch.setattr("debriefs.views.coach.DEBRIEFS_PER_PAGE", 2)
    debriefs = [DebriefFactory(meeting__owner=alice, meeting__starts_at=days_ago(days))
                for days in (1, 2, 3)]
    client.force_login(carol)
    first = client.get(reverse("coach:client_detail", args=[alice.pk]))
    second = client.get(reverse("coach:client_detail", args=[alice.pk]), {"page": 2})
    assert [d.pk for d in first.context["debriefs"]] == [debriefs[0].pk, debriefs[1].pk]
    assert [d.pk for d in second.context["debriefs"]] == [debriefs[2].pk]
    assert "Page 1 of 2" in first.text and 'href="?page=2"' in first.text


def test_the_coach_opens_a_branch_of_the_clients_tiers_board(client, alice, carol):
    root = ContactFactory(owner=alice, name="Root Person")
    ContactFactory(owner=alice, name="Referred Person", referred_by=root)
    client.force_login(carol)
    response = client.get(reverse("coach:client_tiers", args=[alice.pk]), {"open": root.pk})
    assert response.status_code == 200
    assert "Referred Person" in response.text
    assert client.get(reverse("coach:client_tiers", args=[alice.pk]),
                      {"open": "x"}).status_code == 200
