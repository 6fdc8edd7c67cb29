"""The repeated parts of the tiers board, rendered in Python.

The board lists up to a dozen people in each tier column and draws every person of the
referral tree twice (in the SVG and in the list shown on a narrow screen): as template
loops, each person cost a `{% url %}`, a dozen values and as many conditions, more than
the rest of the request. The markup is the one the loops of
`contacts/partials/_tiers_board.html` produced (tests/contacts/test_board_markup.py
compares them, for the client's board and the coach's read-only one). Every value goes
through `text()` (escaped) on its way into the markup.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from config.rows import pk_urls, text

register = template.Library()

_COLUMN = (
    '\n      <section class="tier-column" aria-labelledby="tier-{tier}-heading">\n'
    '        <header class="tier-column-head {tier_class}">\n'
    '          <h3 id="tier-{tier}-heading">Tier {tier}</h3>\n'
    '          <span class="tier-count">{count}<span class="sr-only"> contact{plural}</span>'
    "</span>\n"
    "        </header>\n"
    "        {statuses}\n"
    "        {people}\n"
    "        {more}\n"
    "      </section>\n      "
)
_STATUSES = '\n        <p class="tier-statuses">{pills}</p>\n        '
_PILL = '<span class="pill status-{status}">{count} {label}</span> '
_PEOPLE = '\n        <ul class="tier-people">\n          {items}\n        </ul>\n        '
_NOBODY = '\n        <p class="muted small">Nobody at this tier yet.</p>\n        '
_PERSON = (
    "\n          <li>\n"
    "            {name}\n"
    '            <span class="item-meta">{meta}</span>\n'
    '            <span class="status-dot status-{status}" title="{label}">'
    '<span class="sr-only">{label}</span></span>\n'
    "          </li>\n          "
)
_MORE = '\n        <p class="tier-more">{more}</p>\n        '

_NODE = (
    '<g class="branch{key}">\n'
    "          {edge}\n"
    "          {open}\n"
    "            <title>{name}{organisation} · tier {tier} · {status_label}</title>\n"
    '            <circle class="node {tier_class}" cx="{x}" cy="{y}" r="6"></circle>\n'
    '            <text class="node-label" x="{label_x}" y="{label_y}">{label}</text>\n'
    "          {close}\n"
    "          {undrawn}\n"
    "        {closes}"
)
_OPEN_BRANCH = (
    '<a class="open-branch" href="?open={pk}#referral-tree" hx-get="?open={pk}"'
    ' hx-target="#referral-tree" hx-swap="outerHTML" hx-push-url="true">'
    "<title>Show the {count} people {name} referred</title>"
    '<text class="node-label" x="{x}" y="{y}">+{count}</text></a>'
)
_CHAIN = (
    '<li class="chain-person{key}"><span class="badge {tier_class}">{tier}'
    '<span class="sr-only"> tier</span></span> {name}{organisation}{undrawn}<ul>\n'
    "      {closes}"
)
_OPEN_CHAIN = (
    '<a class="item-meta open-branch" href="?open={pk}#referral-tree" hx-get="?open={pk}"'
    ' hx-target="#referral-tree" hx-swap="outerHTML" hx-push-url="true">'
    "Show the {count} {people} referred</a>"
)


def _plural(count: int, singular: str = "", plural: str = "s") -> str:
    return singular if count == 1 else plural


def _person(person: dict, read_only: bool, detail_url) -> str:
    name = text(person["name"])
    label = text(person["status_label"])
    return _PERSON.format(
        name=(f'<span class="tier-person-name">{name}</span>' if read_only else
              f'<a class="tier-person-name" href="{detail_url(person["id"])}">{name}</a>'),
        meta=text(person["organisation"] or person["role_title"]),
        status=text(person["status"]),
        label=label,
    )


def _column(column: dict, read_only: bool, detail_url, list_url: str) -> str:
    tier, count, more = int(column["tier"]), int(column["count"]), int(column["more"])
    statuses = column["statuses"]
    people = column["people"]
    if read_only:
        more_text = f"and {more} more"
    else:
        more_text = f'<a href="{list_url}?tier={tier}">and {more} more in tier {tier}</a>'
    return _COLUMN.format(
        tier=tier,
        tier_class=text(column["tier_class"]),
        count=count,
        plural=_plural(count),
        statuses=_STATUSES.format(pills="".join(
            _PILL.format(status=text(s["status"]), count=int(s["count"]),
                         label=text(str(s["label"]).lower()))
            for s in statuses
        )) if statuses else "",
        people=_PEOPLE.format(items="".join(
            _person(person, read_only, detail_url) for person in people
        )) if people else _NOBODY,
        more=_MORE.format(more=more_text) if more else "",
    )


@register.simple_tag
def tier_columns(columns: list, read_only: bool) -> SafeString:
    """The board's tier columns, each with its counts and first people."""
    detail_url = pk_urls("contacts:detail")
    list_url = text(reverse("contacts:list")) if not read_only else ""
    return mark_safe("".join(_column(column, read_only, detail_url, list_url)
                             for column in columns))


