"""The page cache (config/page_cache.py): a page opened again is served as it was kept,
until the user's data or the minute changes, and never to anyone else."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import DataVersion
from config import page_cache
from contacts.models import Contact
from tests.contacts.test_views import form_data
from tests.factories import CommentFactory, ContactFactory, DebriefFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACTS = reverse("contacts:list")


def version_of(user) -> int:
    return DataVersion.objects.get(user=user).version


def queries_to_open(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_page_opened_again_is_served_without_being_built(client, alice):
    ContactFactory(owner=alice, name="Sarah Chen")
    client.force_login(alice)
    first = client.get(CONTACTS).content.decode()
    # The session with its user, and the data version: nothing of the page itself.
    assert queries_to_open(client, CONTACTS) == 2
    again = client.get(CONTACTS).content.decode()
    assert "Sarah Chen" in again
    assert len(again) == len(first)


def test_a_new_contact_shows_on_the_next_visit(client, alice):
    client.force_login(alice)
    client.get(CONTACTS)
    ContactFactory(owner=alice, name="Sarah Chen")
    assert "Sarah Chen" in client.get(CONTACTS).content.decode()


def test_a_bulk_update_shows_on_the_next_visit(client, alice):
    ContactFactory(owner=alice, name="Sarah Chen")
    client.force_login(alice)
    client.get(CONTACTS)
    Contact.objects.filter(owner=alice).update(name="Sarah Okafor")
    assert "Sarah Okafor" in client.get(CONTACTS).content.decode()


def test_a_clients_change_moves_their_coachs_version(alice, carol):
    before = version_of(carol)
    DebriefFactory(meeting__owner=alice)
    assert version_of(carol) > before


def test_a_coachs_comment_moves_the_clients_version(alice, carol):
    debrief = DebriefFactory(meeting__owner=alice)
    before = version_of(alice)
    CommentFactory(debrief=debrief, author=carol)
    assert version_of(alice) > before


def test_another_clients_change_leaves_a_version_alone(alice, charlie):
    before = version_of(alice)
    ContactFactory(owner=charlie)
    assert version_of(alice) == before


def test_a_login_alone_leaves_the_version_alone(client, alice):
    before = version_of(alice)
    client.force_login(alice)
    assert version_of(alice) == before


def test_a_kept_page_is_never_served_to_another_user(client, alice, charlie):
    ContactFactory(owner=alice, name="Sarah Chen")
    ContactFactory(owner=charlie, name="Chidi Obi")
    client.force_login(alice)
    client.get(CONTACTS)
    client.force_login(charlie)
    html = client.get(CONTACTS).content.decode()
    assert "Chidi Obi" in html
    assert "Sarah Chen" not in html


def test_a_kept_page_is_built_afresh_in_the_next_minute(client, alice, monkeypatch):
    client.force_login(alice)
    monkeypatch.setattr(page_cache, "current_period", lambda: 1000)
    client.get(CONTACTS)
    monkeypatch.setattr(page_cache, "current_period", lambda: 1001)
    assert queries_to_open(client, CONTACTS) > 2


def test_each_answer_gets_its_own_nonce_matching_its_header(client, alice):
    client.force_login(alice)
    first, again = client.get(CONTACTS), client.get(CONTACTS)
    assert nonce_of(first) != nonce_of(again)
    assert f'nonce="{nonce_of(again)}"' in again.content.decode()
    assert f'nonce="{nonce_of(first)}"' not in again.content.decode()


def test_a_kept_page_carries_a_csrf_token_that_posts(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(reverse("contacts:create"))
    kept = client.get(reverse("contacts:create")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)
    response = client.post(reverse("contacts:create"),
                           form_data(name="Sarah Chen", csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert Contact.objects.filter(owner=alice, name="Sarah Chen").exists()


def test_each_answer_gets_new_submission_tokens(client, alice):
    client.force_login(alice)
    pattern = r'name="submission_token" value="([0-9a-f-]{36})"'
    first = re.search(pattern, client.get(reverse("contacts:create")).content.decode())
    again = re.search(pattern, client.get(reverse("contacts:create")).content.decode())
    assert first.group(1) != again.group(1)


def test_a_page_showing_a_message_is_not_kept(client, alice):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), form_data(name="Sarah Chen"),
                           follow=True)
    assert "Sarah Chen" in response.content.decode()
    shown = [str(message) for message in response.context["messages"]]
    assert shown
    url = response.redirect_chain[-1][0]
    assert shown[0] not in client.get(url).content.decode()


def test_an_htmx_request_is_built_every_time(client, alice):
    client.force_login(alice)
    client.get(CONTACTS, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as queries:
        client.get(CONTACTS, headers={"HX-Request": "true"})
    assert len(queries) > 2


def test_a_signed_out_visitor_is_sent_to_the_login_page(client, alice):
    client.force_login(alice)
    client.get(CONTACTS)
    client.logout()
    response = client.get(CONTACTS)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_a_user_added_later_has_a_version(db):
    assert DataVersion.objects.filter(user=UserFactory()).exists()


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_writes_twice_moves_the_version_once():
    from django.db import transaction

    owner = UserFactory()
    before = version_of(owner)
    with transaction.atomic():
        contact = ContactFactory(owner=owner)
        Contact.objects.filter(pk=contact.pk).update(name="Sarah Okafor")
    assert version_of(owner) == before + 1


@pytest.mark.django_db(transaction=True)
def test_each_commit_moves_the_version():
    owner = UserFactory()
    before = version_of(owner)
    ContactFactory(owner=owner)
    ContactFactory(owner=owner)
    assert version_of(owner) == before + 2
