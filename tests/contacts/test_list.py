"""The contacts list: search as you type, filters, sort, pages, and a fixed query count."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts import models
from contacts.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
URL = reverse("contacts:list")


@pytest.fixture
def network(alice):
    sarah = ContactFactory(owner=alice, name="Sarah Chen", organisation="Medwise",
                           role_title="Medical Director", tags=["health-tech"],
                           status=Contact.Status.MET)
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", organisation="CarePath Digital",
                           role_title="VP Product", referred_by=sarah, tags=["health-tech"],
                           status=Contact.Status.REACHED_OUT,
                           notes="Builds clinical algorithms for triage.")
    james = ContactFactory(owner=alice, name="James Patel", organisation="Halden Consulting",
                           role_title="Senior Consultant", tags=["consulting"])
    return {"sarah": sarah, "ethan": ethan, "james": james}


def names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_the_list_shows_the_owners_contacts_with_their_tier(client, alice, network):
    client.force_login(alice)
    response = client.get(URL)
    assert names(response) == ["Ethan Brooks", "James Patel", "Sarah Chen"]
    assert "Tier 2" in response.content.decode()


def test_the_list_never_shows_another_clients_contacts(client, alice, charlie, network):
    ContactFactory(owner=charlie, name="Charlie's Friend")
    client.force_login(alice)
    assert "Charlie's Friend" not in client.get(URL).content.decode()


def test_search_matches_part_of_a_word_while_typing(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "medw"})) == ["Sarah Chen"]


def test_search_looks_in_notes_and_tags(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "algorithms"})) == ["Ethan Brooks"]
    assert names(client.get(URL, {"q": "consulting"})) == ["James Patel"]


def test_search_needs_every_word(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "health carepath"})) == ["Ethan Brooks"]


def test_search_uses_full_text_stemming(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"q": "consultants"})) == ["James Patel"]


def test_search_ranks_names_starting_with_the_query_first(client, alice, network):
    ContactFactory(owner=alice, name="Aaron Webb", notes="Met him through Sarah")
    client.force_login(alice)
    assert names(client.get(URL, {"q": "sarah"})) == ["Sarah Chen", "Aaron Webb"]


def test_filters_by_tier_status_and_tag(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"tier": "2"})) == ["Ethan Brooks"]
    assert names(client.get(URL, {"status": "met"})) == ["Sarah Chen"]
    assert names(client.get(URL, {"tag": "health-tech"})) == ["Ethan Brooks", "Sarah Chen"]
    assert names(client.get(URL, {"tag": "health-tech", "tier": "1"})) == ["Sarah Chen"]


def test_invalid_filter_values_are_ignored_not_an_error(client, alice, network):
    client.force_login(alice)
    response = client.get(URL, {"tier": "banana", "status": "nope", "sort": "x", "page": "z"})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_sorting_by_waiting_longest_puts_the_oldest_status_change_first(client, alice, network):
    Contact.objects.filter(pk=network["james"].pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(alice)
    assert names(client.get(URL, {"sort": "waiting"}))[0] == "James Patel"


def test_sorting_by_tier(client, alice, network):
    client.force_login(alice)
    assert names(client.get(URL, {"sort": "tier"}))[-1] == "Ethan Brooks"


def test_the_list_is_paginated(client, alice):
    ContactFactory.create_batch(30, owner=alice)
    client.force_login(alice)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(names(first)) == 25 and len(names(second)) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_page_links_keep_the_filters(client, alice):
    ContactFactory.create_batch(30, owner=alice, tags=["pharma"])
    client.force_login(alice)
    html = client.get(URL, {"tag": "pharma"}).content.decode()
    assert "?tag=pharma&amp;page=2" in html


def test_htmx_search_returns_only_the_results_and_the_count(client, alice, network):
    client.force_login(alice)
    response = client.get(URL, {"q": "medw"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Sarah Chen" in html and "James Patel" not in html
    assert "<html" not in html and 'id="id_q"' not in html
    assert 'hx-swap-oob="true"' in html and "1 of 3 contacts match" in html.replace("\n", " ")


def test_htmx_results_push_a_clean_address_with_only_the_filters_in_use(client, alice, network):
    client.force_login(alice)
    response = client.get(URL, {"q": "medw", "tier": "", "status": "", "sort": ""},
                          HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/contacts/?q=medw"


def test_the_search_form_reflects_the_query_string(client, alice, network):
    client.force_login(alice)
    html = client.get(URL, {"q": "medw", "status": "met"}).content.decode()
    assert 'value="medw"' in html
    assert '<option value="met" selected>' in html
    assert 'hx-push-url="true"' in html


def test_an_empty_search_result_says_so(client, alice, network):
    client.force_login(alice)
    html = client.get(URL, {"q": "zzzz"}).content.decode()
    assert "Nobody matches" in html


def test_a_client_without_contacts_sees_how_to_start(client, alice):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Add your first contact" in html and "Import from LinkedIn" in html


def test_a_coach_cannot_open_the_contacts_list(client, carol):
    client.force_login(carol)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("size", [5, 60])
def test_the_list_uses_a_fixed_number_of_queries(client, alice, size,
                                                 django_assert_max_num_queries):
    referrer = ContactFactory(owner=alice)
    ContactFactory.create_batch(size, owner=alice, referred_by=referrer, tags=["a", "b"])
    client.force_login(alice)
    with django_assert_max_num_queries(7):
        client.get(URL, {"q": "a", "tag": "a"})
    with django_assert_max_num_queries(7):
        client.get(URL)


def test_the_sort_shows_name_by_default_and_best_match_while_searching(client, alice, network):
    client.force_login(alice)
    assert client.get(URL).context["form"]["sort"].value() is None
    assert '<option value="name">Name</option>' in client.get(URL).content.decode()
    searching = client.get(URL, {"q": "sarah"}).content.decode()
    assert '<option value="relevance" selected>Best match</option>' in searching


def test_an_htmx_search_also_updates_the_sort_it_switched_to(client, alice, network):
    client.force_login(alice)
    html = client.get(URL, {"q": "sarah", "sort": ""}, HTTP_HX_REQUEST="true").content.decode()
    select = re.search(r"<select[^>]*>", html).group(0)
    assert 'id="id_sort"' in select and 'hx-swap-oob="true"' in select
    assert '<option value="relevance" selected>' in html
    unchanged = client.get(URL, {"q": "sarah", "sort": "tier"}, HTTP_HX_REQUEST="true")
    assert 'id="id_sort"' not in unchanged.content.decode()


def test_import_and_export_sit_beside_add_a_contact_on_a_non_empty_list(client, alice,
                                                                        network):
    client.force_login(alice)
    html = client.get(URL).text
    header = html.split('class="page-header"')[1].split("</div>\n</div>")[0]
    assert "Add a contact" in header
    assert reverse("contacts:import") in header
    assert reverse("contacts:export_csv") in header and reverse("contacts:export_vcard") in header


def test_an_empty_list_offers_adding_and_importing_but_nothing_to_export(client, alice):
    client.force_login(alice)
    html = client.get(URL).text
    assert reverse("contacts:import") in html
    assert reverse("contacts:export_csv") not in html


def test_without_pg_trgm_search_still_finds_the_start_of_a_word(client, alice, network,
                                                               monkeypatch):
    """The embedded PostgreSQL has no pg_trgm: the stored full-text vector serves alone."""
    monkeypatch.setitem(models._trigram_index, connection.settings_dict["NAME"], False)
    client.force_login(alice)
    assert names(client.get(URL, {"q": "medw"})) == ["Sarah Chen"]
    assert names(client.get(URL, {"q": "consultants"})) == ["James Patel"]


def test_the_stored_search_columns_follow_an_edit(client, alice, network):
    Contact.objects.filter(name="James Patel").update(organisation="Brightwater")
    client.force_login(alice)
    assert names(client.get(URL, {"q": "brightw"})) == ["James Patel"]


def test_a_new_tag_appears_in_the_tag_filter_at_once(client, alice, network):
    client.force_login(alice)
    client.get(URL)  # caches the tag list
    ContactFactory(owner=alice, name="Nadia Karim", tags=["oncology"])
    assert '<option value="oncology">' in client.get(URL).content.decode()


def test_a_search_page_counts_its_matches_once(client, alice, network, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page is built, not served from the page cache
    client.force_login(alice)
    client.get(URL, {"q": "sarah"})
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"q": "sarah"})
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(*)" in q["sql"] and "contacts_contact" in q["sql"]]
    assert len(counts) == 1
