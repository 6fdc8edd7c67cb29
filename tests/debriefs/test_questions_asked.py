"""Questions from the question bank ticked on the debrief, and left out of the prep sheet
for the next meeting with the same person (issue 13)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from debriefs.models import Meeting, QuestionAsked
from tests.debriefs.test_debrief_form import form_data
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory, PackageFactory

BANK = "How do teams choose clinical problems?\nWho is essential here?\nWhat is changing?"


def edit_url(meeting) -> str:
    return reverse("debriefs:debrief_edit", args=[meeting.pk])


def prep_url(meeting) -> str:
    return reverse("debriefs:meeting_prep", args=[meeting.pk])


def held(alice, contact, days_ago, *questions):
    meeting = MeetingFactory(owner=alice, contact=contact,
                             starts_at=timezone.now() - datetime.timedelta(days=days_ago))
    debrief = DebriefFactory(meeting=meeting)
    for question in questions:
        QuestionAsked.objects.create(debrief=debrief, question=question)
    return meeting


def planned(alice, contact):
    return MeetingFactory(owner=alice, contact=contact, status=Meeting.Status.PLANNED,
                          starts_at=timezone.now() + datetime.timedelta(days=3))


def test_the_debrief_form_lists_the_question_bank_as_checkboxes(client, alice, meeting):
    PackageFactory(owner=alice, industry_questions=BANK)
    client.force_login(alice)
    text = client.get(edit_url(meeting)).text
    assert "Questions you asked" in text
    assert text.count('name="questions_asked"') == 3
    assert 'value="Who is essential here?"' in text


def test_ticked_questions_are_stored_with_the_debrief(client, alice, meeting):
    PackageFactory(owner=alice, industry_questions=BANK)
    client.force_login(alice)
    client.get(edit_url(meeting))
    client.post(edit_url(meeting), form_data(questions_asked=["Who is essential here?",
                                                              "What is changing?"]))
    assert list(QuestionAsked.objects.filter(debrief__meeting=meeting)
                .values_list("question", flat=True)) == ["Who is essential here?",
                                                         "What is changing?"]
    detail = client.get(reverse("debriefs:meeting_detail", args=[meeting.pk])).text
    assert "Questions from your bank" in detail and "What is changing?" in detail


def test_saving_twice_stores_each_ticked_question_once(client, alice, meeting):
    PackageFactory(owner=alice, industry_questions=BANK)
    client.force_login(alice)
    client.get(edit_url(meeting))
    data = form_data(questions_asked=["What is changing?"])
    client.post(edit_url(meeting), data)
    client.post(edit_url(meeting), {**data, "version": "2"})
    assert QuestionAsked.objects.filter(debrief__meeting=meeting).count() == 1


def test_a_question_not_in_the_bank_is_a_field_error(client, alice, meeting):
    PackageFactory(owner=alice, industry_questions=BANK)
    client.force_login(alice)
    client.get(edit_url(meeting))
    response = client.post(edit_url(meeting), form_data(questions_asked=["Invented?"]))
    assert response.status_code == 422
    assert "Select a valid choice" in response.text
    assert not QuestionAsked.objects.exists()


def test_a_ticked_question_removed_from_the_bank_stays_ticked(client, alice, meeting):
    PackageFactory(owner=alice, industry_questions="Who is essential here?")
    held_meeting = held(alice, meeting.contact, 2, "An old question, since removed?")
    client.force_login(alice)
    text = client.get(edit_url(held_meeting)).text
    assert 'value="An old question, since removed?" id=' in text
    assert "checked" in text.split('value="An old question, since removed?"')[1][:60]


def test_the_prep_sheet_leaves_out_questions_already_asked_of_that_person(
    client, alice, lena
):
    PackageFactory(owner=alice, industry_questions=BANK)
    held(alice, lena, 20, "Who is essential here?", "How do teams choose clinical problems?")
    nxt = planned(alice, lena)
    client.force_login(alice)
    text = client.get(prep_url(nxt)).text
    to_ask = text.split('class="prep-questions"')[1].split("</ul>")[0]
    assert "What is changing?" in to_ask
    assert "Who is essential here?" not in to_ask
    day = timezone.localdate(timezone.now() - datetime.timedelta(days=20))
    assert (f"Left out: 2 questions you already asked Lena Fischer on {day:%-d %b}."
            in text)


def test_questions_asked_of_someone_else_stay_on_the_prep_sheet(client, alice, lena):
    PackageFactory(owner=alice, industry_questions=BANK)
    held(alice, ContactFactory(owner=alice, name="Omar Said"), 5, "Who is essential here?")
    nxt = planned(alice, lena)
    client.force_login(alice)
    text = client.get(prep_url(nxt)).text
    to_ask = text.split('class="prep-questions"')[1].split("</ul>")[0]
    assert "Who is essential here?" in to_ask
    assert "Left out" not in text


def test_the_prep_sheet_names_each_day_the_questions_were_asked(client, alice, lena):
    PackageFactory(owner=alice, industry_questions=BANK)
    held(alice, lena, 30, "Who is essential here?")
    held(alice, lena, 10, "What is changing?")
    client.force_login(alice)
    text = client.get(prep_url(planned(alice, lena))).text
    first, second = (timezone.localdate(timezone.now() - datetime.timedelta(days=d))
                     for d in (30, 10))
    assert f"on {first:%-d %b} and {second:%-d %b}." in text
