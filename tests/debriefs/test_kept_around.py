"""What the suggestions read around a client's debrief is kept for the minute under the
owner's network version (debriefs/suggestions/loading.py `kept_around`, accounts
migration 0006): an autosave leaves it, any other change is read at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import DataVersion
from contacts.models import Contact
from debriefs.models import Debrief
from debriefs.suggestions import debrief_context
from tests.debriefs.test_debrief_form import HTMX, form_data
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory


def url(name, meeting):
    return reverse(f"debriefs:{name}", args=[meeting.pk])


def panel(client, meeting, **changes) -> tuple[str, int]:
    """The live panel for the form as given, and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url("debrief_suggestions", meeting), form_data(**changes),
                               **HTMX)
    assert response.status_code == 200
    return response.text, len(queries)


def network_version(user) -> int:
    return DataVersion.objects.get(user=user).network_version


def test_the_panel_opened_again_reads_only_the_session_and_the_meeting(client, alice, debrief):
    client.force_login(alice)
    _, first = panel(client, debrief.meeting)
    _, again = panel(client, debrief.meeting, notes="Typed on")
    assert first > 2
    assert again == 2


def test_an_autosave_leaves_what_the_panel_read(client, alice, debrief):
    client.force_login(alice)
    # The first save also marks Lena as met: a change to the network.
    client.post(url("debrief_autosave", debrief.meeting), form_data(notes="Saved"), **HTMX)
    panel(client, debrief.meeting, version=2)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=2, notes="More"),
                **HTMX)
    _, queries = panel(client, debrief.meeting, version=3, notes="More")
    assert queries == 2


def test_a_name_given_is_read_afresh(client, alice, debrief):
    client.force_login(alice)
    panel(client, debrief.meeting)
    ContactFactory(owner=alice, name="Tom Becker")
    text, _ = panel(client, debrief.meeting, referral_names="Tom Becker")
    assert "Add Tom Becker" not in text  # already a contact: nothing to add


def test_a_follow_up_added_elsewhere_shows_in_the_panel_at_once(client, alice, debrief):
    client.force_login(alice)
    panel(client, debrief.meeting)
    FollowUpFactory(owner=alice, meeting=debrief.meeting, contact=debrief.meeting.contact,
                    title="Send Lena the article")
    text, _ = panel(client, debrief.meeting)
    assert "Send Lena the article" in text


def test_a_suggestion_accepted_lists_its_follow_up_in_the_panel_it_answers(
    client, alice, debrief
):
    client.force_login(alice)
    panel(client, debrief.meeting)
    response = client.post(url("suggestion_accept", debrief.meeting), form_data(
        code="send-thank-you", contact=str(debrief.meeting.contact.pk)), **HTMX)
    assert "Follow-ups for this meeting" in response.text
    assert "thank-you note" in response.text.split("Follow-ups for this meeting")[1]


def test_a_coachs_context_is_read_every_time(carol, debrief):
    loaded = Debrief.objects.select_related("meeting__contact__referred_by",
                                            "meeting__owner").get(pk=debrief.pk)
    loaded.meeting.network_version = network_version(debrief.owner)
    debrief_context(loaded, for_coach=True)
    with CaptureQueriesContext(connection) as queries:
        debrief_context(loaded, for_coach=True)
    assert len(queries) > 1


def test_a_debrief_saved_leaves_the_network_version(alice, debrief):
    before = network_version(alice)
    Debrief.objects.filter(pk=debrief.pk).update(notes="Rewritten")
    debrief.competencies.create(name="Teaching")
    assert network_version(alice) == before


def test_a_contact_changed_moves_the_network_version_of_the_client_and_coach(
    alice, carol, lena
):
    before = network_version(alice), network_version(carol)
    Contact.objects.filter(pk=lena.pk).update(organisation="Halden Health")
    assert (network_version(alice), network_version(carol)) == (before[0] + 1, before[1] + 1)


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_writes_a_debrief_and_a_contact_moves_each_number_once():
    debrief = DebriefFactory()
    owner = debrief.owner
    before = DataVersion.objects.get(user=owner)
    with transaction.atomic():
        Debrief.objects.filter(pk=debrief.pk).update(notes="Rewritten")
        ContactFactory(owner=owner)
        Contact.objects.filter(owner=owner).update(organisation="Halden")
    after = DataVersion.objects.get(user=owner)
    assert (after.version, after.network_version) == (before.version + 1,
                                                      before.network_version + 1)


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_writes_a_debrief_alone_moves_the_data_version_only():
    debrief = DebriefFactory()
    before = DataVersion.objects.get(user=debrief.owner)
    Debrief.objects.filter(pk=debrief.pk).update(notes="Rewritten")
    after = DataVersion.objects.get(user=debrief.owner)
    assert (after.version, after.network_version) == (before.version + 1,
                                                      before.network_version)

