"""The suggestion card rendered in Python (`debriefs.templatetags.suggestion_cards`)
against the partial it replaced: byte for byte, on every kind of card, in each page that
shows cards (the home's network steps, the debrief form's live panel, the meeting page)."""

import datetime
import itertools
import re

import pytest
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from debriefs.suggestions import Suggestion
from tests.factories import ContactFactory, DebriefFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# debriefs/partials/_suggestion.html as it was written in templates.
FORMER_PARTIAL = (
    '<article class="suggestion" data-suggestion="{{ s.code }}">\n'
    '  <h3 class="suggestion-title">{{ s.title }}</h3>\n'
    '  <p class="suggestion-why">{{ s.why }}</p>\n'
    '  {% if s.prep_url %}<p class="suggestion-prep"><a href="{{ s.prep_url }}">{{ s.prep_label }}</a></p>{% endif %}\n'  # noqa: E501
    '  {% if s.action == "follow_up" and s.due_on %}<p class="suggestion-due">Due {{ s.due_on|date:"D j M" }}</p>{% endif %}\n'  # noqa: E501
    "  {% if meeting and s.drafts_a_note %}{% url 'debriefs:meeting_note' meeting.pk s.code as note_url %}\n"  # noqa: E501
    '  <p class="suggestion-note"><a href="{{ note_url }}?contact={{ s.contact_id|default_if_none:\'\' }}&amp;next={% if live %}{% url \'debriefs:debrief_edit\' meeting.pk %}{% else %}{{ request.get_full_path|urlencode }}{% endif %}" hx-get="{{ note_url }}?contact={{ s.contact_id|default_if_none:\'\' }}&amp;next={% if live %}{% url \'debriefs:debrief_edit\' meeting.pk %}{% else %}{{ request.get_full_path|urlencode }}{% endif %}" hx-target="next .note-slot" hx-swap="innerHTML" data-draft-note="{{ s.code }}">Draft the note<span class="sr-only">: {{ s.title }}</span></a></p>{% endif %}\n'  # noqa: E501
    '  <div class="suggestion-actions">\n'
    '    {% if s.action == "follow_up" %}\n'
    '    <form method="post" class="inline-form"\n'
    '      {% if meeting %}action="{% url \'debriefs:suggestion_accept\' meeting.pk %}"{% if live %} hx-post="{% url \'debriefs:suggestion_accept\' meeting.pk %}" hx-target="#suggestions" hx-swap="innerHTML" hx-sync="this:drop" hx-include="#debrief-form"{% endif %}{% else %}action="{% url \'debriefs:network_suggestion_accept\' %}"{% endif %}>\n'  # noqa: E501
    '      {% csrf_token %}\n'
    '      <input type="hidden" name="code" value="{{ s.code }}">\n'
    '      <input type="hidden" name="contact" value="{{ s.contact_id|default_if_none:\'\' }}">\n'  # noqa: E501
    '      <input type="hidden" name="step_meeting" value="{{ s.step.2|default_if_none:\'\' }}">\n'  # noqa: E501
    '      <input type="hidden" name="next" value="{% if live and meeting %}{% url \'debriefs:debrief_edit\' meeting.pk %}{% else %}{{ request.get_full_path }}{% endif %}">\n'  # noqa: E501
    '      <button type="submit" class="button button-small" data-accept="{{ s.code }}">Accept<span class="sr-only">: {{ s.title }}</span></button>\n'  # noqa: E501
    '    </form>\n'
    '    {% elif s.action == "add_referral" %}\n'
    '    <a class="button button-small" href="{{ s.url }}"{% if live %} hx-get="{{ s.url }}" hx-select="#referrals" hx-target="#referrals" hx-swap="outerHTML show:#add-referral:top"{% endif %}>{{ s.action_label }}</a>\n'  # noqa: E501
    '    {% elif s.action == "link" %}\n'
    '    <a class="button button-small" href="{{ s.url }}">{{ s.action_label }}</a>\n'
    '    {% endif %}\n'
    '    {% if not meeting %}\n'
    '    <form method="post" class="inline-form" action="{% url \'debriefs:network_suggestion_dismiss\' %}">\n'  # noqa: E501
    '      {% csrf_token %}\n'
    '      <input type="hidden" name="code" value="{{ s.code }}">\n'
    '      <input type="hidden" name="contact" value="{{ s.contact_id|default_if_none:\'\' }}">\n'  # noqa: E501
    '      <input type="hidden" name="step_meeting" value="{{ s.step.2|default_if_none:\'\' }}">\n'  # noqa: E501
    '      <button type="submit" class="button button-secondary button-small" data-dismiss="{{ s.code }}">{% if s.code == "keep-in-touch" %}Stop{% else %}Dismiss{% endif %}<span class="sr-only">: {{ s.title }}</span></button>\n'  # noqa: E501
    '    </form>\n'
    '    {% else %}\n'
    '    <form method="post" class="inline-form" action="{% url \'debriefs:suggestion_dismiss\' meeting.pk %}"{% if live %} hx-post="{% url \'debriefs:suggestion_dismiss\' meeting.pk %}" hx-target="#suggestions" hx-swap="innerHTML" hx-sync="this:drop" hx-include="#debrief-form"{% endif %}>\n'  # noqa: E501
    '      {% csrf_token %}\n'
    '      <input type="hidden" name="code" value="{{ s.code }}">\n'
    '      <input type="hidden" name="next" value="{% if live and meeting %}{% url \'debriefs:debrief_edit\' meeting.pk %}{% else %}{{ request.get_full_path }}{% endif %}">\n'  # noqa: E501
    '      <button type="submit" class="button button-secondary button-small" data-dismiss="{{ s.code }}">Dismiss<span class="sr-only">: {{ s.title }}</span></button>\n'  # noqa: E501
    '    </form>\n'
    '    {% endif %}\n'
    '  </div>\n'
    '  {% if meeting and s.drafts_a_note %}<div class="note-slot"></div>{% endif %}\n'
    '</article>\n'
)

