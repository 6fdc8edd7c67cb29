"""An invitation sent to an address can be accepted only by the account with that address."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def accept(client, invitation):
    return client.post(reverse("accounts:invitation", args=[invitation.token]), follow=True)


def test_another_account_cannot_accept_an_invitation_sent_to_an_address(client, dave):
    invitation = InvitationFactory(coach=dave, email="new.client@example.com")
    other = UserFactory(email="other@example.com")
    client.force_login(other)
    response = accept(client, invitation)
    other.refresh_from_db()
    invitation.refresh_from_db()
    assert other.coach is None
    assert invitation.accepted_at is None
    assert "This invitation was sent to new.client@example.com" in response.content.decode()


def test_the_invited_address_accepts_in_any_case(client, dave):
    invitation = InvitationFactory(coach=dave, email="New.Client@Example.com")
    invited = UserFactory(email="new.client@example.com")
    client.force_login(invited)
    accept(client, invitation)
    invited.refresh_from_db()
    assert invited.coach == dave


def test_the_page_tells_a_signed_in_stranger_whom_the_invitation_is_for(client, dave):
    invitation = InvitationFactory(coach=dave, email="new.client@example.com")
    client.force_login(UserFactory(email="other@example.com"))
    html = client.get(reverse("accounts:invitation", args=[invitation.token])).content.decode()
    assert "sent to new.client@example.com" in html
    assert "Accept: make" not in html


def test_signing_up_from_the_invitation_fills_in_the_invited_address(client, dave):
    invitation = InvitationFactory(coach=dave, email="new.client@example.com")
    page = client.get(reverse("accounts:invitation", args=[invitation.token])).content.decode()
    assert "email=new.client%40example.com" in page
    signup = client.get(reverse("accounts:signup") + "?email=new.client%40example.com")
    assert 'value="new.client@example.com"' in signup.content.decode()


def test_signing_up_with_the_invited_address_then_accepting_links_the_coach(client, dave):
    invitation = InvitationFactory(coach=dave, email="new.client@example.com")
    client.post(reverse("accounts:signup"), {
        "first_name": "New", "last_name": "Client", "email": "new.client@example.com",
        "password1": "a-long-test-password-1", "password2": "a-long-test-password-1",
    })
    accept(client, invitation)
    assert User.objects.get(email="new.client@example.com").coach == dave


def test_a_link_made_without_an_address_can_be_accepted_by_any_client(client, dave):
    invitation = InvitationFactory(coach=dave, email="")
    someone = UserFactory()
    client.force_login(someone)
    accept(client, invitation)
    someone.refresh_from_db()
    assert someone.coach == dave
