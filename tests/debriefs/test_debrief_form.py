import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.flags import fields_read
from debriefs.models import Debrief, DismissedSuggestion, FollowUp, Meeting
from tests.factories import ContactFactory, MeetingFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(version=1, **changes):
    data = {
        "version": str(version),
        "notes": "We talked about digital health.",
        "stump_speech_delivered": "yes",
        "branch": "tell_me_more",
        "questions_led_by": "me",
        "job_hinted": "False",
        "industry_questions": "How is the field changing?\nWho succeeds here?",
        "learnt": "Regulation is the bottleneck.",
        "impression": "neutral",
        "referral_names": "",
        "thank_you_sent_on": "",
        "competency-TOTAL_FORMS": "2",
        "competency-INITIAL_FORMS": "0",
        "competency-0-name": "Clinical safety",
        "competency-0-gave_example": "on",
        "competency-1-name": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def url(name, meeting):
    return reverse(f"debriefs:{name}", args=[meeting.pk])


def test_opening_the_form_starts_a_draft(client, alice, meeting):
    client.force_login(alice)
    response = client.get(url("debrief_edit", meeting))
    assert response.status_code == 200
    assert Debrief.objects.get(meeting=meeting).is_draft
    assert "Keep this debrief private from my coach" in response.text
    assert 'aria-live="polite"' in response.text


def test_the_form_follows_the_order_of_the_meeting(client, alice, meeting):
    client.force_login(alice)
    text = client.get(url("debrief_edit", meeting)).text
    order = ["The opening", "The conversation", "Questions and learning",
             "Competencies you cited", "How it went", "Referrals", "Follow-ups"]
    positions = [text.index(f"<h2>{heading}</h2>") for heading in order]
    assert positions == sorted(positions)


def test_yes_no_questions_are_segmented_radios(client, alice, meeting):
    client.force_login(alice)
    text = client.get(url("debrief_edit", meeting)).text
    assert 'type="radio" name="job_hinted" value="True"' in text
    assert 'type="radio" name="wants_job" value="unsure"' in text


def test_saving_the_debrief_finishes_it_and_shows_the_next_steps(client, alice, meeting):
    client.force_login(alice)
    response = client.post(url("debrief_edit", meeting), form_data())
    assert response.url == url("meeting_detail", meeting)
    debrief = Debrief.objects.get(meeting=meeting)
    assert not debrief.is_draft
    assert debrief.version == 2
    assert list(debrief.competencies.values_list("name", "gave_example")) == [
        ("Clinical safety", True)]
    page = client.get(response.url).text
    assert 'data-suggestion="send-thank-you"' in page


def test_keep_as_draft_saves_without_finishing(client, alice, meeting):
    client.force_login(alice)
    client.post(url("debrief_edit", meeting), form_data(save_draft="1"))
    assert Debrief.objects.get(meeting=meeting).is_draft


def test_saving_marks_a_planned_meeting_held_and_the_contact_met(client, alice, lena):
    meeting = MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED)
    client.force_login(alice)
    client.get(url("debrief_edit", meeting))
    client.post(url("debrief_edit", meeting), form_data())
    meeting.refresh_from_db()
    lena.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert lena.status == Contact.Status.MET


def test_a_meeting_still_ahead_has_no_debrief_yet(client, alice, lena):
    meeting = MeetingFactory(owner=alice, contact=lena, status=Meeting.Status.PLANNED,
                             starts_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(alice)
    response = client.get(url("debrief_edit", meeting))
    assert response.url == url("meeting_detail", meeting)
    assert not Debrief.objects.exists()


def test_a_thank_you_date_in_the_future_is_refused_next_to_the_field(client, alice, meeting):
    client.force_login(alice)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url("debrief_edit", meeting),
                           form_data(thank_you_sent_on=tomorrow.isoformat()))
    assert response.status_code == 422
    assert "That date is in the future" in response.text
    assert "We talked about digital health." in response.text


def test_wants_job_is_cleared_when_no_job_was_hinted(client, alice, meeting):
    client.force_login(alice)
    client.post(url("debrief_edit", meeting), form_data(job_hinted="False", wants_job="yes"))
    assert Debrief.objects.get(meeting=meeting).wants_job == ""


