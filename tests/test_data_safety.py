"""Nothing lost, nothing doubled: a client's records are kept like health records.

Double submits make one row (a submission token in every creating form, a unique
constraint behind it), a stale edit cannot overwrite a newer one (a version check), a
client can take all their data away and delete their account, and a backup restores
every row.
"""

import csv
import io
import json
import threading
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from config import backup
from contacts.models import Contact
from debriefs.models import (
    ClientReviewTally,
    Comment,
    CoreCompetency,
    Debrief,
    DebriefView,
    DigestSent,
    DismissedSuggestion,
    FollowUp,
    Package,
    QuestionAsked,
    StumpSpeechVersion,
)
from tests.factories import (
    PASSWORD,
    CommentFactory,
    CompetencyCitedFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingFactory,
    PackageFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
AT_ONCE = 3


def post_at_once(user, url: str, data: dict, times: int = AT_ONCE, **extra) -> list:
    """POST the same data from `times` threads at the same moment, each with its own
    client and database connection (like a double click reaching two server workers)."""
    barrier = threading.Barrier(times)
    responses, errors = [None] * times, []

    def post(index):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=10)
            responses[index] = client.post(url, data, **extra)
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return responses


def contact_data(**changes) -> dict:
    data = {"name": "Grace Liu", "organisation": "Brightline", "role_title": "", "field": "",
            "email": "", "phone": "", "linkedin_url": "", "referred_by": "", "referred_in": "",
            "how_we_met": "", "status": "to_contact", "responsiveness": "unknown",
            "tags": "", "notes": "", "submission_token": str(uuid.uuid4())}
    return data | changes


def follow_up_data(**changes) -> dict:
    data = {"title": "Send Lena the article", "due_on": timezone.localdate().isoformat(),
            "contact": "", "submission_token": str(uuid.uuid4())}
    return data | changes


def referral_data(**changes) -> dict:
    data = {"referral-name": "Tom Becker", "referral-organisation": "Halden",
            "referral-email": "", "referral-submission_token": str(uuid.uuid4())}
    return data | changes


# 1. Double submits


def test_the_contact_form_carries_a_submission_token(client, alice):
    client.force_login(alice)
    html = client.get(reverse("contacts:create")).text
    assert 'name="submission_token"' in html


def test_a_contact_posted_twice_is_added_once(client, alice):
    client.force_login(alice)
    data = contact_data()
    first = client.post(reverse("contacts:create"), data)
    second = client.post(reverse("contacts:create"), data)
    grace = Contact.objects.get(owner=alice)
    assert first.url == second.url == reverse("contacts:detail", args=[grace.pk])


@pytest.mark.django_db(transaction=True)
def test_a_contact_posted_from_several_requests_at_once_is_added_once(alice):
    responses = post_at_once(alice, reverse("contacts:create"), contact_data())
    grace = Contact.objects.get(owner=alice)
    assert {r.url for r in responses} == {reverse("contacts:detail", args=[grace.pk])}


def test_the_follow_up_forms_carry_a_submission_token(client, alice):
    meeting = MeetingFactory(owner=alice)
    client.force_login(alice)
    assert 'name="submission_token"' in client.get(reverse("debriefs:follow_up_list")).text
    assert 'name="submission_token"' in client.get(reverse("debriefs:follow_up_create")).text
    detail = client.get(reverse("debriefs:meeting_detail", args=[meeting.pk])).text
    assert 'name="submission_token"' in detail


def test_a_follow_up_posted_twice_is_added_once(client, alice):
    client.force_login(alice)
    data = follow_up_data()
    first = client.post(reverse("debriefs:follow_up_create"), data)
    second = client.post(reverse("debriefs:follow_up_create"), data)
    assert FollowUp.objects.filter(owner=alice).count() == 1
    assert first.url == second.url


@pytest.mark.django_db(transaction=True)
def test_a_follow_up_posted_from_several_requests_at_once_is_added_once(alice):
    post_at_once(alice, reverse("debriefs:follow_up_create"), follow_up_data())
    assert FollowUp.objects.filter(owner=alice).count() == 1


