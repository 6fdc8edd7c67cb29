"""Property-based tests: whatever text a user sends, no form and no view raises, and what a
form saves reads back as the form said it would.

Hypothesis draws the inputs (NUL bytes, line breaks, lone combining marks, years 1 and
9999 included). The examples are few and derandomized, so the file runs in seconds and
gives the same answer on every run; every draw of one test shares its database
transaction, so each saving example rolls its own changes back.
"""

import contextlib
import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from accounts.forms import InvitationForm, ProfileForm, SignupForm, one_line
from contacts.forms import ContactFilterForm, ContactForm, ImportForm
from contacts.models import Contact
from contacts.transfer import UnreadableFile, parse_upload
from debriefs.forms import (
    CommentForm,
    CompetencyForm,
    CoreCompetencyForm,
    DebriefForm,
    FollowUpForm,
    MeetingForm,
    PackageForm,
    ReferralForm,
)
from debriefs.models import FollowUp, Meeting, Package
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,  # no .hypothesis/ directory in the working tree
    # The db fixture and the signed-in client are made once per test, not per example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a request can carry (no lone surrogates: they cannot be sent as UTF-8).
any_text = st.text(max_size=300)
# A value for a field that has a choice: mostly nonsense, sometimes a real one.
any_value = st.one_of(any_text, st.sampled_from(["", "1", "0", "-1", "²", "\x00",
                                                 "99999999999999999999", "held", "planned"]))


