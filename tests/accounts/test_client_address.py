"""Behind a load balancer, sign-in throttling by address counts each visitor's address,
not the balancer's."""

from django.test import RequestFactory

from accounts.throttling import client_ip
from tests.factories import PASSWORD


def request_from(remote_addr: str, forwarded_for: str = ""):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_reached_directly_the_address_is_the_connections_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_balancer_the_address_is_the_one_it_appended(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", "203.0.113.7")) == "203.0.113.7"


def test_a_forged_header_entry_cannot_choose_the_address(settings):
    settings.TRUSTED_PROXIES = 1
    # The visitor sent "X-Forwarded-For: 192.0.2.99"; the balancer appended the real one.
    assert client_ip(request_from("10.0.0.2", "192.0.2.99, 203.0.113.7")) == "203.0.113.7"


def test_without_the_header_behind_a_balancer_the_connection_address_is_used(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


def test_failed_sign_ins_behind_the_balancer_lock_one_address_not_everyone(
        client, settings, alice):
    settings.TRUSTED_PROXIES = 1
    for guess in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"guess{guess}@example.com",
                                         "password": "wrong"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    guesser = client.post("/accounts/login/", {"username": "alice@example.com",
                                               "password": "wrong"},
                          REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert guesser.status_code == 429

    alice_signs_in = client.post("/accounts/login/", {"username": "alice@example.com",
                                                      "password": PASSWORD},
                                 REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert alice_signs_in.status_code == 302
