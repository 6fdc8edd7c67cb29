"""The follow-up row rendered in Python (`debriefs.templatetags.follow_ups`) against the
partial it replaced: byte for byte, on the rows the pages show."""

import datetime
import re

import pytest
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import ContactFactory, FollowUpFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# debriefs/partials/_follow_up.html as it was written in templates.
FORMER_PARTIAL = (
    "{% url 'debriefs:follow_up_toggle' follow_up.pk as toggle_url %}{% with next=next_url|default:request.get_full_path is_done=follow_up.is_done %}<li class=\"follow-up{% if is_done %} is-done{% elif follow_up.due_on < today %} is-overdue{% endif %}\" id=\"follow-up-{{ follow_up.pk }}\" data-follow-up=\"{{ follow_up.pk }}\">\n"  # noqa: E501
    "  <form method=\"post\" action=\"{{ toggle_url }}\" hx-post=\"{{ toggle_url }}\" hx-target=\"#follow-up-{{ follow_up.pk }}\" hx-swap=\"outerHTML\" class=\"follow-up-toggle\">\n"  # noqa: E501
    "    {% csrf_token %}\n"
    "    <input type=\"hidden\" name=\"next\" value=\"{{ next }}\">\n"
    "    <button type=\"submit\" id=\"follow-up-{{ follow_up.pk }}-check\" class=\"check{% if is_done %} checked{% endif %}\" aria-pressed=\"{{ is_done|yesno:'true,false' }}\">\n"  # noqa: E501
    "      <span class=\"sr-only\">{% if is_done %}Mark not done{% else %}Mark done{% endif %}: {{ follow_up.title }}</span>\n"  # noqa: E501
    "    </button>\n"
    "  </form>\n"
    "  <div class=\"follow-up-body\">\n"
    "    <span class=\"follow-up-title\">{{ follow_up.title }}</span>\n"
    "    <span class=\"item-meta\">\n"
    "      {% if is_done %}Done {{ follow_up.done_at|date:\"j M\" }}{% elif follow_up.due_on < today %}Overdue since {{ follow_up.due_on|date:\"D j M\" }}{% elif follow_up.due_on == today %}Due today{% else %}Due {{ follow_up.due_on|date:\"D j M\" }}{% endif %}\n"  # noqa: E501
    "      {% if follow_up.meeting_id %}· <a href=\"{% url 'debriefs:meeting_detail' follow_up.meeting_id %}\">the meeting</a>{% endif %}\n"  # noqa: E501
    "      {% if follow_up.contact %}· {{ follow_up.contact.name }}{% endif %}\n"
    "    </span>\n"
    "    {% if follow_up.drafts_a_note and not is_done %}{% url 'debriefs:follow_up_note' follow_up.pk as note_url %}\n"  # noqa: E501
    "    <a class=\"follow-up-note\" href=\"{{ note_url }}?next={{ next|urlencode }}\" hx-get=\"{{ note_url }}?next={{ next|urlencode }}\" hx-target=\"#follow-up-{{ follow_up.pk }}-note\" hx-swap=\"innerHTML\" data-draft-note=\"{{ follow_up.suggestion_code }}\">Draft the note<span class=\"sr-only\">: {{ follow_up.title }}</span></a>\n"  # noqa: E501
    "    <div class=\"note-slot\" id=\"follow-up-{{ follow_up.pk }}-note\"></div>{% endif %}\n"
    "  </div>\n"
    "</li>{% endwith %}\n"
)
TRICKY = "Thank <b>Dr O'Neil</b> & \"Sam\""


@pytest.fixture
def rows(alice):
    today = timezone.localdate()
    contact = ContactFactory(owner=alice, name=TRICKY)
    meeting = MeetingFactory(owner=alice, contact=contact)
    done_at = timezone.now() - datetime.timedelta(days=2)
    return [
        FollowUpFactory(owner=alice, title=TRICKY, due_on=today + datetime.timedelta(days=3)),
        FollowUpFactory(owner=alice, due_on=today),
        FollowUpFactory(owner=alice, due_on=today - datetime.timedelta(days=9),
                        contact=contact),
        FollowUpFactory(owner=alice, due_on=today - datetime.timedelta(days=1),
                        done_at=done_at, meeting=meeting, contact=contact),
        FollowUpFactory(owner=alice, title=TRICKY, due_on=today, meeting=meeting,
                        contact=contact, suggestion_code="send-thank-you"),
        FollowUpFactory(owner=alice, due_on=today - datetime.timedelta(days=4),
                        meeting=meeting, suggestion_code="ask-for-referral"),
        FollowUpFactory(owner=alice, due_on=today, done_at=done_at,
                        suggestion_code="send-thank-you"),
        FollowUpFactory(owner=alice, due_on=today, suggestion_code="not-a-note-code"),
    ]


def _one_token(html: str) -> str:
    """A token is masked afresh for each context: compare the markup around it."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


def _request(alice, path="/follow-ups/?page=2&who=<a b>&x=\"é\""):
    request = RequestFactory().get(path)
    request.user = alice
    return request


@pytest.mark.parametrize("next_url", [None, "/meetings/12/?tab=a&b=<c> d"])
@pytest.mark.parametrize("csrf", [True, False])
def test_each_row_matches_the_former_partial(alice, rows, next_url, csrf):
    request = _request(alice)
    today = timezone.localdate()
    for follow_up in rows:
        values = {"follow_up": follow_up, "today": today, "next_url": next_url}
        if csrf:
            context = RequestContext(request, values)
        else:
            context = Context(values | {"request": request})  # no token: no input
        expected = Template(FORMER_PARTIAL).render(context)
        with context.push():
            rendered = Template(
                "{% load follow_ups %}{% follow_up_row follow_up %}\n"
            ).render(context)
        assert _one_token(rendered) == _one_token(expected)
        if csrf:
            partial = render_to_string("debriefs/partials/_follow_up.html", values,
                                       request=request)
            assert _one_token(partial) == _one_token(expected)


def test_the_list_tag_renders_the_rows_the_included_partial_did(alice, rows):
    request = _request(alice)
    context = RequestContext(request, {"rows": rows, "today": timezone.localdate()})
    included = Template(
        "{% for follow_up in rows %}{% include 'debriefs/partials/_follow_up.html' %}"
        "{% endfor %}"
    ).render(context)
    former = Template(
        "{% for follow_up in rows %}" + FORMER_PARTIAL + "{% endfor %}"
    ).render(context)
    listed = Template("{% load follow_ups %}{% follow_up_rows rows %}").render(context)
    assert _one_token(listed) == _one_token(former) == _one_token(included)
    assert "&lt;b&gt;Dr O&#x27;Neil&lt;/b&gt; &amp; &quot;Sam&quot;" in listed
    assert "<b>" not in listed
    assert listed.count('name="csrfmiddlewaretoken"') == len(rows)
