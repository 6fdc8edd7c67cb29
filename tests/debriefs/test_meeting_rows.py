"""The meetings list's rows rendered in Python (`debriefs.templatetags.meeting_rows`)
against the template loops they replaced: byte for byte."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from debriefs.models import Meeting
from debriefs.views.meetings import MEETING_ROW_FIELDS
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# The loops of templates/debriefs/meeting_list.html as they were written.
FORMER_UPCOMING = (
    "{% for meeting in upcoming %}\n"
    "    <li data-meeting=\"{{ meeting.pk }}\"><span><a class=\"item-title\" href=\"{% url 'debriefs:meeting_detail' meeting.pk %}\">{{ meeting.contact.name }}</a> {% include \"debriefs/partials/_tier_badge.html\" with tier=meeting.contact_tier %}</span><span class=\"item-meta\">{{ meeting.get_kind_display }} · {{ meeting.starts_at|date:\"D j M, H:i\" }} · <a href=\"{% url 'debriefs:meeting_prep' meeting.pk %}\">Prepare<span class=\"sr-only\"> for {{ meeting.contact.name }}</span></a></span></li>\n"  # noqa: E501
    "    {% endfor %}"
)
FORMER_PAST = (
    "{% for meeting in past %}\n"
    "    <li data-meeting=\"{{ meeting.pk }}\">\n"
    "      <span><a class=\"item-title\" href=\"{% url 'debriefs:meeting_detail' meeting.pk %}\">{{ meeting.contact.name }}</a> {% include \"debriefs/partials/_tier_badge.html\" with tier=meeting.contact_tier %}</span>\n"  # noqa: E501
    "      <span class=\"item-meta\">{{ meeting.get_kind_display }} · {{ meeting.starts_at|date:\"D j M Y\" }}\n"  # noqa: E501
    "        {% if meeting.status == \"cancelled\" %}<span class=\"pill\">Cancelled</span>\n"
    "        {% elif not meeting.debrief or not meeting.debrief.is_started %}<a class=\"pill pill-draft\" href=\"{% url 'debriefs:debrief_edit' meeting.pk %}\">Needs a debrief</a>\n"  # noqa: E501
    "        {% elif meeting.debrief.is_draft %}<a class=\"pill pill-draft\" href=\"{% url 'debriefs:debrief_edit' meeting.pk %}\">Draft debrief</a>\n"  # noqa: E501
    "        {% else %}<span class=\"pill status-met\">Debriefed</span>{% endif %}\n"
    "      </span>\n"
    "    </li>\n"
    "    {% endfor %}"
)
TRICKY = "Dr <i>O'Neil</i> & \"Sam\""


@pytest.fixture
def meetings(alice):
    now = timezone.now()
    tricky = ContactFactory(owner=alice, name=TRICKY)
    later = [
        MeetingFactory(owner=alice, contact=tricky, status=Meeting.Status.PLANNED,
                       starts_at=now + datetime.timedelta(days=2, hours=3)),
        MeetingFactory(owner=alice, status=Meeting.Status.PLANNED, contact_tier=7,
                       kind=Meeting.Kind.JOB_INTERVIEW,
                       starts_at=now + datetime.timedelta(days=40, minutes=7)),
    ]
    past = [
        MeetingFactory(owner=alice, contact=tricky, starts_at=now - datetime.timedelta(days=1)),
        MeetingFactory(owner=alice, status=Meeting.Status.CANCELLED, contact_tier=5,
                       starts_at=now - datetime.timedelta(days=200)),
        MeetingFactory(owner=alice, kind=Meeting.Kind.INFORMATIONAL, contact_tier=2,
                       starts_at=now - datetime.timedelta(days=400, hours=5)),
        MeetingFactory(owner=alice, starts_at=now - datetime.timedelta(days=3)),
        MeetingFactory(owner=alice, starts_at=now - datetime.timedelta(days=4)),
        MeetingFactory(owner=alice, starts_at=now - datetime.timedelta(days=5)),
    ]
    DebriefFactory(meeting=past[2], is_draft=False)
    DebriefFactory(meeting=past[3], is_draft=True, version=1)  # opened, nothing written
    DebriefFactory(meeting=past[4], is_draft=True, version=3)
    DebriefFactory(meeting=past[5], is_draft=False)
    rows = Meeting.objects.select_related("contact", "debrief").only(*MEETING_ROW_FIELDS)
    return (list(rows.filter(pk__in=[m.pk for m in later]).order_by("starts_at")),
            list(rows.filter(pk__in=[m.pk for m in past]).order_by("-starts_at")))


def test_rows_match_the_former_template_loops(meetings):
    upcoming, past = meetings
    context = Context({"upcoming": upcoming, "past": past})
    former = Template(FORMER_UPCOMING + "|" + FORMER_PAST).render(context)
    rendered = Template(
        "{% load meeting_rows %}{% upcoming_meeting_rows upcoming %}|"
        "{% past_meeting_rows past %}"
    ).render(context)
    assert rendered == former
    for shown in ("Cancelled", "Needs a debrief", "Draft debrief", "Debriefed", "tier-5",
                  "Job interview", "Informational interview"):
        assert shown in rendered
    assert "Dr &lt;i&gt;O&#x27;Neil&lt;/i&gt; &amp; &quot;Sam&quot;" in rendered
    assert "<i>" not in rendered
