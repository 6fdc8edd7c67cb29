"""No 500 from anything a user can send: each answer is a form error, a clear message or a
fallback, and the data stays as it was.

Each test here was written against a request that crashed the server (a 500) before.
"""

import datetime

import pytest
import vobject
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.widgets import Input
from django.urls import reverse
from django.utils import timezone

from accounts.forms import OneLineInputs, ProfileForm, SignupForm
from contacts.forms import ContactFilterForm, ContactForm
from contacts.models import Contact
from debriefs.forms import (
    CompetencyForm,
    CoreCompetencyForm,
    FollowUpForm,
    MeetingForm,
    ReferralForm,
)
from debriefs.models import FollowUp, Meeting
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def import_preview(client, name: str, content: str):
    return client.post(reverse("contacts:import"),
                       {"file": SimpleUploadedFile(name, content.encode())})


def contact_data(**changes) -> dict:
    data = {"name": "Grace Liu", "organisation": "Brightline", "role_title": "", "field": "",
            "email": "", "phone": "", "linkedin_url": "", "referred_by": "", "referred_in": "",
            "how_we_met": "", "status": "to_contact", "responsiveness": "unknown",
            "tags": "", "notes": ""}
    return data | changes


def meeting_data(contact, **changes) -> dict:
    data = {"contact": contact.pk, "starts_at": "2030-05-01T10:00", "kind": "networking",
            "medium": "video", "location": "", "status": "planned"}
    return data | changes


# 1. Import: a huge CSV cell, an impossible date


def test_a_csv_cell_longer_than_the_csv_field_limit_is_a_file_error(client, alice):
    client.force_login(alice)
    response = import_preview(client, "people.csv", "Name,Notes\nAda Obi," + "x" * 131_073)
    html = response.content.decode()
    assert response.status_code == 200 and 'class="errorlist"' in html
    assert "Line 2 has a cell longer than 131,072 characters" in html
    assert not Contact.objects.for_user(alice).exists()


def test_an_impossible_status_changed_date_in_a_csv_is_left_out_and_said_in_the_preview(
    client, alice
):
    client.force_login(alice)
    response = import_preview(client, "people.csv", "Name,Status changed\nAda Obi,2026-02-30\n")
    assert response.status_code == 200
    assert [row["name"] for row in response.context["plan"].to_create] == ["Ada Obi"]
    assert "Ada Obi: the status date “2026-02-30” was left out" in (
        response.content.decode())


def test_a_person_whose_impossible_date_was_left_out_is_imported_with_today_as_the_date(
    client, alice
):
    client.force_login(alice)
    response = import_preview(client, "people.csv", "Name,Status changed\nAda Obi,2026-02-30\n")
    client.post(reverse("contacts:import_confirm"), {"token": response.context["token"]})
    ada = Contact.objects.for_user(alice).get()
    assert ada.name == "Ada Obi"
    assert timezone.now() - ada.status_changed_at < datetime.timedelta(minutes=1)


def test_an_impossible_status_changed_date_in_a_vcard_is_left_out_and_said_in_the_preview(
    client, alice
):
    client.force_login(alice)
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Obi\r\nN:Obi;Ada;;;\r\n"
            "X-DEBRIEFS-STATUS-CHANGED:2026-02-30T10:00:00+00:00\r\nEND:VCARD\r\n")
    response = import_preview(client, "people.vcf", card)
    assert response.status_code == 200
    assert [row["name"] for row in response.context["plan"].to_create] == ["Ada Obi"]
    assert "Ada Obi: the status date “2026-02-30T10:00:00+00:00” was left out" in (
        response.content.decode())


# 2. Meeting dates at the end of time


def test_a_meeting_date_in_the_year_9999_is_a_form_error(client, alice):
    lena = ContactFactory(owner=alice)
    client.force_login(alice)
    response = client.post(reverse("debriefs:meeting_create"),
                           meeting_data(lena, starts_at="9999-12-31T23:30"))
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [
        "Check the year: a meeting date is between 1900 and 2200."]
    assert not Meeting.objects.for_user(alice).exists()


def test_the_calendar_feed_survives_a_meeting_stored_at_the_end_of_time(client, alice):
    MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Nadia Karim",
                   starts_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC))
    response = client.get(reverse("debriefs:calendar_feed", args=[alice.calendar_token]))
    assert response.status_code == 200
    calendar = vobject.readOne(response.content.decode())
    assert [event.summary.value for event in calendar.vevent_list] == [
        "Networking meeting with Nadia Karim"]


# 3. A referrer loop closed by another request while this one saves


@pytest.fixture
def sarah_and_ethan(alice):
    return (ContactFactory(owner=alice, name="Sarah Chen", organisation="Medwise"),
            ContactFactory(owner=alice, name="Ethan Brooks", organisation="CarePath"))


