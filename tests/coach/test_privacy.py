"""Everything learnt at a meeting whose debrief is private stays out of every coach view:
the people named there, everyone referred on from them, and every figure and suggestion
computed from them."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from debriefs.coaching import with_coaching_figures
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_meeting(alice, carol):
    """Alice met Sam at a meeting she keeps private; Sam named Pat there."""
    sam = ContactFactory(owner=alice, name="Sam Private")
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=sam), is_private=True)
    pat = Contact(owner=alice, name="Pat Named Privately", referred_in=debrief.meeting)
    pat.set_referrer(sam)
    return debrief.meeting


def add_referral(owner, name, referrer, meeting=None):
    contact = Contact(owner=owner, name=name, referred_in=meeting)
    contact.set_referrer(referrer)
    return contact


def board(client, coach, alice):
    client.force_login(coach)
    return client.get(reverse("coach:client_tiers", args=[alice.pk]))


def test_the_coachs_board_leaves_out_a_person_named_at_a_private_meeting(
    client, alice, carol, private_meeting
):
    html = board(client, carol, alice).content.decode()
    assert "Sam Private" in html  # the person met is a contact like any other
    assert "Pat Named Privately" not in html


def test_the_coachs_board_leaves_out_everyone_referred_on_from_a_private_meeting(
    client, alice, carol, private_meeting
):
    pat = Contact.objects.get(name="Pat Named Privately")
    add_referral(alice, "Quinn Further Down", pat)
    html = board(client, carol, alice).content.decode()
    assert "Quinn Further Down" not in html


def test_the_coachs_board_counts_only_what_the_coach_may_see(
    client, alice, carol, private_meeting
):
    context = board(client, carol, alice).context
    figures = context["figures"]
    assert figures["contacts"] == 1  # Sam only
    assert figures["to_contact"] == 1
    assert figures["highest_tier"] == 1
    columns = context["columns"]
    assert [column["count"] for column in columns] == [1]


def test_the_coachs_tree_draws_and_counts_only_the_referrals_the_coach_may_see(
    client, alice, carol, private_meeting
):
    sam = Contact.objects.get(name="Sam Private")
    tree = board(client, carol, alice).context["tree"]
    assert tree.nodes == [] and tree.unconnected == 1  # Sam's only referral is private
    add_referral(alice, "Robin Shared", sam)
    tree = board(client, carol, alice).context["tree"]
    assert [(n.name, n.referral_count) for n in tree.nodes] == [
        ("Sam Private", 1), ("Robin Shared", 0)]


def test_the_clients_own_board_still_shows_everyone(client, alice, carol, private_meeting):
    client.force_login(alice)
    html = client.get(reverse("contacts:tiers")).content.decode()
    assert "Pat Named Privately" in html


def test_the_coachs_figures_leave_out_the_tier_reached_through_a_private_meeting(
    alice, carol, private_meeting
):
    figures = with_coaching_figures(carol.clients.all()).get(pk=alice.pk)
    assert figures.highest_tier == 1
    assert figures.referrals_obtained == 0


def test_the_review_page_does_not_reveal_the_tier_met_at_a_private_meeting(client, alice, carol):
    # Privately, alice met someone at tier 2; in a shared debrief a tier-1 contact names a
    # tier-2 person. For alice that is no new tier; the coach must not be able to tell.
    first = ContactFactory(owner=alice, name="Ann Shared")
    hidden_referrer = ContactFactory(owner=alice, name="Ben Known")
    deep = add_referral(alice, "Cara Deep", hidden_referrer)
    DebriefFactory(meeting=MeetingFactory(owner=alice, contact=deep), is_private=True)
    shared = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=first))
    dev = add_referral(alice, "Dev Next", first, meeting=shared.meeting)
    dev.set_status(Contact.Status.MEETING_SCHEDULED)  # written to: the climb is its own card

    client.force_login(alice)
    own = client.get(reverse("debriefs:meeting_detail", args=[shared.meeting.pk]))
    assert 'data-suggestion="climb-a-tier"' not in own.content.decode()

    client.force_login(carol)
    review = client.get(reverse("coach:review", args=[shared.pk]))
    assert 'data-suggestion="climb-a-tier"' in review.content.decode()
