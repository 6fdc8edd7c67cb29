"""Layout of the referral tree drawn on the tiers board (a pure function, no database).

`layout_referral_tree(people)` takes plain rows (id, name, organisation, tier, status,
referred_by_id, and optionally referral_count: how many people they referred, drawn or not)
and returns where to draw each person. The board passes only the branch it draws
(`contacts.views.tiers_board_context`); the rest opens a branch at a time. Steps:

1. Link each person to their referrer. People nobody referred who have not referred anyone
   either are left out of the drawing (they are counted, and listed in the tier columns).
2. If more than `max_nodes` people remain, keep the deepest chains: take the deepest people
   first and add each with everyone above them, until the budget is spent. A drawn person
   always has their whole chain up to tier 1 drawn too.
3. Order children deepest chain first, so the longest chain runs straight along the top.
4. Place the people: one column per level (tier 1 on the left, like the board's columns),
   one row per leaf; a referrer sits on the row of their first referral, so an unbranched
   chain reads as one line, "A - B - C", and each further referral starts a row below.
5. Mark the key path: the chain from tier 1 to `key_id` (default: the deepest person).

The drawing is nested `<g>` groups (a person's group contains the people they referred), so
CSS `:hover` / `:focus-within` on a person lights up the whole path from tier 1 to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN_WIDTH = 190
ROW_HEIGHT = 28
LEFT = 14
TOP = 44
BOTTOM = 12
NODE_RADIUS = 6
LABEL_CHARACTERS = 24
DEFAULT_MAX_NODES = 400


@dataclass
class TreeNode:
    id: int
    name: str
    organisation: str
    tier: int
    status: str
    status_label: str
    referred_by_id: int | None
    children: list[TreeNode] = field(default_factory=list)
    parent: TreeNode | None = None
    depth: int = 0
    height: int = 0  # levels below this person (0 for someone who referred nobody)
    row: int = 0
    x: int = 0
    y: int = 0
    edge: str = ""  # SVG path from the referrer to this person
    on_key_path: bool = False
    closes: range = range(0)  # how many </g> follow this person in document order
    referral_count: int = 0  # people this person referred, drawn or not

    @property
    def undrawn_referrals(self) -> int:
        return max(self.referral_count - len(self.children), 0)

    @property
    def label(self) -> str:
        if len(self.name) <= LABEL_CHARACTERS:
            return self.name
        return self.name[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def tier_class(self) -> str:
        return f"tier-{min(self.tier, 5)}"

    @property
    def label_x(self) -> int:
        return self.x + NODE_RADIUS + 3

    @property
    def label_y(self) -> int:
        return self.y - NODE_RADIUS - 2

    @property
    def more_x(self) -> int:
        """Where "+N" (the referrals not drawn) goes: on the label's line, just after it
        (up to 7.5 px a character at the labels' 12 px)."""
        return self.label_x + round(7.5 * len(self.label)) + 8


@dataclass
class ReferralTree:
    nodes: list[TreeNode]  # in document (pre-)order
    width: int
    height: int
    columns: list[dict]  # {"level": 1, "x": ..., "label": "Tier 1"}
    unconnected: int  # tier-1 people who have not referred anyone yet (not drawn)
    hidden: int  # connected people left out to stay readable
    key_path: list[TreeNode]

    @property
    def shown(self) -> int:
        return len(self.nodes)


def layout_referral_tree(people: list[dict], max_nodes: int = DEFAULT_MAX_NODES,
                         key_id: int | None = None) -> ReferralTree:
    nodes = {
        p["id"]: TreeNode(
            id=p["id"], name=p["name"], organisation=p.get("organisation", ""),
            tier=p["tier"], status=p.get("status", ""),
            status_label=p.get("status_label", ""), referred_by_id=p.get("referred_by_id"),
            referral_count=p.get("referral_count", 0),
        )
        for p in people
    }
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.referred_by_id) if node.referred_by_id is not None else None
        if parent is None or parent is node:
            roots.append(node)
        else:
            node.parent = parent
            parent.children.append(node)
    # A root stays when it referred someone, drawn or not (the branch can be opened).
    roots, unconnected = (
        [r for r in roots if r.children or r.referral_count],
        sum(1 for r in roots if not r.children and not r.referral_count),
    )

    # Depths and heights (iteratively: chains can be long).
    order = _preorder(roots, key=lambda n: n.id)
    for node in order:
        node.depth = node.parent.depth + 1 if node.parent else 0
    for node in reversed(order):
        node.height = max((c.height + 1 for c in node.children), default=0)

    hidden = 0
    if len(order) > max_nodes:
        keep = _deepest_chains(order, max_nodes)
        hidden = len(order) - len(keep)
        for node in order:
            node.children = [c for c in node.children if c.id in keep]
        roots = [r for r in roots if r.id in keep]

    def deepest_first(node: TreeNode):
        return (-node.height, node.name.casefold(), node.id)

    roots.sort(key=deepest_first)
    order = _preorder(roots, key=deepest_first)

    # Rows: a leaf takes a new row; a referrer shares the row of its first referral.
    row = 0
    for node in order:
        if not node.children:
            node.row = row
            row += 1
    for node in reversed(order):
        if node.children:
            node.row = node.children[0].row
    for node in order:
        node.x = LEFT + NODE_RADIUS + node.depth * COLUMN_WIDTH
        node.y = TOP + node.row * ROW_HEIGHT
        if node.parent:
            p = node.parent
            if node.y == p.y:
                node.edge = f"M{p.x + NODE_RADIUS},{p.y} H{node.x - NODE_RADIUS}"
            else:
                node.edge = f"M{p.x},{p.y + NODE_RADIUS} V{node.y} H{node.x - NODE_RADIUS}"

    for index, node in enumerate(order):
        next_depth = order[index + 1].depth if index + 1 < len(order) else 0
        node.closes = range(node.depth - next_depth + 1)

    key_path: list[TreeNode] = []
    if order:
        drawn = {n.id: n for n in order}
        deepest = drawn.get(key_id) or max(order, key=lambda n: (n.depth, -n.row))
        current = deepest
        while current is not None:
            current.on_key_path = True
            key_path.append(current)
            current = current.parent
        key_path.reverse()

    levels = max((n.depth for n in order), default=-1) + 1
    columns = [
        {"level": level, "x": LEFT + NODE_RADIUS + level * COLUMN_WIDTH,
         "label": f"Tier {level + 1}"}
        for level in range(levels)
    ]
    return ReferralTree(
        nodes=order,
        width=LEFT + max(levels, 1) * COLUMN_WIDTH + 20,
        height=TOP + max(row, 1) * ROW_HEIGHT + BOTTOM - ROW_HEIGHT // 2,
        columns=columns,
        unconnected=unconnected,
        hidden=hidden,
        key_path=key_path,
    )


def _preorder(roots: list[TreeNode], key) -> list[TreeNode]:
    """Everyone under `roots`, parents before children, children sorted by `key`."""
    result, stack, seen = [], list(reversed(sorted(roots, key=key))), set()
    while stack:
        node = stack.pop()
        if node.id in seen:  # a loop in bad data: draw each person once
            continue
        seen.add(node.id)
        result.append(node)
        node.children = [c for c in sorted(node.children, key=key) if c.id not in seen]
        stack.extend(reversed(node.children))
    return result


def _deepest_chains(order: list[TreeNode], budget: int) -> set[int]:
    """Ids of at most `budget` people: the deepest first, each with their whole chain."""
    keep: set[int] = set()
    for node in sorted(order, key=lambda n: (-n.depth, n.name.casefold(), n.id)):
        chain, current = [], node
        while current is not None and current.id not in keep:
            chain.append(current.id)
            current = current.parent
        if len(keep) + len(chain) > budget:
            continue
        keep.update(chain)
        if len(keep) >= budget:
            break
    return keep
