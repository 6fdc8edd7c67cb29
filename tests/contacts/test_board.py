"""The tiers board: columns, headline figures, the referral tree, fixed query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.tree import layout_referral_tree
from contacts.views import tiers_board_context
from debriefs.models import Meeting
from tests.factories import ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db
URL = reverse("contacts:tiers")


@pytest.fixture
def network(alice):
    sarah = ContactFactory(owner=alice, name="Sarah Chen", status="met")
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah, status="met")
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan,
                           status="reached_out",
                           status_changed_at=timezone.now() - datetime.timedelta(days=10))
    james = ContactFactory(owner=alice, name="James Patel")
    return {"sarah": sarah, "ethan": ethan, "grace": grace, "james": james}


def test_the_board_has_one_column_per_tier_with_counts(alice, network):
    context = tiers_board_context(alice)
    assert [(c["tier"], c["count"]) for c in context["columns"]] == [(1, 2), (2, 1), (3, 1)]
    assert [p["name"] for p in context["columns"][0]["people"]] == ["James Patel", "Sarah Chen"]


def test_the_headline_figures(alice, network):
    held = MeetingFactory(owner=alice, contact=network["sarah"])
    MeetingFactory(owner=alice, contact=network["ethan"])
    MeetingFactory(owner=alice, contact=network["james"], status=Meeting.Status.PLANNED)
    Contact.objects.filter(pk=network["ethan"].pk).update(referred_in=held)
    figures = tiers_board_context(alice)["figures"]
    assert figures["highest_tier"] == 3
    assert figures["held"] == 2 and figures["referrals_at_meetings"] == 1
    assert figures["referrals_per_meeting"] == 0.5
    assert figures["to_contact"] == 1  # James
    assert figures["waiting_reply"] == 1  # Grace, 10 days without a reply


def test_the_board_page_shows_figures_columns_and_tree(client, alice, network):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Deepest tier in the network" in html and "Tier 3" in html
    assert 'class="referral-tree"' in html
    assert f'href="/contacts/{network["grace"].pk}/"' in html
    assert "your longest chain, from Sarah Chen to Grace Liu" in html
    assert "1 tier-1 contact has not referred anyone yet" in html


def test_the_read_only_board_has_no_links_or_forms(alice, network):
    from django.template.loader import render_to_string

    html = render_to_string("contacts/partials/_tiers_board.html",
                            tiers_board_context(alice) | {"read_only": True})
    assert "Grace Liu" in html
    assert "href=" not in html and "<form" not in html


def test_the_board_only_counts_the_owners_contacts(alice, charlie, network):
    ContactFactory(owner=charlie)
    assert tiers_board_context(alice)["figures"]["contacts"] == 4
    assert tiers_board_context(charlie)["figures"]["contacts"] == 1


def test_an_empty_board_says_how_to_start(client, alice):
    client.force_login(alice)
    assert "Add your first contact" in client.get(URL).content.decode()


def test_a_long_column_links_to_the_rest_in_the_list(client, alice):
    ContactFactory.create_batch(15, owner=alice)
    client.force_login(alice)
    assert "and 3 more in tier 1" in client.get(URL).content.decode()


@pytest.mark.parametrize("size", [10, 120])
def test_the_board_uses_a_fixed_number_of_queries(client, alice, size,
                                                  django_assert_max_num_queries):
    roots = ContactFactory.create_batch(size // 10, owner=alice)
    for root in roots:
        middle = ContactFactory(owner=alice, referred_by=root)
        ContactFactory.create_batch(8, owner=alice, referred_by=middle)
    MeetingFactory.create_batch(3, owner=alice, contact=roots[0])
    with django_assert_max_num_queries(3):
        tiers_board_context(alice)
    client.force_login(alice)
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200


def test_the_board_stays_usable_at_two_thousand_contacts(client, alice,
                                                        django_assert_max_num_queries):
    """Content and queries at scale; the speed goal is `make bench`'s (config/bench.py)."""
    sizes = [300, 500, 500, 400, 200, 100]
    previous = []
    for tier, size in enumerate(sizes, start=1):
        # bulk_create skips set_referrer, so the tier is written here to match the chain.
        previous = Contact.objects.bulk_create(
            Contact(owner=alice, name=f"Person {tier}-{i}", tier=tier,
                    referred_by=previous[i % len(previous)] if previous else None)
            for i in range(size)
        )
    with django_assert_max_num_queries(3):
        board = tiers_board_context(alice)
    assert [column["count"] for column in board["columns"]] == sizes
    assert board["figures"]["contacts"] == 2000
    client.force_login(alice)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tier 6" in html and "and 88 more in tier 6" in html
    drawn = html.count('class="node ')
    assert drawn <= 20 + 6 + 6 * 12  # tier-1 referrers, the longest chain, its branches
    # All 300 tier-1 people referred someone: 1,700 referred people and 300 referrers.
    assert f"the tree shows {drawn} of the 2000 people in referral chains" in html


