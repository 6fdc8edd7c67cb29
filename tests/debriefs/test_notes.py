"""Drafting the note a next step asks for: the wording (debriefs/notes.py), the draft
pages from a suggestion and from a follow-up, and "I sent it"."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Debrief, FollowUp
from debriefs.notes import (
    CHECK_IN,
    NOTE_CODES,
    SECOND_PERSON,
    WRITERS,
    NoteFacts,
    draft_note,
    first_sentence,
)
from tests.factories import ContactFactory, FollowUpFactory, PackageFactory

HTMX = {"HTTP_HX_REQUEST": "true"}

FULL = dict(
    recipient="Omar Haddad", email="omar@medwise.example", person_met="Omar Haddad",
    referrer="Lena Fischer", referral="Rosa Delgado", organisation="Medwise",
    learnt="Clinical product roles value safety work. Also, hiring is slow.",
    what_i_want_to_do="I want to move into clinical product work: tools clinicians trust.",
    how_you_can_help_me="Your view of the field, and one or two people I should meet.",
    sender="Alice Martin",
)


# ---------------------------------------------------------------------------------------
# The wording


def test_every_note_code_is_a_suggestion_code_with_a_writer():
    from debriefs.suggestions import CODES

    assert NOTE_CODES.issubset(CODES)
    assert set(WRITERS) == NOTE_CODES


# code, variant, who the note greets, what it must say
NAMES_AND_FACTS = [
    ("send-thank-you", "", "Dear Omar,",
     ["Thank you for taking the time", "Clinical product roles value safety work.",
      "I want to move into clinical product work."]),
    ("ask-for-referral", "", "Dear Omar,",
     ["anyone else you think I should talk to", "May I mention your name"]),
    ("contact-referral", "", "Dear Omar,",
     ["Lena Fischer suggested I get in touch with you at Medwise.",
      "What would help me most: Your view of the field", "20 minutes"]),
    ("contact-referral", CHECK_IN, "Dear Omar,",
     ["offering to introduce me to Rosa Delgado", "happy to write myself"]),
    ("thank-referrer", "", "Dear Omar,",
     ["putting me in touch with Omar Haddad", "Clinical product roles value safety work."]),
    ("follow-up-no-reply", "", "Dear Omar,",
     ["at Lena Fischer's suggestion", "no need to reply"]),
    ("follow-up-no-reply", SECOND_PERSON, "Hello,", ["the work at Medwise"]),
    ("keep-in-touch", "", "Dear Omar,",
     ["kept your advice in mind: Clinical product roles value safety work."]),
]


@pytest.mark.parametrize(("code", "variant", "greeting", "says"), NAMES_AND_FACTS,
                         ids=[f"{c}{'-' + v if v else ''}" for c, v, _, _ in NAMES_AND_FACTS])
def test_each_draft_names_the_right_people_and_facts(code, variant, greeting, says):
    facts = FULL | {"recipient": "" if variant == SECOND_PERSON else "Omar Haddad"}
    note = draft_note(NoteFacts(code=code, variant=variant, **facts))
    assert note.body.startswith(greeting + "\n\n")
    for text in says:
        assert text in note.body
    assert note.body.endswith("Best wishes,\nAlice Martin")
    # Short: four to eight lines of text between the greeting and the signature.
    lines = [line for line in note.body.splitlines() if line.strip()]
    assert 4 <= len(lines) <= 8
    assert "CV" not in note.body


@pytest.mark.parametrize(("code", "variant"), [(c, v) for c, v, _, _ in NAMES_AND_FACTS])
def test_a_draft_from_no_facts_has_no_empty_placeholder(code, variant):
    note = draft_note(NoteFacts(code=code, variant=variant))
    text = note.subject + "\n" + note.body
    for hole in ("None", "{", "}", "  ", " .", ": .", "::", "()", " ,"):
        assert hole not in text, f"{code} {variant!r} has {hole!r}: {text}"
    assert note.body.startswith("Hello,\n\n")
    assert note.body.endswith("Best wishes,")
    assert note.subject.strip()
    assert len([line for line in note.body.splitlines() if line.strip()]) >= 3


def test_the_referral_note_names_the_referrer_in_the_subject():
    note = draft_note(NoteFacts(code="contact-referral", **FULL))
    assert note.subject == "Lena Fischer suggested I contact you"
    assert note.to == "omar@medwise.example"


def test_a_title_before_the_name_is_kept_with_the_surname():
    note = draft_note(NoteFacts(code="send-thank-you", recipient="Dr Omar Haddad"))
    assert note.body.startswith("Dear Dr Haddad,")


def test_the_mail_link_carries_address_subject_and_body():
    note = draft_note(NoteFacts(code="send-thank-you", **FULL))
    link = urlsplit(note.mailto)
    assert (link.scheme, link.path) == ("mailto", "omar@medwise.example")
    query = parse_qs(link.query)
    assert query["subject"] == [note.subject]
    assert query["body"] == [note.body]
    assert "+" not in link.query  # spaces are %20 in a mailto: link


@pytest.mark.parametrize(("text", "sentence"), [
    ("", ""),
    ("\n  \n", ""),
    ("- Hiring is slow\nsecond line", "Hiring is slow."),
    ("I want to move into product: tools clinicians trust.", "I want to move into product."),
    ("Is it growing? Yes.", "Is it growing?"),
    ("word " * 80, ("word " * 80)[:200].rsplit(" ", 1)[0] + "…"),
])
def test_only_the_first_sentence_of_the_clients_text_is_quoted(text, sentence):
    assert first_sentence(text) == sentence


# ---------------------------------------------------------------------------------------
# The draft page from a suggestion on a meeting


def note_url(meeting, code, **query):
    url = reverse("debriefs:meeting_note", args=[meeting.pk, code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def package(alice):
    return PackageFactory(owner=alice)


def test_the_thank_you_draft_is_built_from_the_debrief_and_the_package(
    client, alice, lena, debrief, package
):
    Debrief.objects.filter(pk=debrief.pk).update(learnt="Halden hires clinicians for advice.")
    Contact.objects.filter(pk=lena.pk).update(email="lena@halden.example")
    client.force_login(alice)
    response = client.get(note_url(debrief.meeting, "send-thank-you", contact=lena.pk))
    page = response.text
    assert response.status_code == 200
    assert "Dear Lena," in page
    assert "Halden hires clinicians for advice." in page
    assert "I want to work on clinical product in a digital health company." in page
    assert 'value="lena@halden.example"' in page
    assert "mailto:lena@halden.example?subject=Thank%20you" in page
    assert "I sent it" in page and "<textarea" in page


def test_the_meeting_page_offers_to_draft_the_thank_you(client, alice, lena, debrief):
    client.force_login(alice)
    page = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk])).text
    assert f'href="{note_url(debrief.meeting, "send-thank-you", contact=lena.pk)}' in page
    assert 'data-draft-note="send-thank-you"' in page
    assert 'data-draft-note="refine-stump-speech"' not in page


def test_with_htmx_the_draft_comes_alone_to_open_in_place(client, alice, lena, debrief):
    client.force_login(alice)
    response = client.get(note_url(debrief.meeting, "send-thank-you", contact=lena.pk),
                          **HTMX)
    assert response.text.lstrip().startswith("<section")
    assert "<html" not in response.text
    assert "I sent it" in response.text


def test_i_sent_the_thank_you_records_the_date_and_the_step_goes(client, alice, lena, debrief):
    client.force_login(alice)
    back = reverse("debriefs:debrief_edit", args=[debrief.meeting.pk])
    response = client.post(note_url(debrief.meeting, "send-thank-you", contact=lena.pk),
                           {"next": back})
    assert response.url == back
    debrief.refresh_from_db()
    assert debrief.thank_you_sent_on == timezone.localdate()
    assert debrief.version == 2  # a tab holding the form without the date is now stale
    assert not FollowUp.objects.exists()
    page = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk])).text
    assert 'data-suggestion="send-thank-you"' not in page


def test_i_sent_another_note_ticks_its_step_as_a_done_follow_up(client, alice, lena, debrief):
    rosa = ContactFactory(owner=alice, name="Rosa Delgado", referred_by=lena,
                          referred_in=debrief.meeting, email="rosa@example.com")
    client.force_login(alice)
    page = client.get(note_url(debrief.meeting, "contact-referral", contact=rosa.pk)).text
    assert "Dear Rosa," in page and "Lena Fischer suggested I get in touch" in page
    client.post(note_url(debrief.meeting, "contact-referral", contact=rosa.pk))
    follow_up = FollowUp.objects.get()
    assert (follow_up.contact, follow_up.suggestion_code) == (rosa, "contact-referral")
    assert follow_up.is_done
    page = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting.pk])).text
    assert 'data-suggestion="contact-referral"' not in page


def test_a_note_no_longer_needed_sends_back_to_the_meeting(client, alice, lena, debrief):
    Debrief.objects.filter(pk=debrief.pk).update(thank_you_sent_on=timezone.localdate())
    client.force_login(alice)
    url = note_url(debrief.meeting, "send-thank-you", contact=lena.pk)
    response = client.get(url)
    assert response.url == reverse("debriefs:meeting_detail", args=[debrief.meeting.pk])
    assert client.get(url, **HTMX)["HX-Redirect"] == response.url
    # A code that is not a note, or not a code at all, is no draft either.
    assert client.get(note_url(debrief.meeting, "refine-stump-speech")).status_code == 302
    assert client.post(note_url(debrief.meeting, "no-such-code")).status_code == 302
    assert not FollowUp.objects.exists()


def test_another_clients_meeting_is_not_found(client, charlie, lena, debrief):
    client.force_login(charlie)
    url = note_url(debrief.meeting, "send-thank-you", contact=lena.pk)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    debrief.refresh_from_db()
    assert debrief.thank_you_sent_on is None


def test_a_coach_cannot_mark_a_clients_note_sent(client, carol, lena, debrief):
    client.force_login(carol)
    response = client.post(note_url(debrief.meeting, "send-thank-you", contact=lena.pk))
    assert response.status_code == 403
    debrief.refresh_from_db()
    assert debrief.thank_you_sent_on is None


def test_another_clients_contact_in_the_query_drafts_nothing(client, alice, charlie, debrief):
    ingrid = ContactFactory(owner=charlie, name="Ingrid Voss")
    client.force_login(alice)
    response = client.get(note_url(debrief.meeting, "contact-referral", contact=ingrid.pk))
    assert response.status_code == 302
    assert "Ingrid" not in client.get(response.url).text


# ---------------------------------------------------------------------------------------
# The draft page from a follow-up


def test_a_follow_up_drafts_its_note_and_i_sent_it_ticks_it(client, alice, lena, debrief):
    follow_up = FollowUpFactory(owner=alice, meeting=debrief.meeting, contact=lena,
                                suggestion_code="send-thank-you",
                                title="Send Lena Fischer a thank-you note")
    client.force_login(alice)
    home = client.get(reverse("home")).text
    assert reverse("debriefs:follow_up_note", args=[follow_up.pk]) in home
    url = reverse("debriefs:follow_up_note", args=[follow_up.pk])
    assert "Dear Lena," in client.get(url).text
    response = client.post(url, {"next": "/"})
    assert response.url == "/"
    follow_up.refresh_from_db()
    debrief.refresh_from_db()
    assert follow_up.is_done
    assert debrief.thank_you_sent_on == timezone.localdate()


def test_the_check_in_follow_up_writes_to_the_referrer(client, alice, lena, debrief):
    rosa = ContactFactory(owner=alice, name="Rosa Delgado", referred_by=lena)
    follow_up = FollowUpFactory(
        owner=alice, meeting=debrief.meeting, contact=rosa, suggestion_code="contact-referral",
        title="Check in with Lena Fischer about meeting Rosa Delgado",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    client.force_login(alice)
    page = client.get(reverse("debriefs:follow_up_note", args=[follow_up.pk])).text
    assert "Dear Lena," in page
    assert "introduce me to Rosa Delgado" in page


def test_a_follow_up_that_is_not_a_note_offers_no_draft(client, alice):
    follow_up = FollowUpFactory(owner=alice, title="Read the annual report")
    client.force_login(alice)
    assert "Draft the note" not in client.get(reverse("debriefs:follow_up_list")).text
    response = client.post(reverse("debriefs:follow_up_note", args=[follow_up.pk]))
    assert response.url == reverse("debriefs:follow_up_list")
    follow_up.refresh_from_db()
    assert not follow_up.is_done


def test_another_clients_follow_up_is_not_found(client, alice, charlie):
    follow_up = FollowUpFactory(owner=alice, suggestion_code="keep-in-touch",
                                title="Keep in touch")
    client.force_login(charlie)
    url = reverse("debriefs:follow_up_note", args=[follow_up.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    follow_up.refresh_from_db()
    assert not follow_up.is_done


def test_anonymous_is_sent_to_log_in(client, alice):
    follow_up = FollowUpFactory(owner=alice, suggestion_code="keep-in-touch")
    response = client.get(reverse("debriefs:follow_up_note", args=[follow_up.pk]))
    assert response.url.startswith(reverse("accounts:login"))