def test_a_stale_tab_does_not_overwrite_and_sees_both_texts(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    client.post(url("debrief_edit", meeting), form_data(version=1, notes="Saved in tab one."))
    response = client.post(url("debrief_edit", meeting),
                           form_data(version=1, notes="Typed in tab two."))
    assert response.status_code == 409
    assert "This debrief was changed somewhere else" in response.text
    assert "Saved in tab one." in response.text
    assert "Typed in tab two." in response.text
    debrief.refresh_from_db()
    assert debrief.notes == "Saved in tab one."
    assert 'name="version" value="2"' in response.text


def test_after_a_conflict_saving_again_keeps_the_later_choice(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    client.post(url("debrief_edit", meeting), form_data(version=1, notes="One."))
    client.post(url("debrief_edit", meeting), form_data(version=1, notes="Two."))
    client.post(url("debrief_edit", meeting), form_data(version=2, notes="One and two."))
    debrief.refresh_from_db()
    assert debrief.notes == "One and two."


def test_autosave_keeps_a_draft_and_says_when(client, alice, meeting):
    client.force_login(alice)
    client.get(url("debrief_edit", meeting))
    response = client.post(url("debrief_autosave", meeting),
                           form_data(notes="Half written"), **HTMX)
    debrief = Debrief.objects.get(meeting=meeting)
    assert debrief.notes == "Half written"
    assert debrief.is_draft
    assert "Draft saved " + timezone.localtime().strftime("%H:") in response.text
    assert 'name="version" value="2" id="id_version" hx-swap-oob="true"' in response.text


def test_autosave_from_a_stale_tab_saves_nothing_and_says_so(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    client.post(url("debrief_autosave", meeting), form_data(version=1, notes="First"), **HTMX)
    response = client.post(url("debrief_autosave", meeting),
                           form_data(version=1, notes="Stale"), **HTMX)
    assert "changed in another tab" in response.text
    debrief.refresh_from_db()
    assert debrief.notes == "First"


def test_live_suggestions_follow_the_form_without_saving(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    hinted_not_wanted = form_data(job_hinted="True", wants_job="no")
    response = client.post(url("debrief_suggestions", meeting), hinted_not_wanted, **HTMX)
    assert 'data-suggestion="treat-as-informational"' in response.text
    assert 'data-suggestion="prepare-job-interview"' not in response.text
    wanted = form_data(job_hinted="True", wants_job="yes")
    response = client.post(url("debrief_suggestions", meeting), wanted, **HTMX)
    assert 'data-suggestion="prepare-job-interview"' in response.text
    assert 'data-suggestion="treat-as-informational"' not in response.text
    debrief.refresh_from_db()
    assert debrief.job_hinted is None
    assert debrief.version == 1


def test_the_hard_case_comes_out_right_in_the_live_panel(client, alice, debrief):
    client.force_login(alice)
    data = form_data(job_hinted="True", wants_job="unsure", questions_led_by="them")
    text = client.post(url("debrief_suggestions", debrief.meeting), data, **HTMX).text
    assert text.index('data-suggestion="treat-as-informational"') < text.index(
        'data-suggestion="reconsider-interest"')
    assert "you ask the questions" in text


def test_live_suggestions_ignore_a_field_with_an_error(client, alice, debrief):
    client.force_login(alice)
    data = form_data(thank_you_sent_on="not a date")
    response = client.post(url("debrief_suggestions", debrief.meeting), data, **HTMX)
    assert response.status_code == 200
    assert 'data-suggestion="send-thank-you"' in response.text


def test_live_competencies_without_example_suggest_stories(client, alice, debrief):
    client.force_login(alice)
    data = form_data(**{"competency-0-gave_example": None, "competency-0-name": "Data"})
    text = client.post(url("debrief_suggestions", debrief.meeting), data, **HTMX).text
    assert 'data-suggestion="give-examples"' in text


@pytest.mark.parametrize("size", [1, 12])
def test_the_suggestions_partial_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size
):
    meeting = debrief.meeting
    for _ in range(size):
        ContactFactory(owner=alice, referred_by=meeting.contact, referred_in=meeting)
        MeetingFactory(owner=alice)
    names = "\n".join(f"Person {n}" for n in range(size))
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.post(url("debrief_suggestions", meeting),
                               form_data(referral_names=names), **HTMX)
    assert 'data-suggestion="add-referrals"' in response.text


@pytest.mark.parametrize("size", [1, 12])
def test_the_debrief_form_uses_a_fixed_number_of_queries(
    client, alice, debrief, django_assert_max_num_queries, size
):
    meeting = debrief.meeting
    for _ in range(size):
        ContactFactory(owner=alice, referred_by=meeting.contact, referred_in=meeting)
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.get(url("debrief_edit", meeting))
    assert response.text.count("data-referral=") == size


def test_accepting_a_suggestion_creates_its_follow_up_with_the_methods_due_date(
    client, alice, debrief
):
    client.force_login(alice)
    meeting = debrief.meeting
    response = client.post(url("suggestion_accept", meeting),
                           {"code": "send-thank-you", "contact": str(meeting.contact.pk)})
    follow_up = FollowUp.objects.get()
    met_on = timezone.localdate(meeting.starts_at)
    assert follow_up.due_on == max(timezone.localdate(), met_on + datetime.timedelta(days=1))
    assert follow_up.suggestion_code == "send-thank-you"
    assert follow_up.meeting == meeting
    assert follow_up.owner == alice
    assert response.url == url("meeting_detail", meeting)
    page = client.get(response.url).text
    assert 'data-suggestion="send-thank-you"' not in page


def test_accepting_from_the_live_form_uses_what_is_typed_and_refreshes_the_panel(
    client, alice, debrief
):
    client.force_login(alice)
    meeting = debrief.meeting
    data = form_data(impression="positive", code="keep-in-touch",
                     contact=str(meeting.contact.pk))
    response = client.post(url("suggestion_accept", meeting), data, **HTMX)
    follow_up = FollowUp.objects.get()
    assert follow_up.suggestion_code == "keep-in-touch"
    assert follow_up.due_on >= timezone.localdate(meeting.starts_at) + datetime.timedelta(
        days=30)
    assert "Added to your follow-ups" in response.text
    assert 'data-suggestion="keep-in-touch"' not in response.text
    assert "followUpsChanged" in response.headers["HX-Trigger"]


def test_a_suggestion_that_does_not_apply_cannot_be_accepted(client, alice, debrief):
    client.force_login(alice)
    client.post(url("suggestion_accept", debrief.meeting), {"code": "prepare-job-interview"})
    assert not FollowUp.objects.exists()


def test_dismissing_hides_the_suggestion_for_this_debrief(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    response = client.post(url("suggestion_dismiss", meeting), {"code": "send-thank-you"},
                           **HTMX)
    assert 'data-suggestion="send-thank-you"' not in response.text
    assert DismissedSuggestion.objects.filter(debrief=debrief, code="send-thank-you").exists()
    page = client.get(url("meeting_detail", meeting)).text
    assert 'data-suggestion="send-thank-you"' not in page


def test_dismissing_an_unknown_code_is_a_404(client, alice, debrief):
    client.force_login(alice)
    response = client.post(url("suggestion_dismiss", debrief.meeting), {"code": "nonsense"})
    assert response.status_code == 404


def test_a_referral_becomes_a_contact_at_the_next_tier(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    response = client.post(url("referral_add", meeting), {
        "referral-name": "Tom Becker", "referral-organisation": "Halden",
        "referral-email": "tom@example.com"}, **HTMX)
    tom = Contact.objects.get(name="Tom Becker")
    assert tom.owner == alice
    assert tom.tier == meeting.contact.tier + 1
    assert tom.referred_by == meeting.contact
    assert tom.referred_in == meeting
    assert "Tier 2" in response.text
    assert "Tom Becker is in your contacts at tier 2" in response.text
    assert "referralAdded" in response.headers["HX-Trigger"]


def test_a_referral_without_javascript_goes_back_to_the_form(client, alice, debrief):
    client.force_login(alice)
    response = client.post(url("referral_add", debrief.meeting), {"referral-name": "Tom"})
    assert response.url == url("debrief_edit", debrief.meeting) + "#referrals"
    assert Contact.objects.filter(name="Tom", tier=2).exists()


def test_a_referral_without_a_name_is_refused_next_to_the_field(client, alice, debrief):
    client.force_login(alice)
    response = client.post(url("referral_add", debrief.meeting),
                           {"referral-organisation": "Halden"}, **HTMX)
    assert "This field is required." in response.text
    assert 'value="Halden"' in response.text
    assert Contact.objects.count() == 1


def test_the_same_referral_twice_is_refused(client, alice, debrief):
    client.force_login(alice)
    client.post(url("referral_add", debrief.meeting), {"referral-name": "Tom"}, **HTMX)
    response = client.post(url("referral_add", debrief.meeting), {"referral-name": "tom"},
                           **HTMX)
    assert "already a referral from this meeting" in response.text
    assert Contact.objects.filter(name__iexact="tom").count() == 1


def test_a_name_given_then_added_stops_the_add_referrals_suggestion(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    data = form_data(referral_names="Tom Becker")
    text = client.post(url("debrief_suggestions", meeting), data, **HTMX).text
    assert 'data-suggestion="add-referrals"' in text
    client.post(url("referral_add", meeting), {"referral-name": "Tom Becker"}, **HTMX)
    text = client.post(url("debrief_suggestions", meeting), data, **HTMX).text
    assert 'data-suggestion="add-referrals"' not in text
    assert 'data-suggestion="contact-referral"' in text


@pytest.mark.parametrize("name", ["debrief_autosave", "debrief_suggestions",
                                  "suggestion_accept", "suggestion_dismiss", "referral_add"])
def test_a_coach_cannot_write_to_a_clients_debrief(client, carol, debrief, name):
    client.force_login(carol)
    response = client.post(url(name, debrief.meeting), form_data(code="send-thank-you"))
    assert response.status_code == 403


def test_on_the_meeting_page_accept_and_dismiss_are_plain_forms(client, alice, debrief):
    client.force_login(alice)
    text = client.get(url("meeting_detail", debrief.meeting)).text
    card = text.split('data-suggestion="send-thank-you"')[1].split("</article>")[0]
    assert f'action="{url("suggestion_accept", debrief.meeting)}"' in card
    assert "hx-post" not in card


def test_dismissing_without_javascript_goes_back_with_a_message(client, alice, debrief):
    client.force_login(alice)
    meeting = debrief.meeting
    response = client.post(url("suggestion_dismiss", meeting),
                           {"code": "send-thank-you", "next": url("meeting_detail", meeting)})
    assert response.url == url("meeting_detail", meeting)
    page = client.get(response.url).text
    assert "Suggestion dismissed for this debrief." in page
    assert 'data-suggestion="send-thank-you"' not in page


def test_next_urls_to_other_sites_are_ignored(client, alice, debrief):
    client.force_login(alice)
    response = client.post(url("suggestion_dismiss", debrief.meeting),
                           {"code": "send-thank-you", "next": "https://evil.example/"})
    assert response.url == url("meeting_detail", debrief.meeting)


def test_the_live_panel_sends_plain_posts_back_to_the_form_not_to_the_partial(
    client, alice, debrief
):
    client.force_login(alice)
    text = client.post(url("debrief_suggestions", debrief.meeting), form_data(), **HTMX).text
    assert f'name="next" value="{url("debrief_edit", debrief.meeting)}"' in text


def test_more_competency_rows_come_back_after_saving_the_filled_ones(client, alice, meeting):
    client.force_login(alice)
    data = form_data(**{"competency-1-name": "Data literacy",
                        "save_draft": "more_competencies"})
    response = client.post(url("debrief_edit", meeting), data)
    assert response.url == url("debrief_edit", meeting) + "#competencies"
    debrief = Debrief.objects.get(meeting=meeting)
    assert debrief.is_draft
    page = client.get(response.url).text
    assert 'value="Data literacy"' in page
    assert 'name="competency-TOTAL_FORMS" value="4"' in page


def test_each_save_stores_the_flag_count_of_the_debrief_saved(client, alice, debrief):
    """The statement refreshing the count is compiled once: it must follow the pk."""
    other = Debrief.objects.start_for(MeetingFactory(owner=alice))
    client.force_login(alice)
    client.post(url("debrief_autosave", debrief.meeting),
                form_data(impression="negative", stump_speech_delivered="no"), **HTMX)
    client.post(url("debrief_autosave", other.meeting),
                form_data(referral_names="Tom Becker"), **HTMX)
    debrief.refresh_from_db()
    other.refresh_from_db()
    Debrief.objects.filter(pk__in=[debrief.pk, other.pk]).refresh_flag_count()
    assert [d.flag_count for d in Debrief.objects.filter(pk__in=[debrief.pk, other.pk])
            .order_by("pk")] == [debrief.flag_count, other.flag_count]
    assert debrief.flag_count >= 3  # no referral, no stump speech, negative impression
    assert other.flag_count == 0  # a name given (it was 1 as an empty draft)


def test_the_flags_read_these_fields_of_the_debrief():
    assert fields_read() == ("impression", "job_hinted", "questions_led_by", "referral_names",
                             "stump_speech_delivered", "wants_job")


def test_an_autosave_that_drops_the_stump_speech_stores_its_flag(client, alice, debrief):
    client.force_login(alice)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=1), **HTMX)
    flags_before = Debrief.objects.get(pk=debrief.pk).flag_count
    client.post(url("debrief_autosave", debrief.meeting),
                form_data(version=2, stump_speech_delivered="no"), **HTMX)
    assert Debrief.objects.get(pk=debrief.pk).flag_count == flags_before + 1


def test_an_autosave_of_the_notes_alone_leaves_the_flag_count_as_it_was(
    client, alice, debrief, django_assert_num_queries
):
    client.force_login(alice)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=1), **HTMX)
    flags_before = Debrief.objects.get(pk=debrief.pk).flag_count
    # The session, the meeting with its debrief, and one statement that saves the row and
    # replaces its competencies and questions: no flag count computed again.
    with django_assert_num_queries(3):
        client.post(url("debrief_autosave", debrief.meeting),
                    form_data(version=2, notes="Rewritten"), **HTMX)
    assert Debrief.objects.get(pk=debrief.pk).flag_count == flags_before


def test_saving_the_notes_keeps_a_flag_count_refreshed_since_the_debrief_was_read(debrief):
    loaded = Debrief.objects.get(pk=debrief.pk)
    before = loaded.flag_inputs()
    Debrief.objects.filter(pk=debrief.pk).update(flag_count=4)  # refreshed elsewhere
    loaded.notes = "Rewritten"
    assert loaded.save_if_current(loaded.version, flag_inputs_before=before)
    assert Debrief.objects.get(pk=debrief.pk).flag_count == 4


def test_an_autosave_replaces_the_competencies_in_the_order_typed(client, alice, debrief):
    client.force_login(alice)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=1), **HTMX)
    client.post(url("debrief_autosave", debrief.meeting), form_data(
        version=2, notes="Rewritten", **{
            "competency-TOTAL_FORMS": "3", "competency-0-name": "Teaching",
            "competency-0-gave_example": None, "competency-1-name": "Clinical safety",
            "competency-1-gave_example": "on", "competency-2-name": "Budgets",
        }), **HTMX)
    saved = Debrief.objects.get(pk=debrief.pk)
    assert [(c.name, c.gave_example) for c in saved.competencies.all()] == [
        ("Teaching", False), ("Clinical safety", True), ("Budgets", False)]


