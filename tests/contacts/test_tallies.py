"""The counts by tier and status, and by tag, that triggers keep (migration 0006)."""

import pytest
from django.urls import reverse

from contacts import views
from contacts.models import Contact, ContactTally, TagTally
from tests.factories import ContactFactory, MeetingFactory, UserFactory


def counted(owner) -> dict:
    return {(row["tier"], row["status"]): row["count"] for row in ContactTally.counts_of(owner)}


def counted_from_scratch(owner) -> dict:
    counts: dict = {}
    for contact in Contact.objects.for_user(owner):
        key = (contact.tier, contact.status)
        counts[key] = counts.get(key, 0) + 1
    return counts


@pytest.mark.django_db
def test_the_counts_follow_adds_status_changes_referrer_moves_and_deletes(alice):
    anna = ContactFactory(owner=alice, tags=["health", "Berlin"])
    ben = ContactFactory(owner=alice, referred_by=anna, tags=["health"])
    ContactFactory(owner=alice, referred_by=ben)
    assert counted(alice) == {(1, "to_contact"): 1, (2, "to_contact"): 1, (3, "to_contact"): 1}

    ben.set_status(Contact.Status.MET)
    ben.refresh_from_db()
    ben.set_referrer(None)  # ben and the person he referred move up a tier
    assert counted(alice) == counted_from_scratch(alice) == {
        (1, "to_contact"): 1, (1, "met"): 1, (2, "to_contact"): 1}

    anna.delete_keeping_referrals()
    assert counted(alice) == counted_from_scratch(alice)
    assert ContactTally.objects.filter(owner=alice, count__lte=0).count() == 0
    assert TagTally.tags_of(alice) == ["health"]


@pytest.mark.django_db
def test_bulk_creates_and_updates_are_counted_per_owner(alice):
    bob = UserFactory()
    Contact.objects.bulk_create(
        [Contact(owner=alice, name=f"A{n}", tags=["x"]) for n in range(5)]
        + [Contact(owner=bob, name="B", tags=["y"])]
    )
    Contact.objects.filter(owner=alice, name__in=["A1", "A2"]).update(
        status=Contact.Status.DORMANT, tags=["z"])
    assert counted(alice) == {(1, "to_contact"): 3, (1, "dormant"): 2}
    assert counted(bob) == {(1, "to_contact"): 1}
    assert TagTally.tags_of(alice) == ["x", "z"]
    assert TagTally.tags_of(bob) == ["y"]


def named_counted(owner) -> int:
    return sum(ContactTally.objects.filter(owner=owner).values_list("named", flat=True))


@pytest.mark.django_db
def test_the_people_named_at_a_meeting_are_counted_as_they_are_named_and_unnamed(alice):
    meeting = MeetingFactory(owner=alice)
    anna = ContactFactory(owner=alice, referred_in=meeting)
    ContactFactory(owner=alice, referred_in=meeting)
    ContactFactory(owner=alice)
    assert named_counted(alice) == 2

    Contact.objects.filter(pk=anna.pk).update(referred_in=None)
    assert named_counted(alice) == 1
    Contact.objects.filter(owner=alice, referred_in=meeting).delete()
    assert named_counted(alice) == 0


@pytest.mark.django_db
def test_deleting_an_account_leaves_no_counts_behind(alice):
    ContactFactory(owner=alice, tags=["health"])
    alice.delete()
    assert not ContactTally.objects.exists()
    assert not TagTally.objects.exists()


@pytest.mark.django_db
def test_a_search_matching_more_than_the_cap_lists_its_first_matches_by_name(
    client, alice, monkeypatch
):
    monkeypatch.setattr(views, "SEARCH_CAP", 3)
    for name in ["Dora Medic", "Carl Medic", "Bea Medic", "Abe Medic", "Eve Other"]:
        ContactFactory(owner=alice, name=name, organisation="Medical Group" if "Medic" in name
                       else "Shop", role_title="", notes="")
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {"q": "medic"})
    assert "More than 3 of 5 contacts match: the first 3 by name." in response.text
    names = [c.name for c in response.context["page"].object_list]
    assert names == ["Abe Medic", "Bea Medic", "Carl Medic"]


@pytest.mark.django_db
def test_a_search_within_the_cap_is_counted_and_ranked(client, alice):
    ContactFactory(owner=alice, name="Zed Medic", organisation="", role_title="", notes="")
    ContactFactory(owner=alice, name="Abe", organisation="Medic Co", role_title="", notes="")
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {"q": "medic"})
    assert "2 of 2 contacts match." in response.text
    assert [c.name for c in response.context["page"].object_list][0] == "Zed Medic"
