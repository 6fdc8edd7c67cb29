import pytest
from django.utils import timezone

from accounts.demo import seed_users
from contacts.demo import NETWORK, seed_contacts
from contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_the_demo_network_spans_four_tiers_with_waiting_outreach_and_is_idempotent():
    client = seed_users()["client"]
    assert seed_contacts(client) == len(NETWORK)
    assert seed_contacts(client) == 0
    contacts = list(Contact.objects.for_user(client))
    assert len(contacts) == len(NETWORK)
    assert {c.tier for c in contacts} == {1, 2, 3, 4}
    nadia = next(c for c in contacts if c.name == "Nadia Karim")
    assert [c.name for c in nadia.referral_chain()] == ["Grace Liu", "Ethan Brooks",
                                                        "Sarah Chen"]
    today = timezone.localdate()
    waits = {c.name: c.waiting_business_days(today) for c in contacts
             if c.status == Contact.Status.REACHED_OUT}
    assert any(3 <= days < 7 for days in waits.values())
    assert any(days >= 7 for days in waits.values())
