"""N+1 guards: each view runs the same fixed number of queries at a small and a big size.

Every maximum is the count measured at the small size, so one more query per row fails
at the big size. Each test also checks the response shows the data it was given.
"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.pickers import PICKER_LIMIT
from debriefs.models import (
    DebriefView,
    DismissedSuggestion,
    FollowUp,
    Meeting,
    QuestionAsked,
    StumpSpeechVersion,
)
from debriefs.reminders import digests_for
from tests.factories import (
    CommentFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingFactory,
    PackageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Small enough to be quick, big enough that one query per row would stand out.
SIZES = [3, 25]


def network(owner, size: int) -> list[Contact]:
    """`size` contacts referred by one tier-1 person, named so they sort as created."""
    referrer = ContactFactory(owner=owner, name="Aaron Referrer")
    return [
        ContactFactory(owner=owner, name=f"Person {n:02d}", referred_by=referrer,
                       tags=["health", f"group-{n % 3}"])
        for n in range(size)
    ]


# Contacts


@pytest.mark.parametrize("size", SIZES)
def test_the_contacts_list_partial_uses_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size
):
    network(alice, size)
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("contacts:list"), {"tag": "health"}, **HTMX)
    assert response.status_code == 200
    assert response.text.count('class="contact-row"') == size
    assert "Person 00" in response.text and "Referred by Aaron Referrer" in response.text


@pytest.mark.parametrize("query", ["", "Person"])
@pytest.mark.parametrize("size", SIZES)
def test_the_picker_options_use_a_fixed_number_of_queries_and_are_bounded(
    client, alice, django_assert_max_num_queries, size, query
):
    people = network(alice, size)
    client.force_login(alice)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("contacts:picker", args=["contacts"]), {
            "referred_by_search": query, "exclude": people[0].pk, "selected": people[1].pk,
        })
    assert response.status_code == 200
    assert "Person 00" not in response.text  # the contact being edited
    assert f'data-value="{people[1].pk}" aria-selected="true"' in response.text
    shown = min(size - 1 + (0 if query else 1), PICKER_LIMIT)
    assert response.text.count("data-value=") == shown
    assert ("More match" in response.text) is (size > PICKER_LIMIT)


@pytest.mark.parametrize(("url_name", "queries"), [
    ("contacts:create", 3), ("debriefs:meeting_create", 4), ("debriefs:follow_up_list", 5),
])
@pytest.mark.parametrize("size", SIZES)
def test_the_pages_with_pickers_never_list_every_contact(
    client, alice, django_assert_max_num_queries, size, url_name, queries
):
    people = network(alice, size)
    for person in people[:size // 2]:
        MeetingFactory(owner=alice, contact=person, status=Meeting.Status.HELD)
    client.force_login(alice)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'role="combobox"' in response.text
    assert "Person" not in response.text
    pickers = re.findall(r'data-picker>\s*<select[^>]*>(.*?)</select>', response.text, re.S)
    assert pickers and all(picker.count("<option") == 1 for picker in pickers)  # the blank


@pytest.mark.parametrize("url_name", ["contacts:export_csv", "contacts:export_vcard"])
@pytest.mark.parametrize("size", SIZES)
def test_the_exports_use_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size, url_name
):
    network(alice, size)
    client.force_login(alice)
    with django_assert_max_num_queries(3):
        response = client.get(reverse(url_name))
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert f"Person {size - 1:02d}" in text and "Aaron Referrer" in text


@pytest.mark.parametrize("size", SIZES)
def test_the_import_preview_uses_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size
):
    existing = [ContactFactory(owner=alice, name=f"Known {n:02d}", organisation="Halden")
                for n in range(size)]
    lines = ["Name,Organisation,Email,Referred by"]
    for n, known in enumerate(existing):
        lines.append(f"New {n:02d},Medwise,new{n}@example.com,{known.name}")
        lines.append(f"{known.name},Halden,,")  # already in the contacts
    upload = SimpleUploadedFile("people.csv", "\n".join(lines).encode())
    client.force_login(alice)
    with django_assert_max_num_queries(7):
        response = client.post(reverse("contacts:import"), {"file": upload})
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (len(plan.to_create), len(plan.duplicates)) == (size, size)
    assert f"New {size - 1:02d}" in response.text and "via Known 00" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_the_contact_status_partial_uses_a_fixed_number_of_queries(
    client, alice, lena, django_assert_max_num_queries, size
):
    for _ in range(size):
        ContactFactory(owner=alice, referred_by=lena)
        MeetingFactory(owner=alice, contact=lena)
    client.force_login(alice)
    with django_assert_max_num_queries(4):
        response = client.post(reverse("contacts:status", args=[lena.pk]),
                               {"status": Contact.Status.REACHED_OUT}, **HTMX)
    assert response.status_code == 200
    assert "Status: Reached out." in response.text
    assert "contactStatusChanged" in response.headers["HX-Trigger"]


# Debriefs


@pytest.mark.parametrize("size", [3, 18])  # a Package holds at most 20 competencies
def test_the_package_page_uses_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size
):
    package = PackageFactory(owner=alice)
    for n in range(size):
        CoreCompetencyFactory(package=package, name=f"Competency {n:02d}", position=n)
    client.force_login(alice)
    with django_assert_max_num_queries(6):  # one of them: where each competency was used
        response = client.get(reverse("debriefs:package"))
    assert response.status_code == 200
    assert "Competency 00" in response.text and f"Competency {size - 1:02d}" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_the_package_page_with_earlier_speech_versions_uses_a_fixed_number_of_queries(
    client, alice, django_assert_max_num_queries, size
):
    package = PackageFactory(owner=alice)
    for n in range(size):
        StumpSpeechVersion.objects.create(owner=alice, **{
            **package.speech_parts, "who_i_am": f"Opening line {n:02d}"})
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("debriefs:package"))
    assert response.text.count("Restore this version") == size
    assert "Opening line 00" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_the_prep_sheet_with_questions_asked_before_uses_a_fixed_number_of_queries(
    client, alice, lena, django_assert_max_num_queries, size
):
    questions = [f"Question {n:02d}?" for n in range(size)]
    PackageFactory(owner=alice, industry_questions="\n".join(questions + ["Still to ask?"]))
    for n, question in enumerate(questions):
        held = MeetingFactory(owner=alice, contact=lena,
                              starts_at=timezone.now() - datetime.timedelta(days=n + 2))
        QuestionAsked.objects.create(debrief=DebriefFactory(meeting=held), question=question)
    planned = MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED,
                             starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(alice)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("debriefs:meeting_prep", args=[planned.pk]))
    assert f"Left out: {size} questions you already asked Lena Fischer" in response.text
    assert "Still to ask?" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_adding_a_referral_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size
):
    meeting = debrief.meeting
    for _ in range(size):
        ContactFactory(owner=alice, referred_by=meeting.contact, referred_in=meeting)
        ContactFactory(owner=alice)
    client.force_login(alice)
    # 14: the new contact and the name given each refresh the debrief's stored flag count.
    with django_assert_max_num_queries(14):
        response = client.post(reverse("debriefs:referral_add", args=[meeting.pk]),
                               {"referral-name": "Tom Becker"}, **HTMX)
    assert response.status_code == 200
    assert response.text.count("data-referral=") == size + 1
    assert "Tom Becker" in response.text
    assert "referralAdded" in response.headers["HX-Trigger"]


def debrief_form_data(**changes):
    """What the debrief form posts, as in tests/debriefs/test_debrief_form.py."""
    data = {
        "version": "1",
        "notes": "We talked about digital health.",
        "stump_speech_delivered": "yes",
        "branch": "tell_me_more",
        "questions_led_by": "me",
        "job_hinted": "False",
        "industry_questions": "How is the field changing?\nWho succeeds here?",
        "learnt": "Regulation is the bottleneck.",
        "impression": "positive",
        "referral_names": "",
        "thank_you_sent_on": "",
        "competency-TOTAL_FORMS": "2",
        "competency-INITIAL_FORMS": "0",
        "competency-0-name": "Clinical safety",
        "competency-0-gave_example": "on",
        "competency-1-name": "",
    }
    return data | changes


def busy_meeting(alice, meeting, size: int) -> str:
    """Referrals, open follow-ups and other meetings around `meeting`; returns the names
    written in the debrief's referral field (half of them already contacts)."""
    for n in range(size):
        referral = ContactFactory(owner=alice, name=f"Referral {n:02d}",
                                  referred_by=meeting.contact, referred_in=meeting)
        FollowUpFactory(owner=alice, meeting=meeting, contact=referral,
                        title=f"Write to Referral {n:02d}")
        MeetingFactory(owner=alice)
    return "\n".join(f"Referral {n:02d}" if n % 2 else f"Unknown {n:02d}" for n in range(size))


