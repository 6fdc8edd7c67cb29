"""Sign-in and password-reset throttling, counted in the database (shared by every worker
and app server), and the security log of what happened."""

import logging

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from accounts.models import ThrottledAttempt
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def attempt(client, email, password="wrong-password", address="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password},
                       REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_with_a_429(client, settings):
    alice = UserFactory(email="alice@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, alice.email).status_code == 200
    locked = attempt(client, alice.email)
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()


def test_the_right_password_is_refused_while_the_account_is_locked(client, settings):
    alice = UserFactory(email="alice@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, alice.email)
    response = attempt(client, alice.email, PASSWORD, address="10.0.0.99")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_count_per_account_whatever_the_case_of_the_email(client, settings):
    alice = UserFactory(email="alice@example.com")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "ALICE@example.com" if n % 2 else alice.email, address=f"10.0.1.{n}")
    assert attempt(client, alice.email, PASSWORD, address="10.0.2.1").status_code == 429


def test_failures_count_per_address_across_accounts(client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"someone{n}@example.com", address="10.9.9.9")
    bob = UserFactory(email="bob@example.com")
    assert attempt(client, bob.email, PASSWORD, address="10.9.9.9").status_code == 429
    assert attempt(client, bob.email, PASSWORD, address="10.9.9.10").status_code == 302


def test_a_successful_login_clears_the_earlier_failures(client, settings):
    alice = UserFactory(email="alice@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, alice.email)
    assert attempt(client, alice.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, alice.email).status_code == 200


def reset(client, email, address="10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email},
                       REMOTE_ADDR=address)


def test_password_reset_requests_are_throttled_per_email(client):
    UserFactory(email="alice@example.com")
    statuses = [reset(client, "alice@example.com", f"10.0.3.{n}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_throttled_per_address(client):
    statuses = [reset(client, f"nobody{n}@example.com", "10.0.4.1").status_code
                for n in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_a_throttled_reset_says_to_wait_without_saying_whether_the_account_exists(client):
    for _ in range(4):
        response = reset(client, "nobody@example.com")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many password-reset requests" in html
    assert "no account" not in html.lower()


def test_the_security_log_records_failures_and_the_lockout_without_the_password(
    client, settings, caplog
):
    alice = UserFactory(email="alice@example.com")
    with caplog.at_level(logging.INFO, logger="security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, alice.email, password="my-secret-guess")
    events = [record.event for record in caplog.records if record.name == "security"]
    assert events.count("login_failed") == settings.AXES_FAILURE_LIMIT
    assert "lockout" in events
    assert "my-secret-guess" not in caplog.text
    assert "email=alice@example.com" in caplog.text


def test_deleting_an_account_removes_the_sign_in_records_that_name_its_email(client, settings):
    alice = UserFactory(email="alice@example.com")
    attempt(client, alice.email)
    reset(client, alice.email)
    assert AccessAttempt.objects.filter(username=alice.email).exists()
    client.force_login(alice)
    client.post(reverse("debriefs:account_delete"), {"password": PASSWORD})
    assert not AccessAttempt.objects.filter(username=alice.email).exists()
    assert not ThrottledAttempt.objects.filter(key=alice.email).exists()
