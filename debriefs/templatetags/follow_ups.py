"""The follow-up row, rendered in Python.

Lists show up to fifty of them; as an included template, each row cost a context push, a
`{% url %}` or two, a `{% csrf_token %}` and a handful of filters. The markup is exactly
the one the partial `debriefs/partials/_follow_up.html` always produced (a test compares
them): the partial now calls `follow_up_row`, and lists call `follow_up_rows`. Every
value goes through `text()` (escaped) on its way into the markup.
"""

from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from config.rows import ShortDates, pk_urls, text

register = template.Library()

_ROW = (
    '<li class="follow-up{state}" id="follow-up-{pk}" data-follow-up="{pk}">\n'
    '  <form method="post" action="{toggle_url}" hx-post="{toggle_url}"'
    ' hx-target="#follow-up-{pk}" hx-swap="outerHTML" class="follow-up-toggle">\n'
    "    {csrf_input}\n"
    '    <input type="hidden" name="next" value="{next}">\n'
    '    <button type="submit" id="follow-up-{pk}-check" class="check{checked}"'
    ' aria-pressed="{pressed}">\n'
    '      <span class="sr-only">{action}: {title}</span>\n'
    "    </button>\n"
    "  </form>\n"
    '  <div class="follow-up-body">\n'
    '    <span class="follow-up-title">{title}</span>\n'
    '    <span class="item-meta">\n'
    "      {when}\n"
    "      {meeting_link}\n"
    "      {contact}\n"
    "    </span>\n"
    "    {note}\n"
    "  </div>\n"
    "</li>"
)
_NOTE = (
    '\n    <a class="follow-up-note" href="{url}?next={next}" hx-get="{url}?next={next}"'
    ' hx-target="#follow-up-{pk}-note" hx-swap="innerHTML" data-draft-note="{code}">'
    'Draft the note<span class="sr-only">: {title}</span></a>\n'
    '    <div class="note-slot" id="follow-up-{pk}-note"></div>'
)


class _Rows:
    """What every row of one list shares, read from the template context once."""

    def __init__(self, context):
        self.today = context.get("today")
        request = context.get("request")
        next_url = context.get("next_url") or (request.get_full_path() if request else "")
        self.next = text(next_url)
        self.next_quoted = text(quote(next_url))
        token = context.get("csrf_token")
        if token and token != "NOTPROVIDED":
            self.csrf_input = format_html(
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
            )
        else:
            self.csrf_input = ""
        self.dates = ShortDates()
        self.toggle_url = pk_urls("debriefs:follow_up_toggle")
        self.note_url = pk_urls("debriefs:follow_up_note")
        self.meeting_url = pk_urls("debriefs:meeting_detail")

    def when(self, follow_up) -> str:
        if follow_up.done_at is not None:
            return "Done " + self.dates.day_month(self.dates.local(follow_up.done_at))
        if self.today is not None and follow_up.due_on < self.today:
            return "Overdue since " + self.dates.weekday_day_month(follow_up.due_on)
        if follow_up.due_on == self.today:
            return "Due today"
        return "Due " + self.dates.weekday_day_month(follow_up.due_on)

    def render(self, follow_up) -> str:
        pk = follow_up.pk
        done = follow_up.done_at is not None
        overdue = not done and self.today is not None and follow_up.due_on < self.today
        title = text(follow_up.title)
        note = ""
        if follow_up.drafts_a_note and not done:
            note = _NOTE.format(
                url=self.note_url(pk), next=self.next_quoted, pk=pk,
                code=text(follow_up.suggestion_code), title=title,
            )
        meeting_link = ""
        if follow_up.meeting_id:
            url = self.meeting_url(follow_up.meeting_id)
            meeting_link = f'· <a href="{url}">the meeting</a>'
        return _ROW.format(
            state=" is-done" if done else " is-overdue" if overdue else "",
            pk=pk,
            toggle_url=self.toggle_url(pk),
            csrf_input=self.csrf_input,
            next=self.next,
            checked=" checked" if done else "",
            pressed="true" if done else "false",
            action="Mark not done" if done else "Mark done",
            title=title,
            when=text(self.when(follow_up)),
            meeting_link=meeting_link,
            contact=f"· {text(follow_up.contact.name)}" if follow_up.contact else "",
            note=note,
        )


@register.simple_tag(takes_context=True)
def follow_up_row(context, follow_up) -> SafeString:
    """One row, as `debriefs/partials/_follow_up.html` shows it."""
    return mark_safe(_Rows(context).render(follow_up))


@register.simple_tag(takes_context=True)
def follow_up_rows(context, follow_ups) -> SafeString:
    """The rows of a list, each followed by a line break as the included partial was."""
    rows = _Rows(context)
    return mark_safe("".join(rows.render(follow_up) + "\n" for follow_up in follow_ups))
