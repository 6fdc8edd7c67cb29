"""Progress you can see: the weekly aggregates (debriefs/progress.py) and the client's
charts on the home page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.models import Meeting
from debriefs.progress import (
    WEEKS,
    Week,
    activity_chart,
    monday,
    network_chart,
    reading,
    table_rows,
    tier_totals_of,
    weekly_progress,
)
from tests.factories import ContactFactory, MeetingFactory, UserFactory


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def weeks_ago(n: int, weekday: int = 2) -> datetime.date:
    """A day (Wednesday by default) `n` weeks before this week."""
    return monday(timezone.localdate()) - datetime.timedelta(weeks=n) + \
        datetime.timedelta(days=weekday)


def joined(contact, day):
    Contact.objects.filter(pk=contact.pk).update(created_at=at(day))


@pytest.fixture
def history(alice):
    """Sarah before the window, Omar ten weeks ago, Rosa referred by Omar three weeks ago
    (so tier 2, joining on the day of that meeting), and a meeting this week."""
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    joined(sarah, weeks_ago(40))
    omar = ContactFactory(owner=alice, name="Omar Haddad")
    joined(omar, weeks_ago(10))
    first = MeetingFactory(owner=alice, contact=omar, starts_at=at(weeks_ago(3)))
    ContactFactory(owner=alice, name="Rosa Delgado", referred_by=omar, referred_in=first)
    MeetingFactory(owner=alice, contact=sarah, starts_at=at(monday(timezone.localdate()), 0))
    # Not counted: a planned meeting, and someone else's.
    MeetingFactory(owner=alice, contact=sarah, status=Meeting.Status.PLANNED,
                   starts_at=at(weeks_ago(1)))
    MeetingFactory(owner=UserFactory(), starts_at=at(weeks_ago(1)))
    return alice


def test_the_weeks_run_from_six_months_ago_to_this_week(history):
    weeks = weekly_progress(history)
    assert len(weeks) == WEEKS
    assert weeks[-1].starts_on == monday(timezone.localdate())
    assert all(w.starts_on.weekday() == 0 for w in weeks)


def test_contacts_per_tier_are_counted_from_the_week_each_joined(history):
    weeks = weekly_progress(history)
    assert weeks[0].tiers == [1, 0, 0, 0, 0]  # Sarah, before the window
    assert weeks[-12].tiers == [1, 0, 0, 0, 0]
    assert weeks[-11].tiers == [2, 0, 0, 0, 0]  # Omar
    assert weeks[-5].tiers == [2, 0, 0, 0, 0]
    assert weeks[-4].tiers == [2, 1, 0, 0, 0]  # Rosa, named at the meeting
    assert weeks[-1].contacts == 3


def test_a_referral_added_now_but_named_before_the_window_counts_before_it(history):
    sarah = Contact.objects.get(owner=history, name="Sarah Chen")
    long_ago = MeetingFactory(owner=history, contact=sarah, starts_at=at(weeks_ago(40)))
    ContactFactory(owner=history, name="Lena Park", referred_by=sarah, referred_in=long_ago)
    weeks = weekly_progress(history)
    assert weeks[0].tiers == [1, 1, 0, 0, 0]
    assert weeks[-1].contacts == 4


def test_a_contact_in_tier_six_is_drawn_in_the_last_tier_band(history):
    contact = ContactFactory(owner=history, name="Deep Referral")
    Contact.objects.filter(pk=contact.pk).update(tier=6)
    weeks = weekly_progress(history)
    assert weeks[-1].tiers == [2, 1, 0, 0, 1]


def test_meetings_held_are_counted_per_week(history):
    weeks = weekly_progress(history)
    assert [w.meetings for w in weeks[-5:]] == [0, 1, 0, 0, 1]
    assert sum(w.meetings for w in weeks) == 2


def test_referrals_per_meeting_roll_over_the_last_five_meetings(history):
    weeks = weekly_progress(history)
    assert weeks[-5].referrals_per_meeting is None  # no meeting yet
    assert [w.referrals_per_meeting for w in weeks[-4:]] == [1.0, 1.0, 1.0, 0.5]


def test_the_rolling_rate_forgets_meetings_older_than_the_last_five(alice):
    contact = ContactFactory(owner=alice)
    old = MeetingFactory(owner=alice, contact=contact, starts_at=at(weeks_ago(8)))
    for n in range(3):
        ContactFactory(owner=alice, referred_by=contact, referred_in=old, name=f"R{n}")
    for n in range(5):
        MeetingFactory(owner=alice, contact=contact, starts_at=at(weeks_ago(6 - n)))
    weeks = weekly_progress(alice)
    assert weeks[-9].referrals_per_meeting == 3.0
    assert weeks[-7].referrals_per_meeting == 1.5  # (3 + 0) / 2
    assert weeks[-2].referrals_per_meeting == 0.0  # the five latest: none


@pytest.mark.parametrize("size", [2, 20])
def test_the_weekly_aggregates_take_three_queries_whatever_the_history_given_the_tier_totals(
    alice, size, django_assert_max_num_queries
):
    for n in range(size):
        contact = ContactFactory(owner=alice)
        joined(contact, weeks_ago(n % 30))
        meeting = MeetingFactory(owner=alice, contact=contact, starts_at=at(weeks_ago(n % 30)))
        ContactFactory(owner=alice, referred_by=contact, referred_in=meeting)
    totals = tier_totals_of(alice)
    with django_assert_max_num_queries(3):
        weeks = weekly_progress(alice, tier_totals=totals)
    assert weeks[-1].contacts == 2 * size
    assert sum(w.meetings for w in weeks) == len([n for n in range(size) if n % 30 < WEEKS])


def test_the_reading_says_meetings_rate_and_aim():
    weeks = [Week(monday(timezone.localdate()) - datetime.timedelta(weeks=3 - n),
                  tiers=[n, 0, 0, 0, 0], meetings=1, referrals_per_meeting=1.4)
             for n in range(4)]
    assert reading(weeks) == (
        "4 meetings in the last 4 weeks; 1.4 referrals per meeting over your last 5 "
        "meetings, within the aim of one to two; your network grew by 3 contacts."
    )
    assert "below the aim" in reading(weeks[:3] + [Week(weeks[3].starts_on,
                                                        referrals_per_meeting=0.4)])


def test_the_charts_draw_one_shape_per_tier_and_week_and_label_their_lines(history):
    weeks = weekly_progress(history)
    network = network_chart(weeks)
    shapes = sum(1 for w in weeks for n in w.tiers if n)
    assert len(network.bars) == shapes
    assert {label for _, _, label, _ in network.labels} == {"Tier 1", "Tier 2"}
    assert all(bar.height > 0 and bar.y >= network.top for bar in network.bars)
    activity = activity_chart(weeks)
    assert len(activity.bars) == 2
    assert activity.line.startswith("M")
    assert {label for _, _, label, _ in activity.labels} == {"Meetings", "Referrals"}


def test_the_home_page_shows_the_charts_with_a_reading_and_a_table(client, history):
    client.force_login(history)
    page = client.get(reverse("home")).text
    assert page.count('<svg class="chart-svg"') == 2
    assert "2 meetings in the last 4 weeks" in page
    assert "<caption>Your networking, week by week</caption>" in page
    assert page.count("<tr><th scope=\"row\">") == WEEKS
    assert "tier-fill-2" in page and "chart-line" in page
    assert " style=" not in page


def test_a_new_client_sees_no_empty_charts(client, alice):
    client.force_login(alice)
    assert "chart-svg" not in client.get(reverse("home")).text


def test_the_chart_markup_draws_every_shape_once_with_its_figures():
    weeks = [Week(monday(timezone.localdate()) - datetime.timedelta(weeks=1 - n),
                  tiers=[2, n, 0, 0, 0], meetings=n, referrals_per_meeting=1.25 if n else None)
             for n in range(2)]
    network, activity = network_chart(weeks), activity_chart(weeks)
    markup = str(network.svg_shapes())
    assert markup.count("<rect ") == len(network.bars) == 3
    first = network.bars[0]
    assert (f'<rect class="{first.css_class}" x="{first.x}" y="{first.y}" '
            f'width="{first.width}" height="{first.height}"><title>{first.label}</title></rect>'
            ) in markup
    assert markup.count('class="chart-label"') == 2  # Tier 1 and Tier 2
    activity_markup = str(activity.svg_shapes())
    assert activity_markup.startswith('<rect class="chart-aim"')
    assert f'<path class="chart-line" d="{activity.line}"/>' in activity_markup


def test_the_table_rows_give_each_week_its_figures_and_a_dash_before_any_meeting():
    start = datetime.date(2026, 6, 1)
    weeks = [Week(start, tiers=[3, 1, 0, 0, 0], meetings=0),
             Week(start + datetime.timedelta(weeks=1), tiers=[3, 2, 0, 0, 0], meetings=2,
                  referrals_per_meeting=1.25)]
    rows = str(table_rows(weeks)).splitlines()
    assert rows == [
        '<tr><th scope="row">1 Jun 2026</th><td>4</td><td>3</td><td>1</td><td>0</td>'
        "<td>0</td><td>0</td><td>0</td><td>–</td></tr>",
        '<tr><th scope="row">8 Jun 2026</th><td>5</td><td>3</td><td>2</td><td>0</td>'
        "<td>0</td><td>0</td><td>2</td><td>1.3</td></tr>",
    ]