# The tree layout (a pure function)


def person(pk, name, referred_by=None, tier=1):
    return {"id": pk, "name": name, "tier": tier, "referred_by_id": referred_by}


def test_an_unbranched_chain_is_drawn_on_one_row():
    tree = layout_referral_tree([person(1, "A"), person(2, "B", 1, 2), person(3, "C", 2, 3)])
    assert {n.y for n in tree.nodes} == {tree.nodes[0].y}
    assert [n.x for n in tree.nodes] == sorted(n.x for n in tree.nodes)


def test_each_further_referral_starts_a_new_row_and_the_deepest_chain_comes_first():
    tree = layout_referral_tree([
        person(1, "A"), person(2, "Short", 1, 2), person(3, "Long", 1, 2),
        person(4, "Deeper", 3, 3),
    ])
    by_name = {n.name: n for n in tree.nodes}
    assert by_name["A"].y == by_name["Long"].y == by_name["Deeper"].y
    assert by_name["Short"].y > by_name["A"].y
    assert [n.name for n in tree.key_path] == ["A", "Long", "Deeper"]
    assert by_name["Short"].on_key_path is False


def test_people_who_are_not_part_of_any_referral_are_counted_not_drawn():
    tree = layout_referral_tree([person(1, "Alone"), person(2, "A"), person(3, "B", 2, 2)])
    assert [n.name for n in tree.nodes] == ["A", "B"] and tree.unconnected == 1


def test_groups_are_closed_so_each_person_nests_inside_their_referrer():
    tree = layout_referral_tree([
        person(1, "A"), person(2, "B", 1, 2), person(3, "C", 1, 2), person(4, "D"),
        person(5, "E", 4, 2),
    ])
    opened = len(tree.nodes)
    closed = sum(len(n.closes) for n in tree.nodes)
    assert opened == closed
    depth = 0
    for node in tree.nodes:
        depth += 1
        assert depth == node.depth + 1
        depth -= len(node.closes)


def test_a_large_tree_keeps_whole_chains_within_the_budget():
    people = [person(i, f"R{i}") for i in range(50)]
    people += [person(100 + i, f"C{i}", i % 50, 2) for i in range(200)]
    people += [person(1000 + i, f"D{i}", 100 + i, 3) for i in range(100)]
    tree = layout_referral_tree(people, max_nodes=120)
    drawn = {n.id for n in tree.nodes}
    assert len(drawn) <= 120 and tree.hidden == 350 - len(drawn)
    for node in tree.nodes:
        assert node.parent is None or node.parent.id in drawn
    assert max(n.depth for n in tree.nodes) == 2


def test_long_names_are_shortened_in_the_label():
    tree = layout_referral_tree([person(1, "A" * 40), person(2, "B", 1, 2)])
    assert len(tree.nodes[0].label) == 24 and tree.nodes[0].label.endswith("…")


@pytest.fixture
def wide_branch(alice):
    """A tier-1 person who referred 30 people; two of them referred more."""
    root = ContactFactory(owner=alice, name="Rosa Root")
    referred = [ContactFactory(owner=alice, name=f"Branch {n:02d}", referred_by=root)
                for n in range(30)]
    for n in range(3):  # on the longest chain, which ends at Leaf 0
        ContactFactory(owner=alice, name=f"Leaf {n}", referred_by=referred[5])
    for n in range(2):
        ContactFactory(owner=alice, name=f"Twig {n}", referred_by=referred[7])
    return root, referred


def test_the_tree_draws_only_the_first_people_of_a_branch_and_counts_the_rest(
        client, alice, wide_branch):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Branch 11" in html and "Branch 12" not in html.replace("Branch 05", "")
    assert "and 18 more referred" in html


def test_opening_a_branch_draws_the_people_that_person_referred(client, alice, wide_branch):
    root, referred = wide_branch
    client.force_login(alice)
    tree = client.get(URL).content.decode().split('id="referral-tree"')[1]
    assert f'href="?open={referred[7].pk}#referral-tree"' in tree and "Twig 1" not in tree
    opened = client.get(URL, {"open": referred[7].pk}).content.decode()
    assert "Twig 1" in opened.split('id="referral-tree"')[1]


def test_an_htmx_request_to_open_a_branch_gets_only_the_tree(client, alice, wide_branch):
    root, referred = wide_branch
    client.force_login(alice)
    response = client.get(URL, {"open": referred[7].pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card referral-tree-card"')
    assert "Twig 0" in html and "Tier columns" not in html


def test_another_clients_contact_cannot_be_opened(client, alice, charlie, wide_branch):
    outsider = ContactFactory(owner=charlie, name="Charlie's Contact")
    ContactFactory(owner=charlie, name="Charlie's Referral", referred_by=outsider)
    client.force_login(alice)
    html = client.get(URL, {"open": outsider.pk}).content.decode()
    assert "Charlie" not in html and "Rosa Root" in html
