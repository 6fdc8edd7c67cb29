"""The home page's network steps, read a page at a time: the first steps and the count of
all of them, with what was accepted or dismissed left out before the cut."""

import datetime
import itertools

import pytest
from django.db.models import DateField, Value
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.outreach import business_days_between
from debriefs.models import DismissedSuggestion, FollowUp, Meeting
from debriefs.suggestions import (
    loading,
    network_facts,
    network_suggestions_for,
    suggest_for_network,
)
from debriefs.suggestions.loading import WorkingDayNumber
from debriefs.views.home import FOLLOW_UPS_SHOWN
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, MeetingFactory

TODAY = datetime.date(2026, 11, 26)  # a Thursday


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days_ago(days: int, hour: int = 10) -> datetime.datetime:
    return at(TODAY - datetime.timedelta(days=days), hour)


@pytest.fixture
def busy_network(alice):
    """Every kind of network step, some due today and some later, some already handled."""
    referrer = ContactFactory(owner=alice, name="Ruth Referrer")
    for n, days in enumerate([0, 1, 2, 3, 5, 8, 12, 30]):
        # Written to some days ago: no step yet, a second person, or the last follow-up.
        ContactFactory(owner=alice, name=f"Written {n}", status=Contact.Status.REACHED_OUT,
                       status_changed_at=days_ago(days))
    covered = Contact.objects.get(owner=alice, name="Written 6")
    accepted = FollowUpFactory(owner=alice, contact=covered, title="Covered",
                               suggestion_code="follow-up-no-reply")
    FollowUp.objects.filter(pk=accepted.pk).update(created_at=days_ago(1))
    for n, days in enumerate([0, 1, 3, 6, 9, 40, 60]):
        # Meetings with people Ruth referred: thank her, due two days after each; keep in
        # touch with those who left a good impression, a month later.
        met = ContactFactory(owner=alice, name=f"Met {n}", referred_by=referrer)
        meeting = MeetingFactory(owner=alice, contact=met, starts_at=days_ago(days))
        DebriefFactory(meeting=meeting, impression="positive" if n % 2 or n == 6 else "",
                       introduction_by_referrer=n in (3, 6))
        for m in range(2):
            # Names given at that meeting: write to them, or check in about the introduction.
            ContactFactory(owner=alice, name=f"Named {n}.{m}", referred_by=met,
                           referred_in=meeting)
    ContactFactory(owner=alice, name="Added by hand", referred_by=referrer)
    handled = Contact.objects.get(owner=alice, name="Named 4.0")
    FollowUpFactory(owner=alice, contact=handled, suggestion_code="contact-referral")
    DismissedSuggestion.objects.create(owner=alice, code="contact-referral",
                                       contact=Contact.objects.get(name="Named 4.1"))
    thanked = Meeting.objects.get(contact__name="Met 5")
    FollowUpFactory(owner=alice, contact=referrer, meeting=thanked,
                    suggestion_code="thank-referrer")
    note = FollowUpFactory(owner=alice, contact=Contact.objects.get(name="Met 6"),
                           suggestion_code="keep-in-touch", done_at=days_ago(33))
    FollowUp.objects.filter(pk=note.pk).update(created_at=days_ago(34))
    MeetingFactory(owner=alice, starts_at=days_ago(2))  # waiting for its debrief
    MeetingFactory(owner=alice, starts_at=days_ago(4))
    return alice


@pytest.mark.parametrize("limit", [1, 4, 10, 15, 30])
def test_the_first_network_steps_are_those_of_the_whole_list(busy_network, limit):
    everything = network_suggestions_for(busy_network, today=TODAY)
    assert {s.code for s in everything} == {
        "write-debrief", "follow-up-no-reply", "contact-referral", "thank-referrer",
        "keep-in-touch",
    }
    facts = network_facts(busy_network, TODAY, limit=limit)
    assert suggest_for_network(facts)[:limit] == everything[:limit]
    assert facts.step_count == len(everything)


def test_accepted_and_dismissed_steps_are_left_out_before_the_cut(busy_network):
    shown = network_suggestions_for(busy_network, today=TODAY, limit=40)
    names = " ".join(s.title for s in shown)
    assert "Named 4.0" not in names and "Named 4.1" not in names
    assert "Met 5 went" not in names
    assert "Written 6" not in names  # the follow-up covers its current stage
    assert "Named 3.0" in names


