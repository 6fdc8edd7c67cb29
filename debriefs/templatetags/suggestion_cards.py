"""The suggestion card, rendered in Python.

The client home shows fifteen of them and the debrief form's live panel re-renders its
cards on every pause in typing; as an included template, each card cost a context push,
up to six `{% url %}`, two `{% csrf_token %}` and a dozen conditions. The markup is
exactly the one `debriefs/partials/_suggestion.html` always produced (a test compares
them, on every kind of card and page): the partial now calls `suggestion_card`. Every
value goes through `_text()` (escaped as autoescaping would) on its way into the markup.
"""

import html
from functools import cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

from config.rows import ShortDates, pk_urls

register = template.Library()

_CARD = (
    '<article class="suggestion" data-suggestion="{code}">\n'
    '  <h3 class="suggestion-title">{title}</h3>\n'
    '  <p class="suggestion-why">{why}</p>\n'
    "  {prep}\n"
    "  {due}\n"
    "  {note}\n"
    '  <div class="suggestion-actions">\n'
    "    {action}\n"
    "    {dismiss}\n"
    "  </div>\n"
    "  {note_slot}\n"
    "</article>\n"
)
_PREP = '<p class="suggestion-prep"><a href="{url}">{label}</a></p>'
_NOTE = (
    '\n  <p class="suggestion-note"><a href="{url}" hx-get="{url}" hx-target="next .note-slot"'
    ' hx-swap="innerHTML" data-draft-note="{code}">Draft the note<span class="sr-only">:'
    " {title}</span></a></p>"
)
_ACCEPT = (
    '\n    <form method="post" class="inline-form"\n'
    "      {target}>\n"
    "      {csrf_input}\n"
    '      <input type="hidden" name="code" value="{code}">\n'
    '      <input type="hidden" name="contact" value="{contact}">\n'
    '      <input type="hidden" name="step_meeting" value="{step_meeting}">\n'
    '      <input type="hidden" name="next" value="{next}">\n'
    '      <button type="submit" class="button button-small" data-accept="{code}">'
    'Accept<span class="sr-only">: {title}</span></button>\n'
    "    </form>\n"
    "    "
)
_LIVE_POST = (
    ' hx-post="{url}" hx-target="#suggestions" hx-swap="innerHTML" hx-sync="this:drop"'
    ' hx-include="#debrief-form"'
)
_ADD_REFERRAL = '\n    <a class="button button-small" href="{url}"{live}>{label}</a>\n    '
_ADD_REFERRAL_LIVE = (
    ' hx-get="{url}" hx-select="#referrals" hx-target="#referrals"'
    ' hx-swap="outerHTML show:#add-referral:top"'
)
_LINK = '\n    <a class="button button-small" href="{url}">{label}</a>\n    '
_DISMISS_STEP = (
    '\n    <form method="post" class="inline-form" action="{url}">\n'
    "      {csrf_input}\n"
    '      <input type="hidden" name="code" value="{code}">\n'
    '      <input type="hidden" name="contact" value="{contact}">\n'
    '      <input type="hidden" name="step_meeting" value="{step_meeting}">\n'
    '      <button type="submit" class="button button-secondary button-small"'
    ' data-dismiss="{code}">{verb}<span class="sr-only">: {title}</span></button>\n'
    "    </form>\n"
    "    "
)
_DISMISS_HERE = (
    '\n    <form method="post" class="inline-form" action="{url}"{live}>\n'
    "      {csrf_input}\n"
    '      <input type="hidden" name="code" value="{code}">\n'
    '      <input type="hidden" name="next" value="{next}">\n'
    '      <button type="submit" class="button button-secondary button-small"'
    ' data-dismiss="{code}">Dismiss<span class="sr-only">: {title}</span></button>\n'
    "    </form>\n"
    "    "
)