def test_two_follow_ups_with_the_same_title_from_two_forms_are_both_kept(client, alice):
    client.force_login(alice)
    client.post(reverse("debriefs:follow_up_create"), follow_up_data())
    client.post(reverse("debriefs:follow_up_create"), follow_up_data())
    assert FollowUp.objects.filter(owner=alice).count() == 2


def test_the_referral_form_carries_a_submission_token(client, alice):
    meeting = MeetingFactory(owner=alice)
    client.force_login(alice)
    html = client.get(reverse("debriefs:debrief_edit", args=[meeting.pk])).text
    assert 'name="referral-submission_token"' in html


def test_a_referral_posted_twice_is_added_once_and_both_answers_say_added(client, alice):
    meeting = MeetingFactory(owner=alice)
    client.force_login(alice)
    data = referral_data()
    url = reverse("debriefs:referral_add", args=[meeting.pk])
    first = client.post(url, data, **HTMX)
    second = client.post(url, data, **HTMX)
    assert Contact.objects.filter(owner=alice, name="Tom Becker").count() == 1
    assert "Tom Becker is in your contacts at tier 2" in first.text
    assert "Tom Becker is in your contacts at tier 2" in second.text
    assert "already a referral" not in second.text


@pytest.mark.django_db(transaction=True)
def test_a_referral_posted_from_several_requests_at_once_is_added_once(alice):
    meeting = MeetingFactory(owner=alice)
    post_at_once(alice, reverse("debriefs:referral_add", args=[meeting.pk]), referral_data())
    assert Contact.objects.filter(owner=alice, name="Tom Becker").count() == 1


def accept_thank_you(meeting) -> tuple[str, dict]:
    url = reverse("debriefs:suggestion_accept", args=[meeting.pk])
    return url, {"code": "send-thank-you", "contact": str(meeting.contact_id)}


def test_accepting_a_suggestion_twice_makes_one_follow_up(client, alice):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice), thank_you_sent_on=None)
    client.force_login(alice)
    url, data = accept_thank_you(debrief.meeting)
    client.post(url, data)
    client.post(url, data)
    assert FollowUp.objects.filter(owner=alice, suggestion_code="send-thank-you").count() == 1


@pytest.mark.django_db(transaction=True)
def test_accepting_a_suggestion_from_several_requests_at_once_makes_one_follow_up(alice):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice), thank_you_sent_on=None)
    url, data = accept_thank_you(debrief.meeting)
    responses = post_at_once(alice, url, data, **HTMX)
    assert FollowUp.objects.filter(owner=alice, suggestion_code="send-thank-you").count() == 1
    assert all(r.status_code == 200 for r in responses)


def write_to_referral(alice) -> tuple[str, dict]:
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    paul = ContactFactory(owner=alice, name="Paul Nguyen", referred_by=lena)
    return reverse("debriefs:network_suggestion_accept"), {
        "code": "contact-referral", "contact": str(paul.pk)}


def test_accepting_a_home_suggestion_twice_makes_one_follow_up(client, alice):
    url, data = write_to_referral(alice)
    client.force_login(alice)
    client.post(url, data)
    client.post(url, data)
    assert FollowUp.objects.filter(owner=alice, suggestion_code="contact-referral").count() == 1


@pytest.mark.django_db(transaction=True)
def test_accepting_a_home_suggestion_from_several_requests_at_once_makes_one_follow_up(alice):
    url, data = write_to_referral(alice)
    post_at_once(alice, url, data)
    assert FollowUp.objects.filter(owner=alice, suggestion_code="contact-referral").count() == 1


def comment_data(**changes) -> dict:
    return {"body": "Thank you for the pointer.", "submission_token": str(uuid.uuid4())} | changes


def test_the_comment_form_carries_a_submission_token(client, alice, carol):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
    client.force_login(alice)
    html = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting_id])).text
    assert 'name="submission_token"' in html.split('id="thread"')[1]


