"""The contacts list's rows, rendered in Python.

A page of 25 rows, each with a `{% url %}`, a loop over its tags and several
conditions, cost more than the rest of the page. The markup is the one the template loop
produced (tests/contacts/test_contact_rows.py compares them). Every value goes through
`text()` (escaped) on its way into the markup.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from config.rows import pk_urls, text

register = template.Library()

_ROW = (
    '\n    <li class="contact-row">\n'
    '      <div class="contact-main">\n'
    '        <a class="contact-name" href="{url}">{name}</a>\n'
    '        <span class="item-meta">{role}{between}{organisation}</span>\n'
    "        {referrer}\n"
    "      </div>\n"
    '      <div class="contact-tags">{tags}</div>\n'
    '      <div class="contact-state">\n'
    '        <span class="badge {tier_class}">Tier {tier}</span>\n'
    '        <span class="pill status-{status}">{status_label}</span>\n'
    "        {waiting}\n"
    "      </div>\n"
    "    </li>\n    "
)
_WAITING = ('<span class="pill pill-waiting" title="Business days without a reply">'
            "No reply · {days} business day{plural}</span>")


def _row(contact, second_person_days: int, detail_url) -> str:
    referrer = contact.referred_by
    waited = contact.waited
    return _ROW.format(
        url=detail_url(contact.pk),
        name=text(contact.name),
        role=text(contact.role_title),
        between=" · " if contact.role_title and contact.organisation else "",
        organisation=text(contact.organisation),
        referrer=(f'<span class="item-meta">Referred by {text(referrer.name)}</span>'
                  if referrer else ""),
        tags="".join(f'<span class="tag">{text(tag)}</span> ' for tag in contact.tags),
        tier_class=text(contact.tier_class),
        tier=int(contact.tier),
        status=text(contact.status),
        status_label=text(contact.get_status_display()),
        waiting=_WAITING.format(days=int(waited), plural="" if waited == 1 else "s")
        if waited is not None and waited >= second_person_days else "",
    )


@register.simple_tag
def contact_rows(contacts, second_person_days: int) -> SafeString:
    """The list items of a page of contacts (each with `waited` set by the view)."""
    detail_url = pk_urls("contacts:detail")
    return mark_safe(
        "".join(_row(contact, second_person_days, detail_url) for contact in contacts)
    )
