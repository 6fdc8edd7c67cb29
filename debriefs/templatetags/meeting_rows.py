"""The rows of the meetings list, rendered in Python.

Fifty rows a page, each with two or three `{% url %}`, an included tier badge and date
filters, made the template the larger part of the page's time. The markup is the one the
template loops produced (tests/debriefs/test_meeting_rows.py compares them). Every value
goes through `text()` (escaped) on its way into the markup.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from config.rows import ShortDates, pk_urls, text

from ..models import Meeting

register = template.Library()

_UPCOMING = (
    '\n    <li data-meeting="{pk}"><span><a class="item-title" href="{url}">{name}</a> {badge}'
    '</span><span class="item-meta">{kind} · {starts} · <a href="{prep_url}">Prepare'
    '<span class="sr-only"> for {name}</span></a></span></li>\n    '
)
_PAST = (
    '\n    <li data-meeting="{pk}">\n'
    '      <span><a class="item-title" href="{url}">{name}</a> {badge}</span>\n'
    '      <span class="item-meta">{kind} · {starts}\n'
    "        {state}\n"
    "      </span>\n"
    "    </li>\n    "
)
_DEBRIEF_LINK = '<a class="pill pill-draft" href="{}">{}</a>\n        '


def tier_badge(tier: int) -> str:
    """`debriefs/partials/_tier_badge.html`, with its closing line break."""
    tier = int(tier)
    return (f'<span class="badge tier-{5 if tier >= 5 else tier}" title="Tier {tier}">'
            f"Tier {tier}</span>\n")


def _debrief_state(meeting: Meeting, debrief_url) -> str:
    if meeting.status == Meeting.Status.CANCELLED:
        return '<span class="pill">Cancelled</span>\n        '
    debrief = getattr(meeting, "debrief", None)
    if debrief is None or not debrief.is_started:
        return _DEBRIEF_LINK.format(debrief_url(meeting.pk),
                                    "Needs a debrief")
    if debrief.is_draft:
        return _DEBRIEF_LINK.format(debrief_url(meeting.pk),
                                    "Draft debrief")
    return '<span class="pill status-met">Debriefed</span>'


@register.simple_tag
def upcoming_meeting_rows(meetings) -> SafeString:
    """The "Coming up" items: the person, tier, kind, time and a link to prepare."""
    dates = ShortDates()
    detail_url, prep_url = pk_urls("debriefs:meeting_detail"), pk_urls("debriefs:meeting_prep")
    return mark_safe("".join(_UPCOMING.format(
        pk=meeting.pk, url=detail_url(meeting.pk),
        name=text(meeting.contact.name), badge=tier_badge(meeting.contact_tier),
        kind=text(meeting.get_kind_display()),
        starts=text(dates.weekday_day_month_time(meeting.starts_at)),
        prep_url=prep_url(meeting.pk),
    ) for meeting in meetings))


@register.simple_tag
def past_meeting_rows(meetings) -> SafeString:
    """The "Past meetings" items: the person, tier, kind, day and the debrief's state."""
    dates = ShortDates()
    detail_url, debrief_url = pk_urls("debriefs:meeting_detail"), pk_urls("debriefs:debrief_edit")
    return mark_safe("".join(_PAST.format(
        pk=meeting.pk, url=detail_url(meeting.pk),
        name=text(meeting.contact.name), badge=tier_badge(meeting.contact_tier),
        kind=text(meeting.get_kind_display()),
        starts=text(dates.weekday_day_month_year(dates.local(meeting.starts_at))),
        state=_debrief_state(meeting, debrief_url),
    ) for meeting in meetings))
