"""Pickers (contacts/pickers.py): the contact and meeting fields of the contact, meeting and
follow-up forms. The page holds the current choice only; the search finds the rest, as you
type (htmx, `contacts:picker`) or with the Search button (a plain POST)."""

import re
import uuid

import pytest
from django.urls import reverse

from contacts.models import Contact
from contacts.pickers import PICKER_LIMIT
from debriefs.models import FollowUp, Meeting
from tests.factories import ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PICK = reverse("contacts:picker", args=["contacts"])
PICK_MEETINGS = reverse("contacts:picker", args=["meetings"])


def picker_options(html: str, name: str) -> list[tuple[str, str]]:
    """The (value, label) options of the picker `<select name=name>` in a page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no picker for {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def contact_form(**overrides) -> dict:
    data = {"name": "Grace Liu", "organisation": "", "role_title": "", "field": "",
            "email": "", "phone": "", "linkedin_url": "", "referred_by": "",
            "referred_in": "", "how_we_met": "", "status": "to_contact",
            "responsiveness": "unknown", "tags": "", "notes": "",
            "submission_token": str(uuid.uuid4())}
    return data | overrides


@pytest.fixture
def crowd(alice):
    """More of Alice's contacts than a picker shows at once."""
    return [ContactFactory(owner=alice, name=f"Person {n:02d}", organisation="Elsewhere")
            for n in range(PICKER_LIMIT + 5)]


@pytest.fixture
def sarah(alice):
    return ContactFactory(owner=alice, name="Sarah Chen", organisation="Medwise")


# The page: the current choice only, and an accessible combobox


def test_the_contact_form_lists_no_contact_until_asked(client, alice, crowd, sarah):
    client.force_login(alice)
    html = client.get(reverse("contacts:create")).text
    assert picker_options(html, "referred_by") == [
        ("", "Nobody: someone I already know (tier 1)")]
    assert picker_options(html, "referred_in") == [("", "Not at a logged meeting")]
    assert "Sarah Chen" not in html and "Person 00" not in html
    combobox = re.search(r'<input type="search" name="referred_by_search"[^>]*>', html,
                         re.S).group(0)
    for attribute in ('role="combobox"', 'aria-expanded="false"',
                      'aria-controls="id_referred_by_listbox"', 'aria-autocomplete="list"',
                      f'hx-get="{PICK}"', 'aria-describedby="id_referred_by_helptext"'):
        assert attribute in combobox
    assert '<ul role="listbox" id="id_referred_by_listbox"' in html
    assert 'name="_pick" value="referred_by"' in html  # the search without JavaScript


def test_the_create_form_starts_with_the_referrer_from_the_query(client, alice, crowd, sarah):
    client.force_login(alice)
    html = client.get(reverse("contacts:create"), {"referred_by": sarah.pk}).text
    assert picker_options(html, "referred_by") == [
        ("", "Nobody: someone I already know (tier 1)"),
        (str(sarah.pk), "Sarah Chen · Medwise (tier 1)"),
    ]
    assert f'<option value="{sarah.pk}" selected>' in html


def test_the_edit_form_shows_the_saved_referrer_and_leaves_the_contact_out(
        client, alice, sarah):
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=sarah)
    client.force_login(alice)
    html = client.get(reverse("contacts:edit", args=[grace.pk])).text
    assert (str(sarah.pk), "Sarah Chen · Medwise (tier 1)") in picker_options(html,
                                                                              "referred_by")
    assert f'hx-get="{PICK}?exclude={grace.pk}"' in html


def test_the_meeting_form_starts_with_the_contact_from_the_query(client, alice, crowd, lena):
    client.force_login(alice)
    html = client.get(reverse("debriefs:meeting_create"), {"contact": lena.pk}).text
    assert picker_options(html, "contact") == [
        ("", "Choose the person"), (str(lena.pk), "Lena Fischer · Halden (tier 1)")]


def test_the_follow_up_form_of_a_meeting_keeps_the_meeting(client, alice, meeting, crowd):
    client.force_login(alice)
    html = client.get(reverse("debriefs:follow_up_create"), {"meeting": meeting.pk}).text
    assert f'name="meeting" value="{meeting.pk}"' in html
    assert picker_options(html, "contact") == [("", "No contact")]


# Search as you type (htmx)


def test_the_search_finds_names_and_organisations_names_first(client, alice, crowd):
    medwise = ContactFactory(owner=alice, name="Ann Lee", organisation="Medwise")
    medina = ContactFactory(owner=alice, name="Medina Park")
    client.force_login(alice)
    html = client.get(PICK, {"referred_by_search": "med"}).text
    values = re.findall(r'data-value="(\d+)"', html)
    assert values == [str(medina.pk), str(medwise.pk)]


def test_the_search_shows_at_most_the_limit_and_says_there_are_more(client, alice, crowd):
    client.force_login(alice)
    html = client.get(PICK, {"contact_search": "person"}).text
    assert html.count('role="option" data-value=') == PICKER_LIMIT
    assert "More match: type more of the name" in html
    assert "Person 00" in html and f"Person {PICKER_LIMIT:02d}" not in html


