"""The tiers board's columns and tree rendered in Python (`contacts.templatetags.board`)
against the template loops they replaced (`former_tiers_board.html`, the partial as it was
written): byte for byte, the whole board and its `#tree` partial, for the client and the
coach's read-only view."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from contacts.models import Contact
from contacts.views import tiers_board_context
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

FORMER = (Path(__file__).parent / "former_tiers_board.html").read_text()
FORMER_TREE = FORMER.split("{% partialdef tree inline %}")[1].split("{% endpartialdef %}")[0]
TRICKY = "Dr <b>O'Neil</b> & \"Sam\""
BOARD = "contacts/partials/_tiers_board.html"


@pytest.fixture
def network(alice):
    """Four tiers, every status, a wide branch (more than the tree draws), people with
    no organisation, long names and HTML in names."""
    statuses = list(Contact.Status.values)
    root = ContactFactory(owner=alice, name=TRICKY, organisation="<Acme> & Co")
    for n in range(14):  # more than a column lists
        ContactFactory(owner=alice, name=f"Tier one {n}", status=statuses[n % len(statuses)],
                       organisation="" if n % 3 else "Org <i>n</i>",
                       role_title="Role & <title>")
    referred = [
        ContactFactory(owner=alice, name=f"Branch {n:02d} with a rather long name",
                       referred_by=root, status=statuses[n % len(statuses)],
                       organisation="" if n % 2 else f"Org {n}")
        for n in range(16)
    ]
    deep = ContactFactory(owner=alice, name="Deep <one>", referred_by=referred[3])
    ContactFactory(owner=alice, name="Deeper", referred_by=deep, organisation="")
    for n in range(3):
        ContactFactory(owner=alice, name=f"Twig {n}", referred_by=referred[14])
    other = ContactFactory(owner=alice, name="Other root")
    ContactFactory(owner=alice, name="Only child", referred_by=other)
    return {"open": referred[14].pk, "root": root.pk}


def _both(context: dict, name: str, former: str) -> tuple[str, str]:
    return render_to_string(name, context), Template(former).render(Context(context))


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("opened", [None, "open", "root"])
def test_the_board_matches_the_former_template(alice, network, read_only, opened):
    context = tiers_board_context(alice, open_pk=network.get(opened)) | {
        "read_only": read_only}
    assert context["columns"] and context["tree"].nodes
    new, old = _both(context, BOARD, FORMER)
    assert new == old
    assert TRICKY not in new and "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in new
    assert "more referred" in new and ">+1<" in new
    assert read_only or "Show the 1 person referred" in new and "more in tier 1" in new
    new, old = _both(context, f"{BOARD}#tree", FORMER_TREE)
    assert new == old


def test_the_coachs_view_matches_the_former_template(alice, network):
    context = tiers_board_context(alice, Contact.objects.for_user(alice),
                                  network["open"]) | {"read_only": True}
    new, old = _both(context, BOARD, FORMER)
    assert new == old and "href=" not in new


@pytest.mark.parametrize("read_only", [False, True])
def test_an_empty_column_and_an_empty_board_match_the_former_template(alice, charlie,
                                                                     read_only):
    ContactFactory(owner=alice, name="Alone", organisation="")
    context = tiers_board_context(alice) | {"read_only": read_only}
    context["columns"].append(context["columns"][0] | {
        "tier": 2, "tier_class": "tier-2", "count": 0, "statuses": [], "people": [],
        "more": 0})
    new, old = _both(context, BOARD, FORMER)
    assert new == old and "Nobody at this tier yet." in new
    new, old = _both(tiers_board_context(charlie) | {"read_only": read_only}, BOARD, FORMER)
    assert new == old and "No contacts yet." in new or "Add your first contact" in new
