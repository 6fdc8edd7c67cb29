"""The calendar feed as calendar apps read it: parsed by `icalendar`, stable UIDs."""

import datetime

import icalendar
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from debriefs.models import Meeting
from tests.factories import FollowUpFactory, MeetingFactory


def feed(client, user, **headers):
    url = reverse("debriefs:calendar_feed", args=[user.calendar_token])
    return icalendar.Calendar.from_ical(client.get(url, **headers).content)


@pytest.fixture
def planned(alice):
    MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact__name="Nadia Karim",
                   starts_at=timezone.now() + datetime.timedelta(days=3))
    FollowUpFactory(owner=alice, title="Thank Lena")


def test_the_feed_parses_cleanly_with_icalendar_and_names_itself(client, alice, planned):
    calendar = feed(client, alice)
    assert calendar.errors == []
    assert all(event.errors == [] for event in calendar.walk("VEVENT"))
    assert str(calendar["NAME"]) == "Debriefs: meetings and follow-ups"
    assert str(calendar["X-WR-CALNAME"]) == "Debriefs: meetings and follow-ups"
    assert len(calendar.walk("VEVENT")) == 2


def test_the_feed_asks_calendar_apps_to_refresh_every_hour(client, alice, planned):
    calendar = feed(client, alice)
    refresh = calendar["REFRESH-INTERVAL"]
    assert refresh.params["VALUE"] == "DURATION"
    assert refresh.dt == datetime.timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"


@override_settings(SITE_URL="https://debriefs.example.org")
def test_event_uids_use_the_sites_domain_whatever_host_the_feed_is_fetched_under(
        client, alice, planned):
    first = feed(client, alice, HTTP_HOST="127.0.0.1:8000")
    second = feed(client, alice, HTTP_HOST="localhost")
    uids = sorted(str(event["UID"]) for event in first.walk("VEVENT"))
    assert uids == sorted(str(event["UID"]) for event in second.walk("VEVENT"))
    assert all(uid.endswith("@debriefs.example.org") for uid in uids)