def test_the_search_says_when_nothing_matches(client, alice, sarah):
    client.force_login(alice)
    html = client.get(PICK, {"referred_by_search": "zebra"}).text
    assert "data-value" not in html
    assert 'aria-disabled="true"' in html and "Nothing matches “zebra”" in html


def test_the_meeting_search_offers_the_owners_held_meetings_only(
        client, alice, charlie, meeting, sarah):
    MeetingFactory(owner=alice, contact=sarah, status=Meeting.Status.PLANNED)
    MeetingFactory(owner=charlie, contact=ContactFactory(owner=charlie, name="Lena Other"))
    client.force_login(alice)
    html = client.get(PICK_MEETINGS, {"referred_in_search": "lena"}).text
    assert re.findall(r'data-value="(\d+)"', html) == [str(meeting.pk)]
    assert "Lena Fischer, " in html and "Lena Other" not in html
    assert "data-value" not in client.get(PICK_MEETINGS, {"referred_in_search": "sarah"}).text


def test_an_unknown_kind_of_picker_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get(reverse("contacts:picker", args=["users"])).status_code == 404


def test_a_coach_cannot_search_a_clients_contacts(client, carol, sarah):
    client.force_login(carol)
    response = client.get(PICK, {"referred_by_search": "sarah"})
    assert response.status_code == 403 and "Sarah Chen" not in response.text


# Search without JavaScript: the Search button posts the form, which comes back unsaved


def test_the_search_button_brings_the_form_back_with_the_matches(client, alice, crowd, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), contact_form(
        name="", notes="Met at the AMA day", _pick="referred_by", referred_by_search="medw"))
    html = response.text
    assert response.status_code == 200
    assert not Contact.objects.filter(owner=alice, notes="Met at the AMA day").exists()
    assert picker_options(html, "referred_by") == [
        ("", "Nobody: someone I already know (tier 1)"),
        (str(sarah.pk), "Sarah Chen · Medwise (tier 1)"),
    ]
    assert "1 match for “medw”: choose in the list above." in html
    assert "Met at the AMA day" in html  # what was typed stays
    assert "errorlist" not in html and 'aria-invalid' not in html  # no errors yet


def test_the_search_button_shows_at_most_the_limit(client, alice, crowd):
    client.force_login(alice)
    html = client.post(reverse("contacts:create"), contact_form(
        _pick="referred_by", referred_by_search="person")).text
    assert len(picker_options(html, "referred_by")) == 1 + PICKER_LIMIT
    assert f"{PICKER_LIMIT}+ matches for “person”" in html


def test_choosing_a_match_after_a_search_saves_it(client, alice, crowd, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), contact_form(referred_by=sarah.pk))
    grace = Contact.objects.get(owner=alice, name="Grace Liu")
    assert response.status_code == 302 and grace.referred_by == sarah and grace.tier == 2


def test_enter_in_another_field_with_the_search_boxes_empty_saves(client, alice, sarah):
    # Enter in a text box sends the form's first button: the picker's Search.
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), contact_form(
        referred_by=sarah.pk, _pick="referred_by", referred_by_search="",
        referred_in_search=""))
    assert response.status_code == 302
    assert Contact.objects.get(owner=alice, name="Grace Liu").referred_by == sarah


def test_the_search_button_on_the_meeting_form(client, alice, lena, crowd):
    client.force_login(alice)
    response = client.post(reverse("debriefs:meeting_create"), {
        "contact": "", "contact_search": "halden", "_pick": "contact", "starts_at": "",
        "status": "planned"})
    assert response.status_code == 200 and Meeting.objects.count() == 0
    assert (str(lena.pk), "Lena Fischer · Halden (tier 1)") in picker_options(response.text,
                                                                              "contact")


def test_the_search_button_on_the_follow_up_form(client, alice, lena):
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_create"), {
        "title": "Send the article", "due_on": "", "contact": "", "contact_search": "lena",
        "_pick": "contact"})
    assert response.status_code == 200 and not FollowUp.objects.exists()
    assert (str(lena.pk), "Lena Fischer · Halden (tier 1)") in picker_options(response.text,
                                                                              "contact")
    assert 'value="Send the article"' in response.text


def test_a_search_never_shows_another_users_contact(client, alice, charlie, sarah):
    ingrid = ContactFactory(owner=charlie, name="Ingrid Voss")
    client.force_login(alice)
    html = client.post(reverse("contacts:create"), contact_form(
        referred_by=ingrid.pk, _pick="referred_by", referred_by_search="voss")).text
    assert "Ingrid Voss" not in html and f'value="{ingrid.pk}"' not in html
    html = client.post(reverse("contacts:create"), contact_form(referred_by=ingrid.pk)).text
    assert "Select a valid choice" in html and "Ingrid Voss" not in html
    assert not Contact.objects.filter(owner=alice, name="Grace Liu").exists()