@pytest.mark.parametrize("live", [False, True], ids=["meeting-page", "debrief-form"])
@pytest.mark.parametrize("size", SIZES)
def test_accepting_a_suggestion_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size, live
):
    meeting = debrief.meeting
    names = busy_meeting(alice, meeting, size)
    accept = {"code": "send-thank-you", "contact": str(meeting.contact.pk)}
    data = debrief_form_data(referral_names=names) | accept if live else accept
    client.force_login(alice)
    # Two of them are the savepoint around the insert (FollowUp.save_once: a second click
    # finds the first one's follow-up instead of doubling it).
    with django_assert_max_num_queries(12):
        response = client.post(reverse("debriefs:suggestion_accept", args=[meeting.pk]), data,
                               **HTMX)
    assert response.status_code == 200
    assert FollowUp.objects.filter(suggestion_code="send-thank-you").exists()
    assert "Added to your follow-ups" in response.text
    assert f"Write to Referral {size - 1:02d}" in response.text
    assert "followUpsChanged" in response.headers["HX-Trigger"]


@pytest.mark.parametrize("live", [False, True], ids=["meeting-page", "debrief-form"])
@pytest.mark.parametrize("size", SIZES)
def test_dismissing_a_suggestion_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size, live
):
    meeting = debrief.meeting
    names = busy_meeting(alice, meeting, size)
    dismiss = {"code": "send-thank-you"}
    data = debrief_form_data(referral_names=names) | dismiss if live else dismiss
    client.force_login(alice)
    with django_assert_max_num_queries(13):
        response = client.post(reverse("debriefs:suggestion_dismiss", args=[meeting.pk]), data,
                               **HTMX)
    assert response.status_code == 200
    assert DismissedSuggestion.objects.filter(debrief=debrief, code="send-thank-you").exists()
    assert 'data-suggestion="send-thank-you"' not in response.text
    assert f"Write to Referral {size - 1:02d}" in response.text