def test_a_comment_posted_twice_is_added_once(client, alice, carol):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
    client.force_login(alice)
    data = comment_data()
    client.post(reverse("coach:comment", args=[debrief.pk]), data)
    client.post(reverse("coach:comment", args=[debrief.pk]), data)
    assert Comment.objects.filter(debrief=debrief).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_comment_posted_from_several_requests_at_once_is_added_once(alice, carol):
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
    post_at_once(carol, reverse("coach:comment", args=[debrief.pk]), comment_data())
    assert Comment.objects.filter(debrief=debrief).count() == 1


def package_with_a_new_competency() -> dict:
    return {
        "who_i_am": "I'm Alice.", "what_i_have_done": "", "what_i_want_to_do": "",
        "how_you_can_help_me": "", "how_i_can_help_you": "", "industry_questions": "",
        "competency-TOTAL_FORMS": "2", "competency-INITIAL_FORMS": "0",
        "competency-MIN_NUM_FORMS": "0", "competency-MAX_NUM_FORMS": "20",
        "competency-0-name": "Clinical safety", "competency-0-example": "The sepsis huddle.",
    }


def test_a_package_posted_twice_keeps_one_of_each_new_competency(client, alice):
    client.force_login(alice)
    client.post(reverse("debriefs:package"), package_with_a_new_competency())
    client.post(reverse("debriefs:package"), package_with_a_new_competency())
    assert CoreCompetency.objects.filter(package__owner=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_first_package_posted_from_several_requests_at_once_is_saved_once(alice):
    responses = post_at_once(alice, reverse("debriefs:package"),
                             package_with_a_new_competency())
    assert all(r.status_code == 302 for r in responses)
    assert Package.objects.filter(owner=alice).count() == 1
    assert CoreCompetency.objects.filter(package__owner=alice).count() == 1


# 2. Contact edits: a stale form never overwrites a newer save


def edit_data(contact, **changes) -> dict:
    data = contact_data(name=contact.name, organisation=contact.organisation,
                        notes=contact.notes, version=str(contact.version))
    del data["submission_token"]
    return data | changes


def test_the_contact_edit_form_carries_the_version_it_was_opened_at(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    client.force_login(alice)
    html = client.get(reverse("contacts:edit", args=[lena.pk])).text
    assert f'name="version" value="{lena.version}"' in html


def test_saving_a_contact_edit_raises_its_version(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    client.force_login(alice)
    response = client.post(reverse("contacts:edit", args=[lena.pk]),
                           edit_data(lena, notes="Met at the cardiology congress."))
    assert response.url == reverse("contacts:detail", args=[lena.pk])
    lena.refresh_from_db()
    assert (lena.notes, lena.version) == ("Met at the cardiology congress.", 2)


def test_a_stale_contact_edit_overwrites_nothing_and_shows_both_texts(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer", notes="First note.")
    client.force_login(alice)
    url = reverse("contacts:edit", args=[lena.pk])
    stale = edit_data(lena, notes="Typed in the old tab.")
    client.post(url, edit_data(lena, notes="Saved in the other tab."))
    response = client.post(url, stale)
    assert response.status_code == 409
    lena.refresh_from_db()
    assert lena.notes == "Saved in the other tab."
    assert "was changed somewhere else" in response.text
    saved = response.text.split('id="conflict"')[1].split("</div>")[0]
    assert "Saved in the other tab." in saved
    assert "Typed in the old tab.</textarea>" in response.text


def test_after_a_contact_conflict_saving_again_keeps_the_typed_input(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    client.force_login(alice)
    url = reverse("contacts:edit", args=[lena.pk])
    stale = edit_data(lena, notes="Typed in the old tab.")
    client.post(url, edit_data(lena, notes="Saved in the other tab."))
    conflict_page = client.post(url, stale)
    again = stale | {"version": conflict_page.context["form"]["version"].value()}
    response = client.post(url, again)
    assert response.status_code == 302
    lena.refresh_from_db()
    assert lena.notes == "Typed in the old tab."


def test_a_status_change_makes_an_older_edit_form_stale(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    client.force_login(alice)
    stale = edit_data(lena, notes="Typed before the status changed.")
    client.post(reverse("contacts:status", args=[lena.pk]), {"status": "reached_out"})
    response = client.post(reverse("contacts:edit", args=[lena.pk]), stale)
    assert response.status_code == 409
    lena.refresh_from_db()
    assert (lena.status, lena.notes) == ("reached_out", "")
    assert "Reached out" in response.text.split('id="conflict"')[1].split("</div>")[0]


def test_the_status_quick_change_still_works_and_a_fresh_edit_form_saves(client, alice):
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    client.force_login(alice)
    response = client.post(reverse("contacts:status", args=[lena.pk]),
                           {"status": "reached_out"}, **HTMX)
    assert "Reached out" in response.text
    lena.refresh_from_db()
    assert (lena.status, lena.version) == ("reached_out", 2)
    response = client.post(reverse("contacts:edit", args=[lena.pk]),
                           edit_data(lena, status="reached_out", notes="Wrote on Monday."))
    assert response.status_code == 302
    lena.refresh_from_db()
    assert (lena.status, lena.notes) == ("reached_out", "Wrote on Monday.")


def test_moving_tiers_below_does_not_make_an_edit_form_stale(client, alice):
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah)
    james = ContactFactory(owner=alice, name="James Patel")
    client.force_login(alice)
    stale = edit_data(ethan, referred_by=str(sarah.pk), notes="Typed meanwhile.")
    client.post(reverse("contacts:edit", args=[sarah.pk]),
                edit_data(sarah, referred_by=str(james.pk)))
    response = client.post(reverse("contacts:edit", args=[ethan.pk]), stale)
    assert response.status_code == 302
    ethan.refresh_from_db()
    assert (ethan.tier, ethan.notes) == (3, "Typed meanwhile.")


# 3. Taking one's data away


def a_client_with_everything(client_user, coach, tag: str):
    """One row of every kind a client has, with `tag` in their texts to find them by."""
    contact = ContactFactory(owner=client_user, name=f"Contact {tag}", notes=f"Note {tag}",
                           tags=[f"tag-{tag.lower()}"])
    referral = ContactFactory(owner=client_user, name=f"Referral {tag}", referred_by=contact)
    meeting = MeetingFactory(owner=client_user, contact=contact, location=f"Place {tag}")
    debrief = DebriefFactory(meeting=meeting, notes=f"Debrief {tag}", thank_you_sent_on=None)
    referral.referred_in = meeting
    referral.save(update_fields=["referred_in"])
    CompetencyCitedFactory(debrief=debrief, name=f"Cited {tag}")
    FollowUpFactory(owner=client_user, contact=contact, meeting=meeting, title=f"Step {tag}")
    package = PackageFactory(owner=client_user, who_i_am=f"Package {tag}")
    CoreCompetencyFactory(package=package, name=f"Competency {tag}")
    StumpSpeechVersion.objects.create(owner=client_user, who_i_am=f"Earlier speech {tag}")
    QuestionAsked.objects.create(debrief=debrief, question=f"Question {tag}?")
    CommentFactory(debrief=debrief, author=client_user, body=f"Client comment {tag}")
    CommentFactory(debrief=debrief, author=coach, body=f"Coach comment {tag}")
    DebriefView.objects.create(debrief=debrief, coach=coach)
    DismissedSuggestion.objects.create(owner=client_user, debrief=debrief,
                                       code="lead-the-questions")
    DismissedSuggestion.objects.create(owner=client_user, code="keep-in-touch",
                                       contact=contact, meeting=meeting)
    InvitationFactory(coach=coach, email=client_user.email, accepted_at=timezone.now(),
                      accepted_by=client_user)
    DigestSent.objects.create(client=client_user, day=timezone.localdate())
    return debrief


DATA_FILES = ["contacts", "meetings", "debriefs", "competencies_cited", "follow_ups",
              "package", "core_competencies", "comments", "coach_views",
              "dismissed_suggestions", "stump_speech_versions", "questions_asked"]


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("debriefs:account_data"))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_account_page_offers_the_data_download(client, alice):
    client.force_login(alice)
    html = client.get(reverse("accounts:account")).text
    assert f'href="{reverse("debriefs:account_data")}"' in html


def test_the_download_holds_a_json_and_a_csv_file_of_each_kind_of_data(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    names = set(download(client, alice).namelist())
    expected = {f"{name}.{ext}" for name in DATA_FILES for ext in ("json", "csv")}
    assert expected | {"profile.json", "README.txt"} <= names


def test_each_file_holds_the_clients_rows_and_none_of_another_clients(
        client, alice, carol, charlie, dave):
    a_client_with_everything(alice, carol, "Alice")
    a_client_with_everything(charlie, dave, "Charlie")
    archive = download(client, alice)
    for name in DATA_FILES:
        rows = json.loads(archive.read(f"{name}.json"))
        text = archive.read(f"{name}.json").decode()
        assert rows, f"{name}.json is empty"
        assert "Charlie" not in text, f"{name}.json holds another client's data"
    texts = {name: archive.read(f"{name}.json").decode() for name in DATA_FILES}
    assert "Note Alice" in texts["contacts"] and "Referral Alice" in texts["contacts"]
    assert "Place Alice" in texts["meetings"]
    assert "Debrief Alice" in texts["debriefs"]
    assert "Cited Alice" in texts["competencies_cited"]
    assert "Step Alice" in texts["follow_ups"]
    assert "Package Alice" in texts["package"]
    assert "Competency Alice" in texts["core_competencies"]
    assert "Earlier speech Alice" in texts["stump_speech_versions"]
    assert "Question Alice?" in texts["questions_asked"]
    assert "Client comment Alice" in texts["comments"]
    assert "Coach comment Alice" in texts["comments"]
    assert "carol@example.com" in texts["coach_views"]
    assert "lead-the-questions" in texts["dismissed_suggestions"]
    assert "keep-in-touch" in texts["dismissed_suggestions"]
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "alice@example.com"
    assert profile["coach"]["email"] == "carol@example.com"


def test_each_csv_file_has_the_rows_of_its_json_file(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    archive = download(client, alice)
    for name in DATA_FILES:
        rows = json.loads(archive.read(f"{name}.json"))
        table = list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))
        assert [row["id"] for row in table] == [str(row["id"]) for row in rows], name


def test_the_download_keeps_secrets_out(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    archive = download(client, alice)
    everything = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert str(alice.calendar_token) not in everything
    assert alice.password not in everything


def test_a_coach_downloads_their_own_words_and_invitations_and_no_clients_data(
        client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    archive = download(client, carol)
    names = set(archive.namelist())
    assert {"profile.json", "comments_written.json", "invitations.json"} <= names
    assert "contacts.json" not in names and "debriefs.json" not in names
    everything = "".join(archive.read(name).decode("utf-8-sig") for name in names)
    assert "Coach comment Alice" in everything
    assert "Client comment Alice" not in everything and "Debrief Alice" not in everything


def test_the_download_needs_a_login(client):
    response = client.get(reverse("debriefs:account_data"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# 4. Deleting one's account


# Rows someone else owns that only point at the deleted user: they stay, the link cleared.
KEPT_WITH_THE_LINK_CLEARED = {
    (User, "coach"): "a coach's clients keep their accounts and data",
    (Invitation, "accepted_by"): "the coach's list of invitations (the address is cleared)",
    (Debrief, "reviewed_by"): "the client's debrief; only who reviewed it is forgotten",
    (Comment, "author"): "a coach's comment stays in the client's thread",
    (DebriefView, "coach"): "the client's record that their coach opened the debrief",
    (ClientReviewTally, "coach"): "the client's review counts (the coach copied, cleared)",
}


def paths_to_a_user(model, visited=()) -> list[str]:
    """Every lookup from `model` to the user who owns its rows, through foreign keys
    (e.g. "debrief__owner"), leaving out the links kept with the link cleared."""
    user_model = get_user_model()
    paths = []
    for field in model._meta.get_fields():
        if not field.concrete or not (field.many_to_one or field.one_to_one):
            continue
        if (model, field.name) in KEPT_WITH_THE_LINK_CLEARED:
            continue
        target = field.related_model
        if target is user_model:
            paths.append(field.name)
        elif target is not model and target not in visited:
            paths += [f"{field.name}__{path}"
                      for path in paths_to_a_user(target, visited + (model,))]
    return paths


def rows_reachable_from(user) -> dict[tuple, set[int]]:
    """For every model and path to a user, the ids of the rows that lead to `user`."""
    return {
        (model, path): set(
            model._base_manager.filter(**{path: user}).values_list("pk", flat=True)
        )
        for model in apps.get_models(include_auto_created=True)
        for path in paths_to_a_user(model)
    }


def delete_account(client, user, password=PASSWORD):
    client.force_login(user)
    return client.post(reverse("debriefs:account_delete"), {"password": password})


def test_the_account_page_offers_to_delete_the_account(client, alice):
    client.force_login(alice)
    html = client.get(reverse("accounts:account")).text
    assert f'href="{reverse("debriefs:account_delete")}"' in html


def test_the_delete_page_says_what_will_be_deleted(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    client.force_login(alice)
    html = client.get(reverse("debriefs:account_delete")).text
    assert "2 contacts" in html and "1 meeting" in html and 'name="password"' in html


def test_a_coachs_delete_page_says_their_clients_keep_their_data(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    client.force_login(carol)
    html = client.get(reverse("debriefs:account_delete")).text
    assert "Your 1 client keeps their account and all their data" in html
    assert "your former coach" in html


def test_a_wrong_password_deletes_nothing(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    response = delete_account(client, alice, password="not-the-password")
    assert response.status_code == 422
    assert "password is not right" in response.text
    assert User.objects.filter(pk=alice.pk).exists()
    assert Contact.objects.filter(owner=alice).count() == 2


def signed_in_everywhere(user) -> None:
    """A session, a group and a permission: the rows Django itself keeps for a user."""
    Client().force_login(user)
    user.groups.add(Group.objects.get_or_create(name="Pilot")[0])
    user.user_permissions.add(Permission.objects.order_by("pk").first())


@pytest.mark.parametrize("deleted", ["alice", "carol"])
def test_deleting_an_account_removes_every_row_of_theirs_and_keeps_everyone_elses(
        client, alice, carol, charlie, dave, deleted):
    a_client_with_everything(alice, carol, "Alice").mark_reviewed(by=carol)
    a_client_with_everything(charlie, dave, "Charlie")
    InvitationFactory(coach=carol)
    people = {"alice": alice, "carol": carol, "charlie": charlie, "dave": dave}
    for person in people.values():
        signed_in_everywhere(person)
    reachable = {name: rows_reachable_from(person) for name, person in people.items()}
    project_models = {model for model, _ in reachable["alice"] | reachable["carol"]
                      if model._meta.app_label in {"accounts", "contacts", "debriefs"}}
    filled = {model for rows in (reachable["alice"], reachable["carol"])
              for (model, _), pks in rows.items() if pks}
    assert project_models <= filled, f"give Alice or Carol a row of: {project_models - filled}"

    delete_account(client, people[deleted])

    assert not User.objects.filter(pk=people[deleted].pk).exists()
    for (model, path), pks in reachable[deleted].items():
        left = model._base_manager.filter(pk__in=pks)
        assert not left.exists(), f"{model.__name__} rows left through {path}"
    for name in set(people) - {deleted}:
        for (model, path), pks in reachable[name].items():
            kept = model._base_manager.filter(pk__in=pks).count()
            assert kept == len(pks), f"{name}'s {model.__name__} rows ({path}) went too"


def test_deleting_a_client_ends_the_coach_link_and_clears_their_address(client, alice, carol):
    a_client_with_everything(alice, carol, "Alice")
    delete_account(client, alice)
    assert not carol.clients.exists()
    invitation = Invitation.objects.get(coach=carol)
    assert (invitation.accepted_by, invitation.email) == (None, "")


def test_deleting_the_account_logs_out_with_a_message(client, alice):
    response = delete_account(client, alice)
    assert response.url == reverse("accounts:login")
    page = client.get(response.url).text
    assert "Your account and all its data are deleted." in page
    assert "_auth_user_id" not in client.session


def test_a_coach_deleting_their_account_unlinks_clients_and_keeps_their_data(
        client, alice, carol):
    debrief = a_client_with_everything(alice, carol, "Alice")
    debrief.mark_reviewed(by=carol)
    delete_account(client, carol)
    alice.refresh_from_db()
    assert alice.coach is None
    assert Contact.objects.filter(owner=alice).count() == 2
    debrief.refresh_from_db()
    assert debrief.reviewed_at is not None and debrief.reviewed_by is None
    coach_comment = Comment.objects.get(body="Coach comment Alice")
    assert coach_comment.author is None
    assert DebriefView.objects.filter(debrief=debrief, coach=None).count() == 1
    assert not Invitation.objects.exists()


def test_a_deleted_coachs_comments_read_as_from_a_former_coach(client, alice, carol):
    debrief = a_client_with_everything(alice, carol, "Alice")
    delete_account(client, carol)
    client.force_login(alice)
    html = client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting_id])).text
    thread = html.split('id="thread"')[1]
    assert "Coach comment Alice" in thread
    assert "Your former coach" in thread


@pytest.mark.parametrize("size", [1, 6])
def test_the_download_uses_a_fixed_number_of_queries(
        client, alice, carol, size, django_assert_max_num_queries):
    a_client_with_everything(alice, carol, "Alice")
    for _ in range(size - 1):
        debrief = DebriefFactory(meeting=MeetingFactory(owner=alice))
        CompetencyCitedFactory(debrief=debrief)
        CommentFactory(debrief=debrief, author=carol)
        DebriefView.objects.create(debrief=debrief, coach=carol)
        FollowUpFactory(owner=alice, meeting=debrief.meeting, contact=debrief.meeting.contact)
    client.force_login(alice)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("debriefs:account_data"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert len(json.loads(archive.read("meetings.json"))) == size


# 5. Backup and restore


def database_url(settings: dict, name: str) -> str:
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = quote(settings["HOST"] or "localhost", safe="")
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{quote(settings['USER'], safe='')}{password}@{host}{port}/{name}"


def every_row(cursor) -> dict[str, list[tuple]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture
def scratch_database():
    """An empty database beside the test database, dropped at the end."""
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    admin = psycopg.connect(
        host=settings["HOST"] or None, port=settings["PORT"] or None,
        user=settings["USER"] or None, password=settings["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    admin.execute(drop)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        admin.execute(drop)
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row(
        alice, carol, charlie, dave, scratch_database, tmp_path):
    if not backup.installed_tools():
        pytest.skip("pg_dump is not installed")
    a_client_with_everything(alice, carol, "Alice")
    a_client_with_everything(charlie, dave, "Charlie")
    settings = connection.settings_dict
    source_url = database_url(settings, settings["NAME"])
    target_url = database_url(settings, scratch_database)

    dump_file = backup.dump(source_url, tmp_path / "backup.dump")
    copy = backup.restore(target_url, dump_file, keep_copy_in=tmp_path)

    with connection.cursor() as cursor:
        before = every_row(cursor)
    with backup.connect(target_url) as restored:
        after = every_row(restored.cursor())
    assert sum(len(rows) for rows in before.values()) > 50
    assert after == before
    assert copy is not None and copy.stat().st_size > 0


def test_make_backup_and_restore_are_in_the_makefile_and_backups_are_not_committed():
    root = Path(__file__).resolve().parent.parent
    makefile = (root / "Makefile").read_text()
    assert "\nbackup:" in makefile and "\nrestore:" in makefile
    assert "backups/" in (root / ".gitignore").read_text().split()