def post_while_another_request_makes_ethan_sarahs_referral(client, sarah, ethan, **extra):
    """Edit Sarah to be referred by Ethan; the form is valid, but while this request waits
    for the lock on the owner's referral tree, another one commits Ethan → referred by Sarah.
    """
    closed = []

    def other_request_first(execute, sql, params, many, context):
        if ("FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql) and not closed:
            closed.append(True)
            Contact.objects.filter(pk=ethan.pk).update(referred_by=sarah, tier=2)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(other_request_first):
        response = client.post(reverse("contacts:edit", args=[sarah.pk]), contact_data(
            name="Sarah Chen-Okafor", organisation="Medwise", referred_by=ethan.pk,
            version=sarah.version), **extra)
    assert closed, "the save never took the lock"
    return response


def test_a_referrer_loop_closed_by_another_request_is_a_form_error_on_referred_by(
    client, alice, sarah_and_ethan
):
    sarah, ethan = sarah_and_ethan
    client.force_login(alice)
    response = post_while_another_request_makes_ethan_sarahs_referral(client, sarah, ethan)
    assert response.status_code == 422
    assert "Ethan Brooks cannot have referred Sarah Chen" in " ".join(
        response.context["form"].errors["referred_by"])
    assert 'value="Sarah Chen-Okafor"' in response.content.decode()  # the input is kept
    sarah.refresh_from_db()
    assert (sarah.name, sarah.referred_by, sarah.tier) == ("Sarah Chen", None, 1)


def test_a_referrer_loop_closed_by_another_request_answers_htmx_with_the_form(
    client, alice, sarah_and_ethan
):
    sarah, ethan = sarah_and_ethan
    client.force_login(alice)
    response = post_while_another_request_makes_ethan_sarahs_referral(
        client, sarah, ethan, **HTMX)
    assert response.status_code == 200  # htmx swaps only successful responses
    assert "Ethan Brooks cannot have referred Sarah Chen" in response.content.decode()
    sarah.refresh_from_db()
    assert sarah.referred_by is None


def test_a_referrer_deleted_by_another_request_is_a_form_error_on_referred_by(client, alice):
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    deleted = []

    def other_request_first(execute, sql, params, many, context):
        # Just before the owner's tree lock (FOR NO KEY UPDATE) or the referrer's (FOR UPDATE).
        if ("FOR UPDATE" in sql or "FOR NO KEY UPDATE" in sql) and not deleted:
            deleted.append(True)
            Contact.objects.filter(pk=sarah.pk).delete()
        return execute(sql, params, many, context)

    client.force_login(alice)
    with connection.execute_wrapper(other_request_first):
        response = client.post(reverse("contacts:create"), contact_data(referred_by=sarah.pk))
    assert response.status_code == 422
    assert "Sarah Chen was deleted" in " ".join(response.context["form"].errors["referred_by"])
    assert not Contact.objects.for_user(alice).filter(name="Grace Liu").exists()


# 4. A NUL byte in a query parameter


def test_a_nul_byte_in_the_referrer_search_finds_nothing_special(client, alice):
    ContactFactory(owner=alice, name="Sarah Chen")
    client.force_login(alice)
    response = client.get(reverse("contacts:picker", args=["contacts"]),
                          {"referred_by_search": "\x00"})
    assert response.status_code == 200 and "Sarah Chen" in response.content.decode()


def test_a_nul_byte_in_the_coach_client_search_is_ignored(client, alice, carol):
    client.force_login(carol)
    response = client.get(reverse("coach:home"), {"q": "Ali\x00ce"})
    assert response.status_code == 200 and "alice@example.com" in response.content.decode()


@pytest.mark.parametrize("param", ["q", "tag", "tier", "status", "sort", "page"])
def test_a_nul_byte_in_a_contact_list_parameter_is_ignored(client, alice, param):
    ContactFactory(owner=alice, name="Sarah Chen", tags=["pharma"])
    client.force_login(alice)
    response = client.get(reverse("contacts:list"), {param: "\x00"})
    assert response.status_code == 200 and "Sarah Chen" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "\x00"])
def test_a_strange_contact_number_in_a_query_is_ignored(client, alice, value):
    ContactFactory(owner=alice, name="Sarah Chen")
    client.force_login(alice)
    for url, param in [(reverse("contacts:create"), "referred_by"),
                       (reverse("contacts:picker", args=["contacts"]), "exclude"),
                       (reverse("contacts:picker", args=["contacts"]), "selected"),
                       (reverse("contacts:picker", args=["meetings"]), "exclude"),
                       (reverse("debriefs:meeting_create"), "contact"),
                       (reverse("debriefs:follow_up_create"), "meeting")]:
        assert client.get(url, {param: value}).status_code == 200, (url, param)


@pytest.mark.parametrize("value", ["²", "\x00"])
def test_a_strange_contact_number_when_validating_a_field_is_not_found(client, alice, value):
    client.force_login(alice)
    response = client.post(reverse("contacts:validate") + "?contact=" + value,
                           contact_data(_field="name"))
    assert response.status_code == 404


# 5. A `next` that is not a path


@pytest.fixture
def debriefed_meeting(alice):
    return DebriefFactory(meeting__owner=alice).meeting


