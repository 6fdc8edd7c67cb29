"""Branded error pages (400, 403, 404, 429, 500, 503) and the 503 answered while the
database is unreachable (config/errors.py).

A database outage is simulated with `connection.execute_wrapper`: every query (or every
query past the session and the user) fails with the OperationalError a stopped PostgreSQL
gives, so the real middleware, views and handlers run.
"""

import logging
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.utils import OperationalError, ProgrammingError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from config.errors import server_error, service_unavailable

DOWN = 'connection to server on socket "/run/.s.PGSQL.5432" failed: No such file or directory'


@pytest.fixture(autouse=True)
def production_errors(settings):
    """Error pages as in production: no technical 404 or 500 pages."""
    settings.DEBUG = False


def database_down(execute, sql, params, many, context):
    raise OperationalError(DOWN)


def fail_after_user(execute, sql, params, many, context):
    """The session and the user load; the view's first query finds the database gone."""
    session_model = import_module(django_settings.SESSION_ENGINE).SessionStore.get_model_class()
    loads = [f'FROM "{model._meta.db_table}" WHERE' for model in (session_model, get_user_model())]
    if sql.startswith("SELECT") and any(load in sql for load in loads):
        return execute(sql, params, many, context)
    raise OperationalError(DOWN)


def error_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.django_db
def test_404_says_what_happened_and_leads_home(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'class="brand"' in html and "Debriefs" in html
    assert f'href="{reverse("home")}">Go to your home page' in html
    assert alice.display_name in html  # the normal layout, with the signed-in user's nav


@pytest.mark.django_db
def test_403_for_a_coach_who_writes_says_coaches_only_read(client, carol, caplog):
    client.force_login(carol)
    with caplog.at_level(logging.WARNING):
        response = client.post(reverse("contacts:create"), {"name": "Someone"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This isn’t open to your account" in html
    assert "Coaches can read their clients&#x27; data but not change it." in html
    assert "Nothing was changed." in html
    assert "Go to your home page" in html
    # One warning line, without the PermissionDenied traceback.
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_400_page_is_branded_and_says_what_to_do(client):
    response = client.get("/", headers={"host": "not-our-host.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We couldn’t read that request" in html
    assert "Go back, reload the page and try again." in html
    assert 'class="brand"' in html


def test_429_page_says_how_long_to_wait():
    html = render_to_string("429.html", {"retry_minutes": 15})
    assert "Too many attempts" in html
    assert "wait 15 minutes" in html
    assert 'class="brand"' in html


def test_429_page_without_a_wait_time_still_says_to_wait():
    assert "wait a few minutes" in render_to_string("429.html")


@pytest.mark.django_db
def test_500_page_renders_without_a_query(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Try again in a moment." in html
    assert 'class="brand"' in html


@pytest.mark.django_db
def test_an_unexpected_error_in_a_view_gives_the_500_page(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    def broken_query(execute, sql, params, many, context):
        if '"contacts_' in sql:  # the contacts or their counts
            raise ProgrammingError("column does not exist")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(broken_query):
        response = client.get(reverse("contacts:list"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_503_page_renders_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable()
    assert response.status_code == 503
    html = response.content.decode()
    assert "Debriefs will be back in a moment" in html
    assert "Try again in a moment." in html
    assert 'class="brand"' in html


@pytest.mark.django_db
def test_database_down_while_loading_the_session_gives_503(alice, caplog):
    client = Client()
    client.force_login(alice)
    with caplog.at_level(logging.WARNING), connection.execute_wrapper(database_down):
        response = client.get(reverse("contacts:list"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    html = response.content.decode()
    assert "Try again in a moment." in html
    assert alice.display_name not in html  # no nav, no user: nothing that needs the database
    assert "Content-Security-Policy" in response.headers
    assert error_records(caplog) == []
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert "database unreachable: /contacts/" in record.getMessage()
    assert record.exc_info is None


@pytest.mark.django_db
def test_database_down_in_the_view_gives_503(alice, caplog):
    client = Client()
    client.force_login(alice)
    with caplog.at_level(logging.WARNING), connection.execute_wrapper(fail_after_user):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "Debriefs will be back in a moment" in response.content.decode()
    assert error_records(caplog) == []


@pytest.mark.django_db
def test_database_down_during_an_htmx_post_gives_503(alice, caplog):
    client = Client()
    client.force_login(alice)
    with caplog.at_level(logging.WARNING), connection.execute_wrapper(fail_after_user):
        response = client.post(
            reverse("debriefs:debrief_suggestions", args=[1]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 503
    assert error_records(caplog) == []


@pytest.mark.django_db
def test_database_down_for_a_signed_out_visitor_gives_503(client, caplog):
    with caplog.at_level(logging.WARNING), connection.execute_wrapper(database_down):
        response = client.post(
            reverse("accounts:login"), {"username": "alice@example.com", "password": "x"}
        )
    assert response.status_code == 503
    assert error_records(caplog) == []


def test_handler500_shows_the_503_page_when_the_database_was_the_cause(rf):
    # The case no middleware can catch, e.g. a query in a middleware after the view.
    try:
        raise OperationalError(DOWN)
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert "Debriefs will be back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_pages_work_again_once_the_database_is_back(alice):
    client = Client()
    client.force_login(alice)
    with connection.execute_wrapper(database_down):
        assert client.get(reverse("contacts:list")).status_code == 503
    assert client.get(reverse("contacts:list")).status_code == 200
