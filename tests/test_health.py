import pytest
from django.db import connection


def test_the_health_check_reports_the_app_and_the_database_up_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"app": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_health_check_needs_a_single_query_and_no_session(
        client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_the_health_check_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
    assert response.status_code == 503
    assert response.json() == {"app": "ok", "database": "unreachable"}