class _RolledBack(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Whatever the block saves is undone afterwards (one Hypothesis example's changes)."""
    with contextlib.suppress(_RolledBack), transaction.atomic():
        yield
        raise _RolledBack


def text_for(fields) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({name: any_value for name in fields})


def hostile(fields) -> dict:
    """The values that once gave a 500, in every field at once (always tried first)."""
    return dict.fromkeys(fields, "Grace\r\nLiu\x00²")


CONTACT_FIELDS = ["name", "organisation", "role_title", "field", "email", "phone",
                  "linkedin_url", "referred_by", "referred_in", "how_we_met", "status",
                  "responsiveness", "tags", "notes", "version", "submission_token"]
MEETING_FIELDS = ["contact", "starts_at", "kind", "medium", "location", "status",
                  "submission_token"]


def assert_form_answers(form) -> None:
    assert form.is_valid() in (True, False)
    str(form)  # and it renders, errors and all


# ---------------------------------------------------------------------------------------
# Forms: arbitrary text never raises


@PROPERTY
@given(data=text_for(CONTACT_FIELDS))
@example(data=hostile(CONTACT_FIELDS))
def test_the_contact_form_answers_any_text(alice, data):
    assert_form_answers(ContactForm(data, owner=alice))


@PROPERTY
@given(data=text_for(["name", "organisation", "email", "phone", "tags", "version"]))
def test_the_contact_edit_form_answers_any_text(alice, data):
    sarah = Contact.objects.for_user(alice).first() or ContactFactory(owner=alice)
    assert_form_answers(ContactForm(data, owner=alice, instance=sarah))


@PROPERTY
@given(data=text_for(MEETING_FIELDS))
@example(data=hostile(MEETING_FIELDS) | {"starts_at": "9999-12-31T23:30"})
def test_the_meeting_form_answers_any_text(alice, data):
    assert_form_answers(MeetingForm(data, user=alice))


@PROPERTY
@given(when=st.datetimes())
@example(when=datetime.datetime(9999, 12, 31, 23, 30))
@example(when=datetime.datetime(1, 1, 1))
def test_the_meeting_form_takes_a_date_only_between_1900_and_2200(alice, when):
    lena = Contact.objects.for_user(alice).first() or ContactFactory(owner=alice)
    form = MeetingForm({"contact": lena.pk, "starts_at": f"{when:%Y-%m-%dT%H:%M}",
                        "kind": "networking", "medium": "video", "status": "planned"},
                       user=alice)
    if 1900 <= when.year <= 2200:
        assert form.is_valid() or list(form.errors) == ["starts_at"]  # a clock-change hour
    else:
        assert not form.is_valid() and list(form.errors) == ["starts_at"]


@PROPERTY
@given(data=text_for(["notes", "stump_speech_delivered", "branch", "questions_led_by",
                      "job_hinted", "wants_job", "industry_questions", "learnt",
                      "impression", "referral_names", "thank_you_sent_on",
                      "introduction_by_referrer", "is_private", "version"]))
def test_the_debrief_form_answers_any_text(alice, data):
    debrief = DebriefFactory.build(meeting=Meeting.objects.for_user(alice).first()
                                   or MeetingFactory(owner=alice))
    assert_form_answers(DebriefForm(data, instance=debrief))


@PROPERTY
@given(data=text_for(["title", "due_on", "contact", "submission_token"]))
def test_the_follow_up_form_answers_any_text(alice, data):
    assert_form_answers(FollowUpForm(data, user=alice))


@PROPERTY
@given(data=text_for(["name", "organisation", "email", "submission_token"]))
def test_the_referral_form_answers_any_text(alice, data):
    meeting = Meeting.objects.for_user(alice).first() or MeetingFactory(owner=alice)
    form = ReferralForm({f"referral-{key}": value for key, value in data.items()},
                        meeting=meeting)
    assert_form_answers(form)


@PROPERTY
@given(data=text_for(["who_i_am", "what_i_have_done", "what_i_want_to_do",
                      "how_you_can_help_me", "how_i_can_help_you", "industry_questions"]))
def test_the_package_form_answers_any_text(alice, data):
    assert_form_answers(PackageForm(data, instance=Package(owner=alice)))


@PROPERTY
@given(data=text_for(["name", "example"]), cited=text_for(["name", "gave_example"]))
def test_the_competency_forms_answer_any_text(data, cited):
    assert_form_answers(CoreCompetencyForm(data))
    assert_form_answers(CompetencyForm(cited))


@PROPERTY
@given(data=text_for(["body"]))
def test_the_comment_form_answers_any_text(data):
    assert_form_answers(CommentForm(data))


@PROPERTY
@given(data=text_for(["first_name", "last_name", "email", "password1", "password2"]))
def test_the_signup_and_profile_forms_answer_any_text(alice, data):
    assert_form_answers(SignupForm(data))
    assert_form_answers(ProfileForm(data, instance=alice))


@PROPERTY
@given(data=text_for(["email"]))
def test_the_invitation_form_answers_any_text(carol, data):
    assert_form_answers(InvitationForm(data, coach=carol))


@PROPERTY
@given(data=text_for(["q", "tier", "status", "tag", "sort"]))
def test_the_contact_filter_form_answers_any_text_and_filters(alice, data):
    form = ContactFilterForm(data, tiers=[1, 2], tags=["pharma"])
    assert_form_answers(form)
    list(form.filter(Contact.objects.for_user(alice)))  # the query runs


@PROPERTY
@given(content=st.binary(max_size=2000) | any_text.map(str.encode),
       name=st.sampled_from(["people.csv", "people.vcf", "people.txt"]))
def test_the_import_form_answers_any_file(content, name):
    form = ImportForm({}, {"file": SimpleUploadedFile(name, content)})
    assert_form_answers(form)


# Files whose header is right, so the rows themselves are read.
csv_rows = st.lists(st.lists(any_text, min_size=1, max_size=5), max_size=5)
vcard_lines = st.lists(
    st.tuples(st.sampled_from(["FN", "N", "ORG", "EMAIL", "TEL", "URL", "CATEGORIES", "NOTE",
                               "TITLE", "X-DEBRIEFS-STATUS", "X-DEBRIEFS-STATUS-CHANGED",
                               "X-DEBRIEFS-RESPONSIVENESS", "X-DEBRIEFS-REFERRED-BY"]),
              st.text(st.characters(exclude_characters="\r\n"), max_size=60)),
    max_size=8,
)


@PROPERTY
@given(rows=csv_rows)
@example(rows=[["Ada Obi", "", "", "", "x" * 131_073]])
def test_reading_a_csv_with_any_cells_raises_nothing_but_a_message(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Email", "Status", "Status changed", "Tags"])
    writer.writerows(rows)
    with contextlib.suppress(UnreadableFile):
        parse_upload(SimpleUploadedFile("people.csv", out.getvalue().encode()))


@PROPERTY
@given(lines=vcard_lines)
@example(lines=[("FN", "Ada Obi"), ("X-DEBRIEFS-STATUS-CHANGED", "2026-02-30")])
def test_reading_a_vcard_with_any_properties_raises_nothing_but_a_message(lines):
    body = "".join(f"{key}:{value}\r\n" for key, value in lines)
    text = f"BEGIN:VCARD\r\nVERSION:3.0\r\n{body}END:VCARD\r\n"
    with contextlib.suppress(UnreadableFile):
        parse_upload(SimpleUploadedFile("people.vcf", text.encode()))


@PROPERTY
@given(changed=any_text.filter(lambda text: "\x00" not in text)
       | st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat())
       | st.dates().map(str))
@example(changed="2026-02-30")
@example(changed="9999-12-31T23:59:59-12:00")
def test_any_status_changed_value_keeps_the_person(changed):
    out = io.StringIO()
    csv.writer(out).writerows([["Name", "Status changed"], ["Ada Obi", changed]])
    parsed = parse_upload(SimpleUploadedFile("people.csv", out.getvalue().encode()))
    assert [row["name"] for row in parsed.rows] == ["Ada Obi"]


# ---------------------------------------------------------------------------------------
# What a form saves reads back the same


one_line_text = st.text(max_size=120).filter(lambda text: one_line(text))


@PROPERTY
@given(name=one_line_text, organisation=one_line_text)
def test_a_contact_saved_through_the_form_reads_back_as_one_line(alice, name, organisation):
    with rolled_back():
        form = ContactForm({"name": name, "organisation": organisation,
                            "status": "to_contact", "responsiveness": "unknown"}, owner=alice)
        assert form.is_valid(), form.errors
        contact = Contact.objects.get(pk=form.save().pk)
        assert (contact.name, contact.organisation) == (one_line(name), one_line(organisation))


def on_the_local_clock(moment: datetime.datetime) -> bool:
    """Whether this local time happens exactly once (not in a clock change's gap or
    overlap), so the form can read it."""
    zone = timezone.get_current_timezone()
    return zone.utcoffset(moment) == zone.utcoffset(moment.replace(fold=1))


@PROPERTY
@given(location=st.text(max_size=200), when=st.datetimes(
    min_value=datetime.datetime(1900, 1, 2), max_value=datetime.datetime(2200, 12, 30),
).map(lambda moment: moment.replace(second=0, microsecond=0)).filter(on_the_local_clock))
def test_a_meeting_saved_through_the_form_reads_back_the_same(alice, location, when):
    lena = Contact.objects.for_user(alice).first() or ContactFactory(owner=alice)
    with rolled_back():
        form = MeetingForm({"contact": lena.pk, "starts_at": f"{when:%Y-%m-%dT%H:%M}",
                            "kind": "networking", "medium": "video", "status": "planned",
                            "location": location}, user=alice)
        assert form.is_valid(), form.errors
        meeting = Meeting.objects.get(pk=form.save().pk)
        assert meeting.location == one_line(location)
        assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == when


@PROPERTY
@given(title=one_line_text, due_on=st.dates(min_value=datetime.date(1900, 1, 1),
                                            max_value=datetime.date(2200, 12, 31)))
def test_a_follow_up_saved_through_the_form_reads_back_the_same(alice, title, due_on):
    with rolled_back():
        form = FollowUpForm({"title": title, "due_on": due_on.isoformat()}, user=alice)
        assert form.is_valid(), form.errors
        follow_up = FollowUp.objects.get(pk=form.save().pk)
        assert (follow_up.title, follow_up.due_on) == (one_line(title), due_on)


@PROPERTY
@given(texts=st.fixed_dictionaries({name: st.text(max_size=300).filter(
    lambda text: "\x00" not in text) for name, _ in Package.STUMP_SPEECH_PARTS}))
def test_a_package_saved_through_the_form_reads_back_its_text(alice, texts):
    with rolled_back():
        form = PackageForm(texts, instance=Package.for_user(alice))
        assert form.is_valid(), form.errors
        package = Package.objects.get(pk=form.save().pk)
        assert {name: getattr(package, name) for name in texts} == {
            name: text.strip() for name, text in texts.items()}


@PROPERTY
@given(form=from_form(CommentForm))
def test_a_comment_that_fits_the_form_is_valid_and_keeps_its_text(form):
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == form.data["body"].strip()


# ---------------------------------------------------------------------------------------
# Views: any query parameter answers below 500


def assert_answers(response) -> None:
    assert response.status_code < 500, response.status_code


query = st.dictionaries(st.sampled_from(["q", "tier", "status", "tag", "sort", "page"]),
                        any_value, max_size=6)


@PROPERTY
@given(params=query, htmx=st.booleans())
@example(params=hostile(["q", "tier", "status", "tag", "sort", "page"]), htmx=True)
def test_the_contact_list_answers_any_query(client, alice, params, htmx):
    client.force_login(alice)
    ContactFactory(owner=alice, name="Sarah Chen", tags=["pharma"])
    assert_answers(client.get(reverse("contacts:list"), params,
                              **({"HTTP_HX_REQUEST": "true"} if htmx else {})))


@PROPERTY
@given(params=st.fixed_dictionaries(
    {}, optional={"referred_by_search": any_value, "exclude": any_value,
                  "selected": any_value, "referred_by": any_value}))
@example(params=hostile(["referred_by_search", "exclude", "selected", "referred_by"]))
@example(params={"exclude": "²", "selected": "²", "referred_by": "²"})
def test_the_contact_pages_answer_any_query(client, alice, params):
    client.force_login(alice)
    assert_answers(client.get(reverse("contacts:picker", args=["contacts"]), params))
    assert_answers(client.get(reverse("contacts:picker", args=["meetings"]), params))
    assert_answers(client.get(reverse("contacts:create"), params))


@PROPERTY
@given(contact=any_value, field=any_value)
@example(contact="²", field="name")
def test_field_validation_answers_any_contact_and_field(client, alice, contact, field):
    client.force_login(alice)
    response = client.post(reverse("contacts:validate") + "?" + urlencode({"contact": contact}),
                           {"_field": field, "name": "Ada"})
    assert_answers(response)


@PROPERTY
@given(contact=any_value, page=any_value, meeting=any_value, referral_name=any_value)
@example(contact="²", page="\x00", meeting="²", referral_name="\x00")
def test_the_meeting_pages_answer_any_query(client, alice, contact, page, meeting,
                                            referral_name):
    client.force_login(alice)
    held = Meeting.objects.for_user(alice).first() or MeetingFactory(owner=alice)
    assert_answers(client.get(reverse("debriefs:meeting_create"), {"contact": contact}))
    assert_answers(client.get(reverse("debriefs:meeting_list"), {"page": page}))
    assert_answers(client.get(reverse("debriefs:follow_up_create"), {"meeting": meeting}))
    assert_answers(client.get(reverse("debriefs:debrief_edit", args=[held.pk]),
                              {"referral_name": referral_name}))


@PROPERTY
@given(q=any_value, page=any_value)
@example(q="\x00", page="\x00")
def test_the_coach_home_answers_any_query(client, carol, q, page):
    client.force_login(carol)
    assert_answers(client.get(reverse("coach:home"), {"q": q, "page": page}))


@PROPERTY
@given(next_url=any_value, email=any_value, signed_in=st.booleans())
@example(next_url="abc", email="\x00", signed_in=True)
def test_the_signup_page_answers_any_next_and_email(client, alice, next_url, email,
                                                     signed_in):
    if signed_in:
        client.force_login(alice)
    else:
        client.logout()
    assert_answers(client.get(reverse("accounts:signup"), {"next": next_url, "email": email}))


@PROPERTY
@given(next_url=any_value)
@example(next_url="abc")
@example(next_url="/\\evil.example/")
def test_a_follow_up_ticked_with_any_next_goes_to_a_local_path(client, alice, next_url):
    client.force_login(alice)
    follow_up = FollowUp.objects.for_user(alice).first() or FollowUpFactory(owner=alice)
    response = client.post(reverse("debriefs:follow_up_toggle", args=[follow_up.pk]),
                           {"next": next_url})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")


@PROPERTY
@given(starts_at=st.datetimes(min_value=datetime.datetime(1, 1, 2),
                              timezones=st.just(datetime.UTC)))
@example(starts_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC))
def test_the_calendar_feed_answers_for_any_stored_meeting_date(client, alice, starts_at):
    with rolled_back():
        MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, starts_at=starts_at)
        response = client.get(reverse("debriefs:calendar_feed", args=[alice.calendar_token]))
        assert response.status_code == 200

