"""Sessions: kept in the database with their user, ended server-side on logout and on a
password change or reset, expired after a period without activity; signed-in pages are
never cached and carry every security header."""

import datetime
import logging

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Session
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" in browser.session
    return browser


def test_a_session_is_stored_with_its_user(alice):
    browser = signed_in(alice)
    assert Session.objects.get(session_key=browser.session.session_key).user == alice


def test_a_signed_in_request_reads_its_session_and_user_in_one_query(
    alice, django_assert_num_queries
):
    browser = signed_in(alice)
    with django_assert_num_queries(1):
        # Logging out wants a POST: a GET renders nothing but still reads who is signed in.
        response = browser.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert response.wsgi_request.user == alice


def test_a_session_signed_in_through_djangos_own_backend_stays_signed_in(alice):
    browser = signed_in(alice)
    session = browser.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = browser.get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    assert browser.session[BACKEND_SESSION_KEY] == "accounts.backends.SessionUserBackend"


def test_a_deactivated_user_is_signed_out_although_the_session_loaded_them(alice):
    browser = signed_in(alice)
    alice.is_active = False
    alice.save()
    assert browser.get(reverse("home")).status_code == 302


def test_logging_out_deletes_the_session_on_the_server(alice):
    browser = signed_in(alice)
    key = browser.session.session_key
    browser.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_changing_the_password_ends_every_other_session(alice):
    here, elsewhere = signed_in(alice), signed_in(alice)
    other_key = elsewhere.session.session_key
    response = here.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD,
        "new_password1": "a-brand-new-password-9",
        "new_password2": "a-brand-new-password-9",
    })
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=other_key).exists()
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302  # back to the login page


def test_resetting_the_password_ends_every_session(client, alice):
    elsewhere = signed_in(alice)
    alice.refresh_from_db()  # the token depends on the last login
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    confirm = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    client.post(confirm.url, {
        "new_password1": "a-brand-new-password-9", "new_password2": "a-brand-new-password-9",
    })
    assert not Session.objects.filter(user=alice).exists()
    assert elsewhere.get(reverse("home")).status_code == 302


def test_a_session_expires_after_eight_hours_without_activity(alice):
    browser = signed_in(alice)
    session = Session.objects.get(session_key=browser.session.session_key)
    expected = timezone.now() + datetime.timedelta(hours=8)
    assert abs(session.expire_date - expected) < datetime.timedelta(minutes=1)


def test_activity_moves_the_expiry_forward(alice):
    browser = signed_in(alice)
    browser.get(reverse("home"))
    key = browser.session.session_key
    # As if the last activity was an hour ago: the next request refreshes the expiry.
    store = browser.session
    store["active_at"] = store["active_at"] - 3600
    store.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(hours=7)
    )
    browser.get(reverse("home"))
    session = Session.objects.get(session_key=key)
    assert session.expire_date > timezone.now() + datetime.timedelta(hours=7, minutes=55)


def test_an_expired_session_is_signed_out(alice):
    browser = signed_in(alice)
    Session.objects.filter(user=alice).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert browser.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("url_name", ["home", "accounts:account", "contacts:list"])
def test_signed_in_pages_are_never_cached(client, alice, url_name):
    client.force_login(alice)
    response = client.get(reverse(url_name))
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_signed_in_partials_are_never_cached(client, alice):
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), headers={"HX-Request": "true"})
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("partial", [False, True], ids=["page", "htmx partial"])
def test_signed_in_responses_carry_every_security_header(client, alice, settings, partial):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.post(reverse("accounts:login"),
                           {"username": alice.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    headers = {"HX-Request": "true"} if partial else {}
    page = client.get(reverse("contacts:list"), headers=headers)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in page.headers["Cache-Control"]


def test_a_refused_write_is_in_the_security_log(client, alice, carol, caplog):
    client.force_login(carol)
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(reverse("contacts:create"), {"name": "Not allowed"})
    assert response.status_code == 403
    refused = [r for r in caplog.records if getattr(r, "event", "") == "access_refused"]
    assert refused and refused[0].path == reverse("contacts:create")


def test_coach_links_made_and_ended_are_in_the_security_log(client, alice, carol, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="security"):
        client.post(reverse("accounts:end_coaching"))
    events = [getattr(r, "event", "") for r in caplog.records]
    assert "coach_link_ended" in events
