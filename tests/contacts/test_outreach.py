"""The 3B7 outreach rule on the contacts pages, pinned at its boundaries.

After writing to someone, wait 3 business days, then write to a second person; after 7, send
one last follow-up (docs/method.md, "Timing and etiquette"). The dates are literal, so a
changed rule fails here instead of moving with its constant. Alice wrote to Ann Lee on
Thursday 19 Nov 2026: Tuesday 24 Nov is the third business day, Monday 30 Nov the seventh.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from contacts.outreach import add_business_days, business_days_between
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

WRITTEN_AT = timezone.make_aware(datetime.datetime(2026, 11, 19, 17, 0))  # a Thursday

# (today, business days waited, stage)
BOUNDARIES = [
    (datetime.date(2026, 11, 19), 0, ""),
    (datetime.date(2026, 11, 23), 2, ""),  # Monday: the weekend did not count
    (datetime.date(2026, 11, 24), 3, "second_person"),
    (datetime.date(2026, 11, 25), 4, "second_person"),
    (datetime.date(2026, 11, 27), 6, "second_person"),
    (datetime.date(2026, 11, 29), 6, "second_person"),  # Sunday
    (datetime.date(2026, 11, 30), 7, "last_follow_up"),
    (datetime.date(2026, 12, 1), 8, "last_follow_up"),
]
IDS = [f"{today:%a %d %b}, {waited} business days" for today, waited, _ in BOUNDARIES]


@pytest.fixture
def today_is(monkeypatch):
    """Sets the clock the pages read (`timezone.now`) to noon on a given day."""

    def set_today(day: datetime.date) -> None:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_today


@pytest.fixture
def ann(alice):
    return ContactFactory(owner=alice, name="Ann Lee", organisation="Halden",
                          status=Contact.Status.REACHED_OUT, status_changed_at=WRITTEN_AT)


@pytest.mark.parametrize(("today", "waited", "stage"), BOUNDARIES, ids=IDS)
def test_the_no_reply_stage_begins_on_the_third_and_seventh_business_day(today, waited, stage):
    ann = Contact(name="Ann Lee", status=Contact.Status.REACHED_OUT,
                  status_changed_at=WRITTEN_AT)
    assert ann.waiting_business_days(today) == waited
    assert ann.no_reply_stage(today) == stage


def test_nobody_is_waited_on_unless_written_to():
    met = Contact(name="Ann Lee", status=Contact.Status.MET, status_changed_at=WRITTEN_AT)
    assert met.waiting_business_days(datetime.date(2026, 12, 1)) is None
    assert met.no_reply_stage(datetime.date(2026, 12, 1)) == ""


def test_the_wait_counts_from_the_local_day_of_the_outreach(settings):
    settings.TIME_ZONE = "Europe/London"
    # 23:30 UTC on Thursday 16 July is already Friday 17 July in London (summer time).
    ann = Contact(name="Ann Lee", status=Contact.Status.REACHED_OUT,
                  status_changed_at=datetime.datetime(2026, 7, 16, 23, 30, tzinfo=datetime.UTC))
    assert ann.no_reply_stage(datetime.date(2026, 7, 21)) == ""  # Tuesday: 2 business days
    assert ann.no_reply_stage(datetime.date(2026, 7, 22)) == "second_person"


@pytest.mark.parametrize(("today", "waited", "stage"), BOUNDARIES, ids=IDS)
def test_the_contact_page_tells_the_no_reply_step_from_its_first_day(
    client, alice, ann, today_is, today, waited, stage
):
    today_is(today)
    client.force_login(alice)
    response = client.get(reverse("contacts:detail", args=[ann.pk]))
    html = response.content.decode()
    assert (response.context["waited"], response.context["no_reply_stage"]) == (waited, stage)
    second_person = (f"No reply for {waited} business days. Don't wait longer: write to a "
                     "second person at Halden.")
    last_follow_up = (f"No reply for {waited} business days. Send Ann Lee one short "
                      "follow-up, then let it go.")
    keep_waiting = f"Written to {waited} business day"
    assert (second_person in html) is (stage == "second_person")
    assert (last_follow_up in html) is (stage == "last_follow_up")
    assert (keep_waiting in html) is (stage == "")


@pytest.mark.parametrize(("today", "pill"), [
    (datetime.date(2026, 11, 23), None),
    (datetime.date(2026, 11, 24), "No reply · 3 business days"),
    (datetime.date(2026, 11, 25), "No reply · 4 business days"),
])
def test_the_list_marks_a_contact_without_reply_from_the_third_business_day(
    client, alice, ann, today_is, today, pill
):
    today_is(today)
    client.force_login(alice)
    html = client.get(reverse("contacts:list")).content.decode()
    assert "Ann Lee" in html
    if pill:
        assert pill in html
    else:
        assert "pill-waiting" not in html


@pytest.mark.parametrize(("today", "waiting", "note"), [
    (datetime.date(2026, 11, 23), 0, "not yet written to"),
    (datetime.date(2026, 11, 24), 1, "1 more without a reply for 3+ business days"),
    (datetime.date(2026, 11, 25), 1, "1 more without a reply for 3+ business days"),
])
def test_the_board_counts_people_without_reply_from_the_third_business_day(
    client, alice, ann, today_is, today, waiting, note
):
    # Written to on Monday: not waited on long enough whatever the day above.
    ContactFactory(owner=alice, name="Paul Nguyen", status=Contact.Status.REACHED_OUT,
                   status_changed_at=timezone.make_aware(datetime.datetime(2026, 11, 23, 9)))
    today_is(today)
    client.force_login(alice)
    response = client.get(reverse("contacts:tiers"))
    assert response.context["figures"]["waiting_reply"] == waiting
    assert note in response.content.decode()


# The business-day arithmetic against a plain day-by-day count.


def test_the_stages_of_an_outreach_on_thursday_19_november_begin_on_24_and_30_november():
    written_on = datetime.date(2026, 11, 19)
    assert add_business_days(written_on, 3) == datetime.date(2026, 11, 24)
    assert add_business_days(written_on, 7) == datetime.date(2026, 11, 30)
    assert business_days_between(written_on, datetime.date(2026, 11, 29)) == 6  # a Sunday


def counted_day_by_day(start: datetime.date, end: datetime.date) -> int:
    days = (end - start).days
    return sum(1 for n in range(1, days + 1)
               if (start + datetime.timedelta(days=n)).weekday() < 5)


def walked_day_by_day(start: datetime.date, business_days: int) -> datetime.date:
    current = start
    while business_days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            business_days -= 1
    return current


# Every weekday as a start (two weeks of starts), each with gaps from -2 to 30 days: 462 pairs.
STARTS = [datetime.date(2026, 11, 16) + datetime.timedelta(days=n) for n in range(14)]


def test_business_days_between_agrees_with_a_day_by_day_count():
    pairs = [(start, start + datetime.timedelta(days=gap))
             for start in STARTS for gap in range(-2, 31)]
    assert len(pairs) == 462
    wrong = [(s, e) for s, e in pairs if business_days_between(s, e) != counted_day_by_day(s, e)]
    assert wrong == []


def test_add_business_days_agrees_with_a_day_by_day_walk():
    pairs = [(start, days) for start in STARTS for days in range(0, 31)]
    wrong = [(s, d) for s, d in pairs if add_business_days(s, d) != walked_day_by_day(s, d)]
    assert wrong == []
    for start, days in pairs:
        if days:
            assert business_days_between(start, add_business_days(start, days)) == days