@pytest.mark.parametrize("size", SIZES)
def test_ticking_a_follow_up_uses_a_fixed_number_of_queries(
    client, alice, lena, django_assert_max_num_queries, size
):
    follow_ups = [FollowUpFactory(owner=alice, contact=lena, meeting=MeetingFactory(owner=alice))
                  for _ in range(size)]
    ticked = follow_ups[-1]
    client.force_login(alice)
    with django_assert_max_num_queries(4):
        response = client.post(reverse("debriefs:follow_up_toggle", args=[ticked.pk]), **HTMX)
    assert response.status_code == 200
    assert f'data-follow-up="{ticked.pk}"' in response.text and "is-done" in response.text
    assert "Lena Fischer" in response.text
    assert "followUpsChanged" in response.headers["HX-Trigger"]


# Coaching


@pytest.mark.parametrize("size", SIZES)
def test_the_coachs_view_of_a_clients_board_uses_a_fixed_number_of_queries(
    client, alice, carol, django_assert_max_num_queries, size
):
    people = network(alice, size)
    for person in people:
        DebriefFactory(meeting=MeetingFactory(owner=alice, contact=person))
        UserFactory(coach=carol)
    client.force_login(carol)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("coach:client_tiers", args=[alice.pk]))
    assert response.status_code == 200
    assert response.context["figures"]["contacts"] == size + 1
    assert response.context["figures"]["held"] == size
    assert "Aaron Referrer" in response.text