def _node(node, read_only: bool, detail_url) -> str:
    name = text(node.name)
    count = node.undrawn_referrals
    label_y = int(node.label_y)
    if not count or node.children:
        undrawn = ""
    elif read_only:
        undrawn = (f'<text class="node-label branch-count" x="{int(node.more_x)}"'
                   f' y="{label_y}">+{count}</text>')
    else:
        undrawn = _OPEN_BRANCH.format(pk=int(node.id), count=count, name=name,
                                      x=int(node.more_x), y=label_y)
    return _NODE.format(
        key=" on-key-path" if node.on_key_path else "",
        edge=f'<path class="edge" d="{text(node.edge)}"></path>' if node.edge else "",
        open=('<g class="person">' if read_only else
              f'<a class="person" href="{detail_url(node.id)}">'),
        name=name,
        organisation=f", {text(node.organisation)}" if node.organisation else "",
        tier=int(node.tier),
        status_label=text(node.status_label),
        tier_class=text(node.tier_class),
        x=int(node.x),
        y=int(node.y),
        label_x=int(node.label_x),
        label_y=label_y,
        label=text(node.label),
        close="</g>" if read_only else "</a>",
        undrawn=undrawn,
        closes="</g>" * len(node.closes),
    )


@register.simple_tag
def tree_nodes(tree, read_only: bool) -> SafeString:
    """The people of the SVG referral tree, each group nesting the people they referred."""
    detail_url = pk_urls("contacts:detail")
    return mark_safe("".join(_node(node, read_only, detail_url) for node in tree.nodes))


def _chain(node, read_only: bool, detail_url) -> str:
    name = text(node.name)
    count = node.undrawn_referrals
    if not count:
        undrawn = ""
    elif read_only:
        undrawn = (f' <span class="item-meta">{"and " if node.children else ""}'
                   f"{count} more referred</span>")
    elif node.children:
        undrawn = (f' <a class="item-meta" href="{detail_url(node.id)}">'
                   f"and {count} more referred</a>")
    else:
        undrawn = " " + _OPEN_CHAIN.format(pk=int(node.id), count=count,
                                           people=_plural(count, "person", "people"))
    return _CHAIN.format(
        key=" on-key-path" if node.on_key_path else "",
        tier_class=text(node.tier_class),
        tier=int(node.tier),
        name=(f'<span class="chain-name">{name}</span>' if read_only else
              f'<a class="chain-name" href="{detail_url(node.id)}">{name}</a>'),
        organisation=(f' <span class="item-meta">{text(node.organisation)}</span>'
                      if node.organisation else ""),
        undrawn=undrawn,
        closes="</ul></li>" * len(node.closes),
    )


@register.simple_tag
def tree_chains(tree, read_only: bool) -> SafeString:
    """The same tree as nested list items, for a narrow screen."""
    detail_url = pk_urls("contacts:detail")
    return mark_safe("".join(_chain(node, read_only, detail_url) for node in tree.nodes))
