import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from tests.factories import CoachFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invitation_url(invitation):
    return reverse("accounts:invitation", args=[invitation.token])


def test_a_coach_creates_an_invitation_that_is_emailed_and_lasts_7_days(client, carol):
    client.force_login(carol)
    response = client.post(reverse("accounts:invitation_list"), {"email": "New@Example.com"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.coach == carol and invitation.email == "new@example.com"
    assert invitation.sent_at is not None
    lifetime = invitation.expires_at - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < lifetime <= datetime.timedelta(days=7)
    assert mail.outbox[0].to == ["new@example.com"]
    assert invitation_url(invitation) in mail.outbox[0].body


def test_a_coach_can_create_a_link_without_email_and_sees_it_listed(client, carol):
    client.force_login(carol)
    client.post(reverse("accounts:invitation_list"), {"email": ""})
    invitation = Invitation.objects.get()
    html = client.get(reverse("accounts:invitation_list")).content.decode()
    assert invitation_url(invitation) in html and "Link only" in html
    assert not mail.outbox


def test_inviting_someone_who_is_already_a_client_says_so_next_to_the_field(client, alice, carol):
    client.force_login(carol)
    response = client.post(reverse("accounts:invitation_list"), {"email": alice.email})
    assert "This person is already your client." in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invalid_email_is_refused_and_kept(client, carol):
    client.force_login(carol)
    response = client.post(reverse("accounts:invitation_list"), {"email": "not-an-email"})
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="not-an-email"' in html


def test_the_list_shows_only_the_coachs_own_pending_invitations(client, carol, dave):
    mine = InvitationFactory(coach=carol, email="mine@example.com")
    InvitationFactory(coach=carol, email="used@example.com", accepted_at=timezone.now())
    InvitationFactory(coach=carol, email="gone@example.com", cancelled_at=timezone.now())
    InvitationFactory(coach=dave, email="theirs@example.com")
    client.force_login(carol)
    response = client.get(reverse("accounts:invitation_list"))
    assert list(response.context["invitations"]) == [mine]


def test_resending_emails_again_and_gives_another_week(client, carol):
    invitation = InvitationFactory(
        coach=carol, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(carol)
    client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == "open"
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert len(mail.outbox) == 1


def test_cancelling_kills_the_link(client, alice, carol):
    invitation = InvitationFactory(coach=carol)
    client.force_login(carol)
    client.post(reverse("accounts:invitation_cancel", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == "cancelled"


def test_another_coach_cannot_resend_or_cancel(client, carol, dave):
    invitation = InvitationFactory(coach=carol)
    client.force_login(dave)
    assert (
        client.post(reverse("accounts:invitation_resend", args=[invitation.pk])).status_code == 404
    )
    assert (
        client.post(reverse("accounts:invitation_cancel", args=[invitation.pk])).status_code == 404
    )
    invitation.refresh_from_db()
    assert invitation.state == "open" and invitation.sent_at is None


def test_a_client_cannot_manage_invitations(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    assert client.post(reverse("accounts:invitation_list"), {"email": ""}).status_code == 403
    assert not Invitation.objects.exists()


def test_an_anonymous_visitor_sees_what_the_invitation_is_and_is_asked_to_log_in(client):
    coach = CoachFactory(first_name="Carol", last_name="Whitfield")
    invitation = InvitationFactory(coach=coach)
    response = client.get(invitation_url(invitation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Carol Whitfield invites you" in html
    assert f"/accounts/login/?next={invitation_url(invitation)}" in html
    assert f"/accounts/signup/?next={invitation_url(invitation)}" in html


def test_an_anonymous_post_goes_to_login_and_changes_nothing(client):
    invitation = InvitationFactory()
    response = client.post(invitation_url(invitation))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_signing_up_from_an_invitation_comes_back_to_it(client):
    invitation = InvitationFactory()
    response = client.post(
        reverse("accounts:signup") + f"?next={invitation_url(invitation)}",
        {
            "first_name": "Sam",
            "email": "sam@example.com",
            "password1": "sturdy-horse-battery",
            "password2": "sturdy-horse-battery",
            "next": invitation_url(invitation),
        },
    )
    assert response.url == invitation_url(invitation)


def test_signup_ignores_a_next_that_leaves_the_site(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "sam@example.com",
            "password1": "sturdy-horse-battery",
            "password2": "sturdy-horse-battery",
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("home")


def test_a_client_accepts_and_becomes_the_coachs_client(client, charlie, dave):
    invitation = InvitationFactory(coach=dave, email=charlie.email)
    client.force_login(charlie)
    response = client.post(invitation_url(invitation), follow=True)
    charlie.refresh_from_db()
    invitation.refresh_from_db()
    assert charlie.coach == dave
    assert invitation.accepted_by == charlie and invitation.state == "accepted"
    assert "Dave" in response.content.decode()


def test_an_invitation_works_only_once(client, charlie, dave):
    invitation = InvitationFactory(coach=dave, accepted_at=timezone.now())
    client.force_login(charlie)
    response = client.post(invitation_url(invitation), follow=True)
    charlie.refresh_from_db()
    assert charlie.coach is None
    assert "already been used" in response.content.decode()


def test_an_expired_invitation_cannot_be_accepted(client, charlie, dave):
    invitation = InvitationFactory(
        coach=dave, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(charlie)
    html = client.get(invitation_url(invitation)).content.decode()
    assert "has expired" in html and "Accept" not in html
    client.post(invitation_url(invitation))
    charlie.refresh_from_db()
    assert charlie.coach is None


def test_a_client_with_a_coach_must_end_that_link_first(client, alice, carol, dave):
    invitation = InvitationFactory(coach=dave, email=alice.email)
    client.force_login(alice)
    response = client.post(invitation_url(invitation), follow=True)
    alice.refresh_from_db()
    assert alice.coach == carol
    assert "A client has one coach at a time" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_a_coach_cannot_accept_an_invitation(client, carol, dave):
    invitation = InvitationFactory(coach=dave)
    client.force_login(carol)
    client.post(invitation_url(invitation))
    invitation.refresh_from_db()
    assert invitation.state == "open"


def test_an_unknown_token_is_a_404(client):
    assert client.get("/accounts/invite/7b1c3f0e-1f1e-4a52-9a8e-2d5f7a0c9b11/").status_code == 404


def test_the_client_sees_their_coach_on_the_account_page(client, alice, carol):
    client.force_login(alice)
    html = client.get(reverse("accounts:account")).content.decode()
    assert "Your coach" in html and carol.display_name in html
    assert "End the link with" in html and "End the link now" in html


def test_ending_the_link_removes_the_coach_at_once(client, alice, carol):
    client.force_login(alice)
    response = client.post(reverse("accounts:end_coaching"), follow=True)
    alice.refresh_from_db()
    assert alice.coach is None
    assert "no longer your coach" in response.content.decode()
    client.force_login(carol)
    assert alice not in client.get(reverse("coach:home")).context["page"].object_list


def test_a_coach_cannot_end_a_clients_link(client, alice, carol):
    client.force_login(carol)
    assert client.post(reverse("accounts:end_coaching")).status_code == 403
    alice.refresh_from_db()
    assert alice.coach == carol


def test_a_client_without_a_coach_is_told_how_to_connect(client):
    loner = UserFactory()
    client.force_login(loner)
    assert "You have no coach linked" in client.get(reverse("accounts:account")).content.decode()