def conversation(alice, carol, size: int):
    """A shared debrief of Alice's with `size` comments each way and `size` coach views."""
    shared = DebriefFactory(meeting=MeetingFactory(owner=alice, contact__name="Lena Fischer"))
    for n in range(size):
        CommentFactory(debrief=shared, author=carol, body=f"Coach note {n:02d}")
        CommentFactory(debrief=shared, author=alice, body=f"Client reply {n:02d}")
        DebriefView.objects.create(debrief=shared, coach=carol)
    return shared


@pytest.mark.parametrize("viewer", ["carol", "alice"])
@pytest.mark.parametrize("size", SIZES)
def test_the_comment_thread_partial_uses_a_fixed_number_of_queries(
    client, alice, carol, django_assert_max_num_queries, size, viewer
):
    shared = conversation(alice, carol, size)
    client.force_login(carol if viewer == "carol" else alice)
    with django_assert_max_num_queries(6 if viewer == "carol" else 8):
        response = client.get(reverse("coach:comment", args=[shared.pk]), **HTMX)
    assert response.status_code == 200
    assert response.text.count('<li class="comment') == 2 * size
    assert f"Coach note {size - 1:02d}" in response.text
    assert f"Client reply {size - 1:02d}" in response.text


@pytest.mark.parametrize("author", ["carol", "alice"])
@pytest.mark.parametrize("size", SIZES)
def test_posting_a_comment_uses_a_fixed_number_of_queries(
    client, alice, carol, django_assert_max_num_queries, size, author
):
    shared = conversation(alice, carol, size)
    client.force_login(carol if author == "carol" else alice)
    # Two of them are the savepoint around the insert (Comment.save_once).
    with django_assert_max_num_queries(9 if author == "carol" else 11):
        response = client.post(reverse("coach:comment", args=[shared.pk]),
                               {"body": "One more thought."}, **HTMX)
    assert response.status_code == 200
    assert response.text.count('<li class="comment') == 2 * size + 1
    assert "One more thought." in response.text
    assert "commentAdded" in response.headers["HX-Trigger"]


@pytest.mark.parametrize("size", SIZES)
def test_the_invitation_list_uses_a_fixed_number_of_queries(
    client, carol, django_assert_max_num_queries, size
):
    now = timezone.now()
    for n in range(size):
        InvitationFactory(coach=carol, email=f"invitee{n:02d}@example.com", sent_at=now)
        InvitationFactory(coach=carol, email="", expires_at=now - datetime.timedelta(days=1))
        InvitationFactory(coach=carol, email=f"gone{n:02d}@example.com", cancelled_at=now)
    client.force_login(carol)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("accounts:invitation_list"))
    assert response.status_code == 200
    assert f"invitee{size - 1:02d}@example.com" in response.text
    assert response.text.count("Link only") == size
    assert "gone00@example.com" not in response.text


# Reminders


@pytest.mark.parametrize("size", SIZES)
def test_the_reminders_use_a_fixed_number_of_queries(django_assert_max_num_queries, size):
    """Everything due is loaded up front, no query per client; sending then costs only each
    client's once-a-day record (an insert in a savepoint)."""
    today = timezone.localdate()
    for n in range(size):
        owner = UserFactory(email=f"client{n:02d}@example.com")
        FollowUpFactory(owner=owner, title=f"Thank person {n:02d}", due_on=today,
                        contact=ContactFactory(owner=owner))
        FollowUpFactory(owner=owner, title="Overdue", due_on=today - datetime.timedelta(2))
        MeetingFactory(owner=owner, status=Meeting.Status.PLANNED,
                       starts_at=timezone.now() + datetime.timedelta(hours=20))
        MeetingFactory(owner=owner)  # held, no debrief yet
    with django_assert_max_num_queries(4):
        digests_for(today)
    with django_assert_max_num_queries(5 + 4 * size):
        call_command("send_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == size
    last = next(m for m in mail.outbox if m.to == [f"client{size - 1:02d}@example.com"])
    assert f"Thank person {size - 1:02d}" in last.body
    assert last.subject.startswith("Your next steps today: 4")