def test_an_autosave_of_an_old_version_changes_neither_the_debrief_nor_its_competencies(
    client, alice, debrief
):
    client.force_login(alice)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=1), **HTMX)
    client.post(url("debrief_autosave", debrief.meeting), form_data(version=2), **HTMX)
    response = client.post(url("debrief_autosave", debrief.meeting), form_data(
        version=2, notes="From a stale tab", **{"competency-0-name": "Overwritten"}), **HTMX)
    saved = Debrief.objects.get(pk=debrief.pk)
    assert b"Not saved" in response.content
    assert (saved.version, saved.notes) == (3, "We talked about digital health.")
    assert [c.name for c in saved.competencies.all()] == ["Clinical safety"]


def test_an_autosave_in_one_statement_keeps_a_flag_count_refreshed_since_it_was_read(
    debrief, django_assert_num_queries
):
    Meeting.objects.filter(pk=debrief.meeting_id).update(status=Meeting.Status.HELD)
    Contact.objects.filter(pk=debrief.meeting.contact_id).update(status=Contact.Status.MET)
    loaded = Debrief.objects.select_related("meeting__contact").get(pk=debrief.pk)
    before = loaded.flag_inputs()
    Debrief.objects.filter(pk=debrief.pk).update(flag_count=4)  # refreshed elsewhere
    loaded.notes = "Rewritten"
    with django_assert_num_queries(1):
        assert loaded.save_if_current(loaded.version, competencies=[], questions=[],
                                      flag_inputs_before=before)
    saved = Debrief.objects.get(pk=debrief.pk)
    assert (saved.notes, saved.flag_count, saved.version) == ("Rewritten", 4, 2)