def _text(value) -> str:
    """`value` as `{{ value }}` shows it: escaped unless already safe, None as "None"."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def _or_blank(value) -> str:
    """`{{ value|default_if_none:'' }}`."""
    return "" if value is None else _text(value)


@cache
def _plain_url(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


def _url(name: str) -> str:
    """`reverse(name)` of an address without arguments, reversed once per prefix and conf."""
    return _plain_url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` renders in `context`."""
    token = context.get("csrf_token")
    if token and token != "NOTPROVIDED":
        return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    return ""


def render_card(context, s) -> str:
    """The card of suggestion `s` in `context` (its `meeting`, `live`, `request`)."""
    meeting = context.get("meeting")
    live = context.get("live")
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    edit_url = pk_urls("debriefs:debrief_edit")(meeting.pk) if meeting else ""
    title = _text(s.title)
    code = _text(s.code)
    csrf_input = _csrf_input(context)
    back = _text(edit_url if live and meeting else path)

    prep = _PREP.format(url=_text(s.prep_url), label=_text(s.prep_label)) if s.prep_url else ""
    due = ""
    if s.action == "follow_up" and s.due_on:
        due = f'<p class="suggestion-due">Due {ShortDates().weekday_day_month(s.due_on)}</p>'
    drafts = bool(meeting and s.drafts_a_note)
    note = ""
    if drafts:
        note_url = reverse("debriefs:meeting_note", args=[meeting.pk, s.code])
        note_next = _text(edit_url) if live else _text(quote(path))
        note = _NOTE.format(
            url=f"{_text(note_url)}?contact={_or_blank(s.contact_id)}&amp;next={note_next}",
            code=code, title=title,
        )

    action = ""
    if s.action == "follow_up":
        if meeting:
            accept_url = _text(pk_urls("debriefs:suggestion_accept")(meeting.pk))
            target = f'action="{accept_url}"'
            if live:
                target += _LIVE_POST.format(url=accept_url)
        else:
            target = f'action="{_text(_url("debriefs:network_suggestion_accept"))}"'
        action = _ACCEPT.format(
            target=target, csrf_input=csrf_input, code=code,
            contact=_or_blank(s.contact_id), step_meeting=_or_blank(s.step[2]),
            next=back, title=title,
        )
    elif s.action == "add_referral":
        url = _text(s.url)
        action = _ADD_REFERRAL.format(
            url=url, live=_ADD_REFERRAL_LIVE.format(url=url) if live else "",
            label=_text(s.action_label),
        )
    elif s.action == "link":
        action = _LINK.format(url=_text(s.url), label=_text(s.action_label))

    if not meeting:
        dismiss = _DISMISS_STEP.format(
            url=_text(_url("debriefs:network_suggestion_dismiss")), csrf_input=csrf_input,
            code=code, contact=_or_blank(s.contact_id), step_meeting=_or_blank(s.step[2]),
            verb="Stop" if s.code == "keep-in-touch" else "Dismiss", title=title,
        )
    else:
        dismiss_url = _text(pk_urls("debriefs:suggestion_dismiss")(meeting.pk))
        dismiss = _DISMISS_HERE.format(
            url=dismiss_url, live=_LIVE_POST.format(url=dismiss_url) if live else "",
            csrf_input=csrf_input, code=code, next=back, title=title,
        )

    return _CARD.format(
        code=code, title=title, why=_text(s.why), prep=prep, due=due, note=note,
        action=action, dismiss=dismiss,
        note_slot='<div class="note-slot"></div>' if drafts else "",
    )


@register.simple_tag(takes_context=True)
def suggestion_card(context, s) -> SafeString:
    """One card, as `debriefs/partials/_suggestion.html` shows it."""
    return mark_safe(render_card(context, s))


@register.simple_tag(takes_context=True)
def network_suggestion_cards(context, suggestions) -> SafeString:
    """The cards of the home page's network steps (no meeting, not live), each followed
    by a line break as the included partial was."""
    with context.push(meeting=None, live=False):
        return mark_safe("".join(render_card(context, s) + "\n" for s in suggestions))