def test_the_steps_concerning_one_person_are_read_alone(busy_network):
    ruth = Contact.objects.get(name="Ruth Referrer")
    steps = network_suggestions_for(busy_network, today=TODAY, contact_id=ruth.pk)
    assert {s.code for s in steps} == {"thank-referrer"}
    assert len(steps) == 6  # seven meetings, one already thanked


def test_the_home_page_counts_every_step_but_shows_fifteen(client, alice):
    referrer = ContactFactory(owner=alice)
    for n in range(20):
        ContactFactory(owner=alice, name=f"Referral {n:02}", referred_by=referrer)
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert text.count('data-suggestion="contact-referral"') == 15
    assert "20 next steps in all" in text
    assert "Referral 00" in text and "Referral 15" not in text


def test_a_step_beyond_the_fifteen_shown_can_still_be_accepted(client, alice):
    referrer = ContactFactory(owner=alice)
    referrals = [ContactFactory(owner=alice, referred_by=referrer) for _ in range(20)]
    client.force_login(alice)
    client.post(reverse("debriefs:network_suggestion_accept"),
                {"code": "contact-referral", "contact": referrals[-1].pk})
    assert FollowUp.objects.get().contact == referrals[-1]


def test_a_step_named_by_an_impossible_contact_number_no_longer_applies(client, alice):
    client.force_login(alice)
    response = client.post(reverse("debriefs:network_suggestion_accept"),
                           {"code": "contact-referral", "contact": "9" * 30}, follow=True)
    assert "That suggestion no longer applies." in response.text


def test_working_days_counted_in_sql_match_business_days_between(alice):
    ContactFactory(owner=alice)
    days = [TODAY + datetime.timedelta(days=n) for n in range(-10, 11)]
    numbers = {}
    for day in days:
        numbers[day] = (Contact.objects.for_user(alice)
                        .annotate(n=WorkingDayNumber(Value(day, output_field=DateField())))
                        .values_list("n", flat=True).get())
    for start, end in itertools.combinations(days, 2):
        assert numbers[end] - numbers[start] == business_days_between(start, end)


def test_the_home_page_shows_the_first_overdue_follow_ups_and_counts_the_rest(client, alice):
    today = timezone.localdate()
    for n in range(FOLLOW_UPS_SHOWN + 3):
        FollowUpFactory(owner=alice, title=f"Late {n:02}",
                        due_on=today - datetime.timedelta(days=30 - n))
    client.force_login(alice)
    text = client.get(reverse("home")).text
    assert text.count("data-follow-up=") == FOLLOW_UPS_SHOWN
    assert "Late 00" in text and f"Late {FOLLOW_UPS_SHOWN:02}" not in text
    assert "3 more overdue" in text


def test_the_follow_up_list_shows_fifty_to_do_a_page(client, alice):
    today = timezone.localdate()
    for n in range(51):
        FollowUpFactory(owner=alice, title=f"To do {n:02}", due_on=today + datetime.timedelta(n))
    client.force_login(alice)
    first = client.get(reverse("debriefs:follow_up_list")).text
    second = client.get(reverse("debriefs:follow_up_list") + "?page=2").text
    assert first.count("data-follow-up=") == 50 and "To do 49" in first
    assert second.count("data-follow-up=") == 1 and "To do 50" in second
    assert "Page 2 of 2" in second


def test_past_the_cap_a_rule_s_steps_are_counted_as_a_floor(busy_network, monkeypatch):
    monkeypatch.setattr(loading, "STEP_COUNT_CAP", 2)
    facts = network_facts(busy_network, TODAY, limit=1)
    assert facts.step_count_reached_cap
    assert facts.step_count < len(network_suggestions_for(busy_network, today=TODAY))


def test_the_home_page_says_at_least_when_the_count_stopped_at_the_cap(
    client, busy_network, monkeypatch
):
    monkeypatch.setattr(loading, "STEP_COUNT_CAP", 2)
    client.force_login(busy_network)
    text = client.get(reverse("home")).content.decode()
    assert "At least " in text and " next steps in all" in text
