"""The contacts list's rows rendered in Python (`contacts.templatetags.contact_rows`)
against the template loop they replaced: byte for byte."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from contacts.models import Contact
from contacts.views import ROW_FIELDS
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

# The loop of templates/contacts/list.html as it was written.
FORMER_LOOP = (
    '{% for contact in page.object_list %}\n'
    '    <li class="contact-row">\n'
    '      <div class="contact-main">\n'
    '        <a class="contact-name" href="{% url \'contacts:detail\' contact.pk %}">{{ contact.name }}</a>\n'  # noqa: E501
    '        <span class="item-meta">{% if contact.role_title %}{{ contact.role_title }}{% endif %}{% if contact.role_title and contact.organisation %} · {% endif %}{{ contact.organisation }}</span>\n'  # noqa: E501
    '        {% if contact.referred_by %}<span class="item-meta">Referred by {{ contact.referred_by.name }}</span>{% endif %}\n'  # noqa: E501
    '      </div>\n'
    '      <div class="contact-tags">{% for tag in contact.tags %}<span class="tag">{{ tag }}</span> {% endfor %}</div>\n'  # noqa: E501
    '      <div class="contact-state">\n'
    '        <span class="badge {{ contact.tier_class }}">Tier {{ contact.tier }}</span>\n'
    '        <span class="pill status-{{ contact.status }}">{{ contact.get_status_display }}</span>\n'  # noqa: E501
    '        {% if contact.waited is not None and contact.waited >= second_person_days %}<span class="pill pill-waiting" title="Business days without a reply">No reply · {{ contact.waited }} business day{{ contact.waited|pluralize }}</span>{% endif %}\n'  # noqa: E501
    '      </div>\n'
    '    </li>\n'
    '    {% endfor %}'
)
TRICKY = "Dr <i>O'Neil</i> & \"Sam\""


@pytest.fixture
def contacts(alice):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    referrer = ContactFactory(owner=alice, name=TRICKY, organisation="", role_title="")
    ContactFactory(owner=alice, name="Ann", role_title="Medical <director>",
                   organisation="", tags=["pharma", "<b>bold</b>"], referred_by=referrer)
    ContactFactory(owner=alice, name="Ben", role_title="", organisation="Medwise & Co",
                   status=Contact.Status.REACHED_OUT, status_changed_at=long_ago)
    ContactFactory(owner=alice, name="Cy", role_title="CMO", organisation="Acme",
                   status=Contact.Status.REACHED_OUT, status_changed_at=timezone.now())
    ContactFactory(owner=alice, name="Di", role_title="MSL", organisation="Beta",
                   status=Contact.Status.MET)
    rows = list(Contact.objects.for_user(alice).select_related("referred_by")
                .only(*ROW_FIELDS, "referred_by__name").order_by("name"))
    Contact.objects.filter(pk=rows[0].pk).update(tier=6)
    rows[0].tier = 6
    today = timezone.localdate()
    for contact in rows:
        contact.waited = contact.waiting_business_days(today)
    rows[2].waited = 1  # one business day: no plural
    return rows


@pytest.mark.parametrize("second_person_days", [0, 1, 5])
def test_rows_match_the_former_template_loop(contacts, second_person_days):
    context = Context({"page": {"object_list": contacts},
                       "second_person_days": second_person_days})
    former = Template(FORMER_LOOP).render(context)
    rendered = Template(
        "{% load contact_rows %}{% contact_rows page.object_list second_person_days %}"
    ).render(context)
    assert rendered == former
    assert "Referred by Dr &lt;i&gt;O&#x27;Neil&lt;/i&gt; &amp; &quot;Sam&quot;" in rendered
    assert "<i>" not in rendered and "<b>" not in rendered
