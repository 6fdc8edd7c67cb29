import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_a_client_and_logs_them_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "first_name": "Priya",
            "last_name": "Raman",
            "email": "Priya@Example.com",
            "password1": "sturdy-horse-battery",
            "password2": "sturdy-horse-battery",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="priya@example.com")
    assert user.role == User.Role.CLIENT
    assert client.get(reverse("home")).context["user"] == user


def test_signup_with_a_taken_email_says_so_next_to_the_field_and_keeps_the_input(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("accounts:signup"),
        {"first_name": "Sam", "email": "taken@example.com", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An account with this email already exists" in html
    assert 'value="Sam"' in html


def test_signup_with_mismatched_passwords_is_refused(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "new@example.com", "password1": "sturdy-horse-1", "password2": "sturdy-horse-2"},
    )
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_login_with_email_and_password_reaches_home(client):
    user = UserFactory(email="bob@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "bob@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_login_with_a_wrong_password_shows_a_clear_message(client):
    UserFactory(email="bob@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "bob@example.com", "password": "wrong"}
    )
    assert "do not match an account" in response.content.decode()


def test_logout_ends_the_session(client):
    client.force_login(UserFactory())
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_password_reset_sends_an_email_with_a_working_link(client):
    UserFactory(email="bob@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "bob@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert "Choose a new password" in response.content.decode()


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "new-sturdy-pw-9",
            "new_password2": "new-sturdy-pw-9",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_account_page_saves_the_profile(client):
    user = UserFactory(first_name="Old")
    client.force_login(user)
    client.post(reverse("accounts:account"), {"first_name": "New", "last_name": "Name"})
    user.refresh_from_db()
    assert user.first_name == "New"


def logs_in(client, email, password) -> bool:
    """Through the login page, as a person would (and as login throttling sees it)."""
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def test_createcoach_makes_a_coach_who_can_log_in(client):
    call_command("createcoach", "Coach@Example.org", password="sturdy-coach-pw")
    coach = User.objects.get(email="coach@example.org")
    assert coach.is_coach
    assert logs_in(client, "coach@example.org", "sturdy-coach-pw")


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo")
    emails = set(User.objects.values_list("email", "role", "coach__email"))
    call_command("seed_demo")
    assert set(User.objects.values_list("email", "role", "coach__email")) == emails
    assert ("client@example.com", "client", "coach@example.com") in emails
    assert ("other@example.com", "client", None) in emails


def test_demo_logins_work(client):
    call_command("seed_demo")
    for email in ["coach@example.com", "client@example.com", "other@example.com"]:
        assert logs_in(client, email, "debrief-demo")
        client.logout()