TRICKY = "Thank <b>Dr O'Neil</b> & \"Sam\""
HTMX = {"HTTP_HX_REQUEST": "true"}


def _one_token(html: str) -> str:
    """A token is masked afresh for each render: compare the markup around it."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


def _steady(page: str) -> str:
    """A page without what changes on every request: the tokens and the CSP nonce."""
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", _one_token(page))
    page = re.sub(r'submission_token" value="[^"]+"', "SUBMISSION", page)
    return re.sub(r'nonce="[^"]+"', "NONCE", page)


def _suggestions():
    """One card of each shape: every action, a note or not, a prep link, a due date,
    a person and a meeting or none, a per-meeting step, and HTML in every text."""
    due = datetime.date(2026, 3, 2)
    shapes = itertools.product(
        ["follow_up", "add_referral", "link", ""],
        ["send-thank-you", "keep-in-touch", "climb-a-tier", TRICKY],
        [None, due],
        ["", "/prep/?a=1&b=<2>"],
        [None, 42],
    )
    return [
        Suggestion(
            code, f"{TRICKY} {n}", f"Why {TRICKY}", priority=n, action=action,
            action_label=f"Do {TRICKY}", due_on=due_on, contact_id=contact_id,
            meeting_id=7 if n % 2 else None, url="/go/?x=<y>&z=1" if n % 3 else "",
            prep_url=prep_url, prep_label=f"Prep {TRICKY}",
        )
        for n, (action, code, due_on, prep_url, contact_id) in enumerate(shapes)
    ]


@pytest.mark.parametrize("live", [False, True])
@pytest.mark.parametrize("with_meeting", [False, True])
@pytest.mark.parametrize("csrf", [True, False])
@pytest.mark.parametrize("path", ["/?page=2&who=<a b>&x=\"é\"", None])
def test_each_card_matches_the_former_partial(alice, meeting, live, with_meeting, csrf, path):
    values = {"meeting": meeting if with_meeting else None, "live": live}
    request = None
    if path:
        request = RequestFactory().get(path)
        request.user = alice
    former, card = Template(FORMER_PARTIAL), Template(
        "{% load suggestion_cards %}{% suggestion_card s %}")
    for s in _suggestions():
        if csrf and request:
            context = RequestContext(request, values | {"s": s})
        else:
            context = Context(values | {"s": s, "request": request})
        expected = former.render(context)
        assert _one_token(card.render(context)) == _one_token(expected)
        if csrf and request:
            included = render_to_string("debriefs/partials/_suggestion.html",
                                        values | {"s": s}, request=request)
            assert _one_token(included) == _one_token(expected)


def test_every_text_is_escaped(alice, meeting):
    request = RequestFactory().get("/")
    request.user = alice
    html = "".join(
        render_to_string("debriefs/partials/_suggestion.html",
                         {"s": s, "meeting": meeting, "live": True}, request=request)
        for s in _suggestions()
    )
    assert "&lt;b&gt;Dr O&#x27;Neil&lt;/b&gt; &amp; &quot;Sam&quot;" in html
    assert "<b>" not in html and "<y>" not in html and "<2>" not in html


@pytest.fixture
def former_partial(settings):
    """The pages rendered with the former partial in place of the tag."""
    def use():
        settings.TEMPLATES = [settings.TEMPLATES[0] | {
            "APP_DIRS": False,
            "OPTIONS": settings.TEMPLATES[0]["OPTIONS"] | {"loaders": [
                ("django.template.loaders.locmem.Loader",
                 {"debriefs/partials/_suggestion.html": FORMER_PARTIAL}),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ]},
        }]
    return use


def _network(alice):
    """A network with a step of every kind on the home page."""
    today = timezone.localdate()
    for n in range(8):
        referrer = ContactFactory(owner=alice, name=f"{TRICKY} {n}")
        referred = ContactFactory(owner=alice, referred_by=referrer)
        DebriefFactory(meeting=MeetingFactory(owner=alice, contact=referred))
        MeetingFactory(owner=alice)
        MeetingFactory(owner=alice, status="planned",
                       starts_at=timezone.now() + datetime.timedelta(days=1))
        ContactFactory(owner=alice, referred_by=referrer)
        ContactFactory(owner=alice, status=Contact.Status.REACHED_OUT,
                       status_changed_at=timezone.now() - datetime.timedelta(days=9))
        FollowUpFactory(owner=alice, contact=referrer, due_on=today)


def _debrief_form(**changes):
    data = {
        "version": "1", "notes": "", "stump_speech_delivered": "no", "branch": "",
        "questions_led_by": "them", "job_hinted": "True", "wants_job": "unsure",
        "industry_questions": "", "learnt": "", "impression": "negative",
        "referral_names": f"{TRICKY}\nSomeone Else", "thank_you_sent_on": "",
        "competency-TOTAL_FORMS": "1", "competency-INITIAL_FORMS": "0",
        "competency-0-name": "Data", "competency-0-gave_example": "",
    }
    return data | changes


def test_the_pages_show_the_cards_the_former_partial_did(client, alice, debrief,
                                                          former_partial):
    _network(alice)
    meeting = debrief.meeting
    ContactFactory(owner=alice, referred_by=meeting.contact, referred_in=meeting)
    client.force_login(alice)

    def pages():
        home = client.get(reverse("home") + "?x=<1>&y=2")
        panel = client.post(reverse("debriefs:debrief_suggestions", args=[meeting.pk]),
                            _debrief_form(), **HTMX)
        detail = client.get(reverse("debriefs:meeting_detail", args=[meeting.pk]))
        edit = client.get(reverse("debriefs:debrief_edit", args=[meeting.pk]))
        return [_steady(r.text) for r in (home, panel, detail, edit)]

    now = pages()
    former_partial()
    before = pages()
    assert now == before
    home, panel, detail, edit = now
    assert home.count('class="suggestion"') >= 5
    assert "data-draft-note" in panel and "hx-post=" in panel
    assert 'class="suggestion"' in detail and 'class="suggestion"' in edit