@pytest.mark.parametrize("next_url", ["abc", "a.b", "//evil.example/", "https://evil.example/"])
def test_ticking_a_follow_up_with_a_next_that_is_not_a_local_path_goes_to_the_list(
    client, alice, next_url
):
    follow_up = FollowUpFactory(owner=alice)
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]),
                           {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("debriefs:follow_up_list")


def test_ticking_a_follow_up_with_a_local_next_goes_there(client, alice):
    follow_up = FollowUpFactory(owner=alice)
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]),
                           {"next": "/meetings/?page=2"})
    assert response["Location"] == "/meetings/?page=2"


def test_adding_a_follow_up_with_a_next_that_is_not_a_path_goes_to_the_list(client, alice):
    client.force_login(alice)
    response = client.post(reverse("debriefs:follow_up_create"), {
        "title": "Thank Lena", "due_on": "2030-01-02", "contact": "", "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("debriefs:follow_up_list")
    assert FollowUp.objects.for_user(alice).count() == 1


@pytest.mark.parametrize("name", ["suggestion_accept", "suggestion_dismiss"])
def test_a_suggestion_answered_with_a_next_that_is_not_a_path_goes_to_the_meeting(
    client, alice, debriefed_meeting, name
):
    client.force_login(alice)
    response = client.post(reverse(f"debriefs:{name}", args=[debriefed_meeting.pk]),
                           {"code": "send-thank-you", "next": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("debriefs:meeting_detail",
                                           args=[debriefed_meeting.pk])


def test_signing_up_while_signed_in_with_a_next_that_is_not_a_path_goes_home(client, alice):
    client.force_login(alice)
    response = client.get(reverse("accounts:signup"), {"next": "abc"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


# 6. Line breaks in one-line fields


def test_line_breaks_in_a_contact_name_become_spaces(client, alice):
    client.force_login(alice)
    client.post(reverse("contacts:create"), contact_data(
        name="Grace\r\nLiu", organisation="Bright\nline", role_title="CMO\r", tags="a\nb"))
    grace = Contact.objects.for_user(alice).get()
    assert (grace.name, grace.organisation, grace.role_title, grace.tags) == (
        "Grace Liu", "Bright line", "CMO", ["a b"])


def test_a_line_break_inside_a_contact_email_is_a_form_error(alice):
    form = ContactForm(contact_data(email="grace@bright\nline.example"), owner=alice)
    assert not form.is_valid() and "email" in form.errors


def test_line_breaks_in_a_meeting_location_become_spaces(client, alice):
    lena = ContactFactory(owner=alice)
    client.force_login(alice)
    client.post(reverse("debriefs:meeting_create"),
                meeting_data(lena, location="Room 4\r\nBuilding B"))
    assert Meeting.objects.for_user(alice).get().location == "Room 4 Building B"


def test_line_breaks_in_a_follow_up_title_become_spaces(client, alice):
    client.force_login(alice)
    client.post(reverse("debriefs:follow_up_create"),
                {"title": "Thank\r\nLena", "due_on": "2030-01-02", "contact": ""})
    assert FollowUp.objects.for_user(alice).get().title == "Thank Lena"


@pytest.mark.parametrize(("make_form", "field"), [
    (lambda user, data: ContactForm(data, owner=user), "how_we_met"),
    (lambda user, data: ContactForm(data, owner=user), "phone"),
    (lambda user, data: MeetingForm(data, user=user), "location"),
    (lambda user, data: FollowUpForm(data, user=user), "title"),
    (lambda user, data: ReferralForm(
        {f"referral-{k}": v for k, v in data.items()},
        meeting=MeetingFactory(owner=user)), "organisation"),
    (lambda user, data: CompetencyForm(data), "name"),
    (lambda user, data: CoreCompetencyForm(data), "name"),
    (lambda user, data: ProfileForm(data, instance=user), "last_name"),
    (lambda user, data: SignupForm(data), "first_name"),
    (lambda user, data: ContactFilterForm(data, tiers=[], tags=[]), "q"),
])
def test_every_one_line_input_turns_line_breaks_into_one_space(alice, make_form, field):
    value = "+44 20\r\n7946\n0958" if field == "phone" else "First\r\n\tsecond\u2028third"
    form = make_form(alice, {field: value})
    form.is_valid()
    expected = "+44 20 7946 0958" if field == "phone" else "First second third"
    assert form.data[form.add_prefix(field)] == expected
    assert form.cleaned_data[field] == expected


def project_forms() -> list[type]:
    import accounts.forms  # noqa: F401 - the modules whose forms are checked
    import contacts.forms  # noqa: F401
    import debriefs.forms  # noqa: F401

    found, pending = [], [forms.BaseForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.split(".")[0] in {"accounts", "contacts", "debriefs"}:
                found.append(subclass)
    return found


def test_every_form_with_a_one_line_text_input_makes_its_input_one_line():
    def has_one_line_input(form_class) -> bool:
        return any(
            isinstance(field, forms.CharField) and isinstance(field.widget, Input)
            and not isinstance(field.widget, forms.PasswordInput)
            for field in form_class.base_fields.values()
        )

    checked = [form for form in project_forms() if has_one_line_input(form)]
    assert ContactForm in checked and MeetingForm in checked
    assert [form.__name__ for form in checked if not issubclass(form, OneLineInputs)] == []
