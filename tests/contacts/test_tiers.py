"""Tier derivation: tiers follow referrers, never typed; loops are refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from contacts.models import Contact, _lock_owner
from debriefs.models import FollowUp, Meeting
from tests.factories import ContactFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def chain(owner, *names):
    """A referral chain: the first name is tier 1, each next one referred by the previous."""
    people, referrer = [], None
    for name in names:
        contact = Contact(owner=owner, name=name)
        contact.set_referrer(referrer)
        people.append(contact)
        referrer = contact
    return people


def tiers(*contacts):
    return [Contact.objects.get(pk=c.pk).tier for c in contacts]


def test_a_contact_nobody_referred_is_tier_one(alice):
    sarah = Contact(owner=alice, name="Sarah", tier=4)  # a tier typed by hand is not kept
    sarah.set_referrer(None)
    assert tiers(sarah) == [1]


def test_a_referred_contact_is_one_tier_above_the_referrer(alice):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    assert tiers(sarah, ethan, grace) == [1, 2, 3]


def test_changing_the_referrer_re_derives_everyone_below(alice):
    sarah, ethan, grace, nadia = chain(alice, "Sarah", "Ethan", "Grace", "Nadia")
    james, lena = chain(alice, "James", "Lena")
    ethan.set_referrer(lena)  # Ethan now comes via James -> Lena
    assert tiers(sarah, ethan, grace, nadia) == [1, 3, 4, 5]


def test_removing_the_referrer_makes_the_contact_tier_one_and_moves_its_chain_up(alice):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    ethan.set_referrer(None)
    assert tiers(sarah, ethan, grace) == [1, 1, 2]


def test_a_loop_is_refused_with_a_message_naming_both_people(alice):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    with pytest.raises(ValidationError) as error:
        sarah.set_referrer(grace)
    message = error.value.message_dict["referred_by"][0]
    assert "Grace cannot have referred Sarah" in message
    assert "loop" in message
    assert tiers(sarah, ethan, grace) == [1, 2, 3]


def test_a_contact_cannot_refer_themselves(alice):
    (sarah,) = chain(alice, "Sarah")
    with pytest.raises(ValidationError, match="themselves"):
        sarah.set_referrer(sarah)


def test_a_referrer_must_belong_to_the_same_owner(alice, charlie):
    (sarah,) = chain(alice, "Sarah")
    outsider = ContactFactory(owner=charlie)
    with pytest.raises(ValidationError, match="your own contacts"):
        sarah.set_referrer(outsider)


def test_the_referral_chain_runs_from_the_nearest_referrer_up_to_tier_one(alice):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    assert [c.name for c in grace.referral_chain()] == ["Ethan", "Sarah"]


def test_the_referral_chain_is_one_query(alice, django_assert_num_queries):
    people = chain(alice, *[f"P{i}" for i in range(8)])
    with django_assert_num_queries(1):
        assert len(people[-1].referral_chain()) == 7


def test_deleting_a_referrer_keeps_the_people_they_referred_linked_one_tier_up(alice):
    sarah, ethan, grace, nadia = chain(alice, "Sarah", "Ethan", "Grace", "Nadia")
    kept = ethan.delete_keeping_referrals()
    assert kept == 1
    grace.refresh_from_db()
    assert grace.referred_by == sarah
    assert tiers(grace, nadia) == [2, 3]


def test_deleting_a_referrer_can_make_the_people_they_referred_tier_one(alice):
    sarah, ethan, grace, nadia = chain(alice, "Sarah", "Ethan", "Grace", "Nadia")
    ethan.delete_keeping_referrals(hand_over_to_referrer=False)
    grace.refresh_from_db()
    assert grace.referred_by is None
    assert tiers(grace, nadia) == [1, 2]


def test_deleting_a_tier_one_referrer_makes_their_referrals_tier_one(alice):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    sarah.delete_keeping_referrals()
    assert tiers(ethan, grace) == [1, 2]


def test_deleting_a_contact_deletes_their_meetings(alice):
    sarah, ethan = chain(alice, "Sarah", "Ethan")
    MeetingFactory(owner=alice, contact=ethan)
    ethan.delete_keeping_referrals()
    assert not alice.meetings.exists()


def test_descendants_are_found_in_one_query(alice, django_assert_num_queries):
    sarah, ethan, grace = chain(alice, "Sarah", "Ethan", "Grace")
    (lena,) = chain(alice, "Lena")
    with django_assert_num_queries(1):
        assert Contact.objects.descendant_ids(sarah) == {ethan.pk, grace.pk}


# The factory saves through the app's referrer logic, so tests read the app's tiers.


def test_the_factory_takes_the_tier_from_the_stored_referrer_not_the_one_in_memory(alice):
    sarah = ContactFactory(owner=alice, name="Sarah")
    sarah_as_loaded_earlier = Contact.objects.get(pk=sarah.pk)  # tier 1 in memory
    james, lena = chain(alice, "James", "Lena")
    sarah.set_referrer(lena)  # Sarah is tier 3 now
    grace = ContactFactory(owner=alice, name="Grace", referred_by=sarah_as_loaded_earlier)
    assert tiers(sarah, grace) == [3, 4]


def test_factory_contacts_are_re_derived_when_a_referrer_changes_above_them(alice):
    sarah = ContactFactory(owner=alice, name="Sarah")
    ethan = ContactFactory(owner=alice, name="Ethan", referred_by=sarah)
    grace = ContactFactory(owner=alice, name="Grace", referred_by=ethan)
    james, lena = chain(alice, "James", "Lena")
    ethan.set_referrer(lena)
    assert tiers(sarah, ethan, grace) == [1, 3, 4]


def test_the_factory_refuses_a_referrer_the_app_refuses(alice, charlie):
    outsider = ContactFactory(owner=charlie)
    with pytest.raises(ValidationError, match="your own contacts"):
        ContactFactory(owner=alice, referred_by=outsider)
    assert not Contact.objects.filter(owner=alice).exists()


def test_a_factory_meeting_records_the_contacts_stored_tier(alice):
    sarah = ContactFactory(owner=alice, name="Sarah")
    sarah_as_loaded_earlier = Contact.objects.get(pk=sarah.pk)
    james, lena = chain(alice, "James", "Lena")
    sarah.set_referrer(lena)
    meeting = MeetingFactory(owner=alice, contact=sarah_as_loaded_earlier)
    assert Meeting.objects.get(pk=meeting.pk).contact_tier == 3


def test_other_owners_contacts_are_never_in_for_user(alice, charlie):
    ContactFactory(owner=alice, name="Alice's")
    ContactFactory(owner=charlie, name="Charlie's")
    assert [c.name for c in Contact.objects.for_user(alice)] == ["Alice's"]


def test_business_days_skip_weekends():
    import datetime

    from contacts.outreach import business_days_between

    friday = datetime.date(2026, 11, 20)
    assert business_days_between(friday, friday + datetime.timedelta(days=3)) == 1  # Monday
    assert business_days_between(friday, friday + datetime.timedelta(days=14)) == 10
    assert business_days_between(friday, friday) == 0


def test_anonymous_users_see_no_contacts(db):
    from django.contrib.auth.models import AnonymousUser

    ContactFactory(owner=UserFactory())
    assert not Contact.objects.for_user(AnonymousUser()).exists()


@pytest.mark.django_db(transaction=True)
def test_a_tree_change_in_progress_does_not_hold_up_a_new_row_of_the_same_owner(alice):
    # The owner lock must leave PostgreSQL's foreign-key check on the user free: with
    # FOR UPDATE, an autosave committing such a row and a referral being added deadlocked.
    locked, done = threading.Event(), threading.Event()

    def change_the_tree():
        with transaction.atomic():
            _lock_owner(alice.pk)
            locked.set()
            done.wait(timeout=10)
        connection.close()

    holder = threading.Thread(target=change_the_tree)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            FollowUp.objects.create(owner=alice, title="Write to Lena", due_on="2026-12-01")
        assert FollowUp.objects.filter(owner=alice).count() == 1
    finally:
        done.set()
        holder.join()
