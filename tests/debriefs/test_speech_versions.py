"""Earlier versions of the stump speech: kept on every change, restorable, and recorded
on each debrief as the version delivered (issue 13)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debriefs.models import Debrief, Package, StumpSpeechVersion
from tests.debriefs.test_debrief_form import form_data
from tests.debriefs.test_package import package_data
from tests.factories import DebriefFactory, PackageFactory

PACKAGE = "/package/"


def restore_url(version) -> str:
    return reverse("debriefs:speech_version_restore", args=[version.pk])


def test_the_first_save_keeps_the_stump_speech_as_its_first_version(client, alice):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    version = StumpSpeechVersion.objects.get(owner=alice)
    assert version.who_i_am == "I'm Alice, an emergency physician."
    assert version.word_count == Package.objects.get(owner=alice).speech_word_count


def test_changing_the_stump_speech_keeps_the_earlier_text_as_a_version(client, alice):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    client.post(PACKAGE, package_data(who_i_am="I'm Alice, a physician moving into product."))
    newest, earlier = StumpSpeechVersion.objects.filter(owner=alice)
    assert newest.who_i_am == "I'm Alice, a physician moving into product."
    assert earlier.who_i_am == "I'm Alice, an emergency physician."
    page = client.get(PACKAGE).text
    assert "Earlier versions of your stump speech" in page
    assert "I&#x27;m Alice, an emergency physician." in page
    assert f'data-speech-version="{earlier.pk}"' in page
    assert f'data-speech-version="{newest.pk}"' not in page  # the text now is not "earlier"


def test_saving_the_same_stump_speech_again_keeps_no_new_version(client, alice):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    client.post(PACKAGE, package_data())  # a double submit, or a save of the questions only
    client.post(PACKAGE, package_data(industry_questions="Only the questions changed?"))
    assert StumpSpeechVersion.objects.filter(owner=alice).count() == 1


def test_restoring_a_version_makes_it_the_stump_speech_and_keeps_the_replaced_text(
    client, alice
):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    client.post(PACKAGE, package_data(who_i_am="A newer opening line."))
    earlier = StumpSpeechVersion.objects.filter(owner=alice).last()
    response = client.post(restore_url(earlier))
    assert response.status_code == 302
    assert response["Location"] == PACKAGE + "#stump-speech"
    assert Package.objects.get(owner=alice).who_i_am == "I'm Alice, an emergency physician."
    texts = [v.who_i_am for v in StumpSpeechVersion.objects.filter(owner=alice)]
    assert texts[0] == "I'm Alice, an emergency physician."  # the text now
    assert "A newer opening line." in texts  # the replaced text, kept


def test_restoring_twice_keeps_one_version_of_the_restored_text(client, alice):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    client.post(PACKAGE, package_data(who_i_am="A newer opening line."))
    earlier = StumpSpeechVersion.objects.filter(owner=alice).last()
    client.post(restore_url(earlier))
    client.post(restore_url(earlier))
    assert StumpSpeechVersion.objects.filter(owner=alice).count() == 3


def test_restoring_keeps_a_speech_saved_before_versions_existed(client, alice):
    package = PackageFactory(owner=alice, who_i_am="Written before versions.")
    old = StumpSpeechVersion.objects.create(owner=alice, **{
        **package.speech_parts, "who_i_am": "An older text."})
    client.force_login(alice)
    client.post(restore_url(old))
    assert "Written before versions." in [
        v.who_i_am for v in StumpSpeechVersion.objects.filter(owner=alice)]


def test_restoring_another_users_version_is_a_404_and_changes_nothing(client, alice, charlie):
    theirs = StumpSpeechVersion.objects.create(owner=charlie, who_i_am="Charlie's speech.")
    PackageFactory(owner=alice)
    client.force_login(alice)
    assert client.post(restore_url(theirs)).status_code == 404
    assert Package.objects.get(owner=alice).who_i_am != "Charlie's speech."


def test_restoring_needs_a_post(client, alice):
    version = StumpSpeechVersion.objects.create(owner=alice, who_i_am="Mine.")
    client.force_login(alice)
    assert client.get(restore_url(version)).status_code == 405


def test_a_new_debrief_offers_the_current_version_as_the_one_used(client, alice, meeting):
    PackageFactory(owner=alice)
    client.force_login(alice)
    response = client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
    current = StumpSpeechVersion.objects.get(owner=alice)
    assert "Stump speech you used" in response.text
    assert f'<option value="{current.pk}" selected>' in response.text


def test_opening_a_new_debrief_when_the_version_is_kept_only_reads(client, alice, meeting):
    PackageFactory(owner=alice).keep_speech_version()
    client.force_login(alice)
    url = reverse("debriefs:debrief_edit", args=[meeting.pk])
    client.get(url)  # creates the empty draft
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert not any("FOR UPDATE" in q["sql"] or q["sql"].startswith(("INSERT", "UPDATE"))
                   for q in captured.captured_queries)
    current = StumpSpeechVersion.objects.get(owner=alice)
    assert f'<option value="{current.pk}" selected>' in response.text


def test_the_debrief_records_which_version_was_delivered(client, alice, meeting):
    PackageFactory(owner=alice)
    client.force_login(alice)
    client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
    version = StumpSpeechVersion.objects.get(owner=alice)
    client.post(reverse("debriefs:debrief_edit", args=[meeting.pk]),
                form_data(stump_speech_version=str(version.pk)))
    assert Debrief.objects.get(meeting=meeting).stump_speech_version == version
    detail = client.get(reverse("debriefs:meeting_detail", args=[meeting.pk])).text
    assert "data-speech-version" in detail
    assert f"({version.word_count} words)" in detail


def test_another_users_version_on_the_debrief_is_a_field_error(client, alice, charlie, meeting):
    theirs = StumpSpeechVersion.objects.create(owner=charlie, who_i_am="Charlie's speech.")
    client.force_login(alice)
    client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
    response = client.post(reverse("debriefs:debrief_edit", args=[meeting.pk]),
                           form_data(stump_speech_version=str(theirs.pk)))
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert Debrief.objects.get(meeting=meeting).stump_speech_version is None


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999"])
def test_a_nonsense_version_is_a_field_error(client, alice, meeting, value):
    client.force_login(alice)
    client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
    response = client.post(reverse("debriefs:debrief_edit", args=[meeting.pk]),
                           form_data(stump_speech_version=value))
    assert response.status_code == 422


def test_the_coach_sees_which_version_was_delivered(client, alice, carol, meeting):
    version = StumpSpeechVersion.objects.create(owner=alice, who_i_am="One two three.")
    debrief = DebriefFactory(meeting=meeting, is_draft=False, stump_speech_version=version)
    client.force_login(carol)
    response = client.get(reverse("coach:review", args=[debrief.pk]))
    assert "the version of" in response.text
    assert "(3 words)" in response.text


def test_deleting_a_version_leaves_the_debrief_without_one(alice, meeting):
    version = StumpSpeechVersion.objects.create(owner=alice, who_i_am="Mine.")
    debrief = DebriefFactory(meeting=meeting, stump_speech_version=version)
    version.delete()
    debrief.refresh_from_db()
    assert debrief.stump_speech_version is None


def test_saving_in_place_also_refreshes_the_earlier_versions(client, alice):
    client.force_login(alice)
    client.post(PACKAGE, package_data())
    response = client.post(PACKAGE, package_data(who_i_am="A newer opening line."),
                           HTTP_HX_REQUEST="true")
    assert 'id="speech-versions" aria-labelledby="speech-versions-title" hx-swap-oob="true"' \
        in response.text
    assert "I&#x27;m Alice, an emergency physician." in response.text
