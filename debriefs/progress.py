"""Progress you can see: the client's networking week by week, aggregated in SQL.

Steps:
1. The window: the last `weeks` weeks, each starting on a Monday, ending with this week.
2. Three grouped queries, whatever the length of the history (docs/method.md, "Tiers"):
   contacts joining the network per week and tier (a referral joins on the day of the
   meeting where the name was given), meetings held per week, and for each meeting held
   in the window the referrals per meeting over the last five meetings (a SQL window).
3. Cumulative counts and the weekly series in Python, over at most `weeks` rows.
4. `Chart`: the SVG geometry the templates draw (no inline styles: classes only).

For the coach (`client_sparklines`, `needs_attention`), only what the client shares
counts: meetings whose debrief is shared (`Debrief.objects.shared_with_coach`).
"""

from __future__ import annotations

import collections
import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, RowNumber, TruncWeek
from django.utils import timezone

from contacts.models import Contact

from .coaching import learnt_privately
from .models import Debrief, FollowUp, Meeting

WEEKS = 26  # about six months
ROLLING_MEETINGS = 5  # referrals per meeting, over the last five meetings
REFERRAL_AIM = (1, 2)  # one to two referrals per meeting (docs/method.md, "Tiers")
TIERS = 5  # tier 5 stands for 5 and beyond, as on the tiers board


@dataclass
class Week:
    starts_on: datetime.date
    tiers: list[int] = field(default_factory=lambda: [0] * TIERS)  # contacts, cumulative
    meetings: int = 0
    referrals_per_meeting: float | None = None  # rolling, as of the end of the week

    @property
    def contacts(self) -> int:
        return sum(self.tiers)


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_starts(today: datetime.date, weeks: int) -> list[datetime.date]:
    last = monday(today)
    return [last - datetime.timedelta(weeks=weeks - 1 - n) for n in range(weeks)]


def _day(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def weekly_progress(user, today: datetime.date | None = None, weeks: int = WEEKS) -> list[Week]:
    """The client's last `weeks` weeks, oldest first, in three queries."""
    today = today or timezone.localdate()
    starts = week_starts(today, weeks)
    series = {start: Week(start) for start in starts}
    first = starts[0]

    window_start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    # A contact added before the window joined before it too: one bucket (NULL), read
    # without the meeting where the name was given, which is looked up for the others only.
    named_at = Meeting.objects.filter(pk=OuterRef("referred_in_id")).values("starts_at")
    joined = Contact.objects.for_user(user).annotate(week=Case(
        When(created_at__lt=window_start, then=Value(None)),
        When(referred_in__isnull=True, then=TruncWeek("created_at")),
        default=TruncWeek(Least("created_at", Coalesce(Subquery(named_at), "created_at"))),
        output_field=DateTimeField(),
    ))
    added = joined.order_by().values("week").annotate(**{
        f"tier_{n}": Count("pk", filter=Q(tier=n) if n < TIERS else Q(tier__gte=n))
        for n in range(1, TIERS + 1)
    })
    running = [0] * TIERS
    per_week = {}
    for row in added:
        counts = [row[f"tier_{n}"] for n in range(1, TIERS + 1)]
        if row["week"] is None:
            running = counts
        else:  # the local Monday, read back without its time zone through the Case
            per_week[row["week"].date()] = counts
    for week in sorted(per_week):
        if week < first:
            running = [a + b for a, b in zip(running, per_week[week], strict=True)]
    for start in starts:
        running = [a + b for a, b in zip(running, per_week.get(start, [0] * TIERS),
                                          strict=True)]
        series[start].tiers = list(running)

    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    held = Meeting.objects.for_user(user).held().filter(starts_at__lte=end,
                                                        starts_at__gte=window_start)
    # Meetings per week, and the last few of each week: only they can be among the last
    # five meetings at the end of a week (a meeting followed by five more in its week
    # never is), so the rolling rate is read from at most `ROLLING_MEETINGS` a week.
    week = TruncWeek("starts_at")
    last_of_week = held.annotate(
        week=week,
        meetings=Window(Count("pk"), partition_by=[week]),
        from_last=Window(RowNumber(), partition_by=[week],
                         order_by=[F("starts_at").desc(), F("pk").desc()]),
    ).filter(from_last__lte=ROLLING_MEETINGS).order_by("starts_at", "pk")
    rows = list(last_of_week.values_list("pk", "week", "meetings"))
    for _pk, week_start, meetings in rows:
        if _day(week_start) in series:
            series[_day(week_start)].meetings = meetings
    referrals = dict(
        Contact.objects.filter(referred_in__in=[pk for pk, _week, _meetings in rows])
        .order_by().values("referred_in").annotate(n=Count("pk")).values_list("referred_in", "n")
    )
    recent: collections.deque[int] = collections.deque(maxlen=ROLLING_MEETINGS)
    for pk, week_start, _meetings in rows:
        recent.append(referrals.get(pk, 0))
        if _day(week_start) in series:
            series[_day(week_start)].referrals_per_meeting = sum(recent) / len(recent)
    # A week without a meeting keeps the rate it had.
    last = None
    for start in starts:
        if series[start].referrals_per_meeting is None:
            series[start].referrals_per_meeting = last
        last = series[start].referrals_per_meeting
    return [series[start] for start in starts]


def reading(weeks: list[Week]) -> str:
    """One sentence on what the charts show."""
    recent = weeks[-4:]
    held = sum(w.meetings for w in recent)
    parts = [f"{held} meeting{'s' if held != 1 else ''} in the last {len(recent)} weeks"]
    rate = weeks[-1].referrals_per_meeting if weeks else None
    if rate is not None:
        low, high = REFERRAL_AIM
        verdict = ("within the aim of one to two" if low <= rate <= high
                   else "below the aim of one to two" if rate < low else "above the aim")
        parts.append(f"{rate:.1f} referrals per meeting over your last {ROLLING_MEETINGS} "
                     f"meetings, {verdict}")
    grown = weeks[-1].contacts - weeks[0].contacts if weeks else 0
    if grown:
        parts.append(f"your network grew by {grown} contact{'s' if grown != 1 else ''}")
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


# ---------------------------------------------------------------------------------------
# Chart geometry


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    label: str


@dataclass
class Chart:
    """An SVG chart's shapes in its own coordinates (`viewBox`), drawn by the template."""

    width: int = 640
    height: int = 180
    left: int = 28  # room for the y axis labels
    right: int = 76  # room for the labels on the lines
    top: int = 8
    bottom: int = 22  # room for the week labels
    bars: list[Bar] = field(default_factory=list)
    line: str = ""  # an SVG path
    band: tuple[float, float] | None = None  # the aim, as y from and to
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    labels: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, class

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def right_edge(self) -> float:
        return self.left + self.plot_width

    @property
    def baseline(self) -> float:
        return self.top + self.plot_height

    def x(self, index: int, count: int) -> float:
        return self.left + self.plot_width * index / count

    def y(self, value: float, top_value: float) -> float:
        return self.baseline - self.plot_height * value / top_value if top_value else \
            self.baseline


def _nice_top(value: float) -> int:
    for top in (2, 4, 6, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000):
        if value <= top:
            return top
    return int(value) + 1


def _week_ticks(chart: Chart, weeks: list[Week]) -> list[tuple[float, str]]:
    """A label at the first week of each month."""
    ticks, count = [], len(weeks)
    for n, week in enumerate(weeks):
        if n == 0 or week.starts_on.month != weeks[n - 1].starts_on.month:
            ticks.append((round(chart.x(n, count), 1), week.starts_on.strftime("%b")))
    return ticks


def network_chart(weeks: list[Week]) -> Chart:
    """Contacts per tier, stacked, week by week; each tier labelled at the right."""
    chart = Chart()
    count = len(weeks)
    top = _nice_top(max((w.contacts for w in weeks), default=0) or 1)
    slot = chart.plot_width / count
    for n, week in enumerate(weeks):
        below = 0
        for tier, contacts in enumerate(week.tiers, start=1):
            if not contacts:
                continue
            y = chart.y(below + contacts, top)
            chart.bars.append(Bar(
                round(chart.x(n, count) + 1, 1), round(y, 1), round(slot - 2, 1),
                round(chart.y(below, top) - y, 1), f"tier-fill tier-fill-{tier}",
                f"Week of {week.starts_on:%d %b}: {contacts} at tier {tier}",
            ))
            below += contacts
    last, below = weeks[-1], 0
    for tier, contacts in enumerate(last.tiers, start=1):
        if contacts:
            middle = chart.y(below + contacts / 2, top)
            chart.labels.append((chart.width - chart.right + 4, round(middle + 4, 1),
                                 f"Tier {tier}{'+' if tier == TIERS else ''}", "chart-label"))
            below += contacts
    _avoid_overlap(chart.labels)
    chart.y_ticks = [(round(chart.y(v, top), 1), str(v)) for v in (0, top // 2, top)]
    chart.x_ticks = _week_ticks(chart, weeks)
    return chart


def _avoid_overlap(labels: list, gap: float = 19) -> None:
    """Push labels on the right up so that none sits on another (tiers stack upwards)."""
    for n in range(1, len(labels)):
        x, y, text, css = labels[n]
        if labels[n - 1][1] - y < gap:
            labels[n] = (x, labels[n - 1][1] - gap, text, css)


def activity_chart(weeks: list[Week]) -> Chart:
    """Meetings held per week (bars) and referrals per meeting, rolling (a line), on
    one scale from 0, with the method's aim of one to two as a band."""
    chart = Chart()
    count = len(weeks)
    rates = [w.referrals_per_meeting for w in weeks if w.referrals_per_meeting is not None]
    top = _nice_top(max([w.meetings for w in weeks] + rates + [REFERRAL_AIM[1] + 0.5]))
    slot = chart.plot_width / count
    for n, week in enumerate(weeks):
        if week.meetings:
            y = chart.y(week.meetings, top)
            chart.bars.append(Bar(
                round(chart.x(n, count) + 2, 1), round(y, 1), round(slot - 4, 1),
                round(chart.baseline - y, 1), "activity-bar",
                f"Week of {week.starts_on:%d %b}: {week.meetings} meetings",
            ))
    points = [(chart.x(n, count) + slot / 2, chart.y(w.referrals_per_meeting, top))
              for n, w in enumerate(weeks) if w.referrals_per_meeting is not None]
    if any(w.meetings for w in weeks):
        chart.labels.append((chart.width - chart.right + 4, round(chart.baseline - 2, 1),
                             "Meetings", "chart-label chart-label-bars"))
    if points:
        chart.line = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points)
        chart.labels.append((chart.width - chart.right + 4, round(points[-1][1] + 4, 1),
                             "Referrals", "chart-label chart-label-line"))
    chart.band = (round(chart.y(REFERRAL_AIM[1], top), 1),
                  round(chart.y(REFERRAL_AIM[0], top) - chart.y(REFERRAL_AIM[1], top), 1))
    _avoid_overlap(chart.labels)
    chart.y_ticks = [(round(chart.y(v, top), 1), str(v)) for v in (0, top // 2, top)]
    chart.x_ticks = _week_ticks(chart, weeks)
    return chart


# ---------------------------------------------------------------------------------------
# For the coach: only what the client shares

SPARK_WEEKS = 12
QUIET_DAYS = 14  # no meeting for this long: the rhythm has stopped
LAST_MEETINGS = 3  # no referral from any of these: ask why
UNDECIDED_DAYS = 30  # a hinted job still undecided after a meeting this recent


@dataclass
class Sparkline:
    """Meetings held per week, the last `SPARK_WEEKS` weeks, drawn in a 100 x 24 box."""

    counts: list[int]
    tier_before: int | None  # the highest tier met before these weeks
    tier_now: int | None  # the highest tier met by now

    @property
    def points(self) -> str:
        top = max(self.counts) or 1
        step = 100 / max(len(self.counts) - 1, 1)
        return " ".join(f"{n * step:.1f},{22 - 20 * count / top:.1f}"
                        for n, count in enumerate(self.counts))

    @property
    def last(self) -> int:
        return self.counts[-1] if self.counts else 0

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def tier_rose(self) -> bool:
        return bool(self.tier_now) and (self.tier_before or 0) < self.tier_now \
            and self.tier_before is not None


def _shared_held(coach):
    return Debrief.objects.shared_with_coach(coach).filter(meeting__status=Meeting.Status.HELD)


def client_sparklines(coach, client_ids, today: datetime.date | None = None
                      ) -> dict[int, Sparkline]:
    """Per client: meetings held per week (shared debriefs only) and the highest tier met,
    now and before the window. Two queries for any number of clients."""
    today = today or timezone.localdate()
    starts = week_starts(today, SPARK_WEEKS)
    window_start = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    shared = _shared_held(coach).filter(owner_id__in=list(client_ids))
    counts = {pk: dict.fromkeys(starts, 0) for pk in client_ids}
    tiers_now: dict[int, int] = {}
    for row in (shared.filter(meeting__starts_at__gte=window_start, meeting__starts_at__lte=end)
                .annotate(week=TruncWeek("meeting__starts_at")).order_by()
                .values("owner_id", "week")
                .annotate(meetings=Count("pk"), tier=Max("meeting__contact_tier"))):
        week = _day(row["week"])
        if week in counts[row["owner_id"]]:
            counts[row["owner_id"]][week] = row["meetings"]
        tiers_now[row["owner_id"]] = max(tiers_now.get(row["owner_id"], 0), row["tier"])
    before = dict(shared.filter(meeting__starts_at__lt=window_start).order_by()
                  .values("owner_id").annotate(tier=Max("meeting__contact_tier"))
                  .values_list("owner_id", "tier"))
    return {
        pk: Sparkline(
            counts=list(counts[pk].values()),
            tier_before=before.get(pk),
            tier_now=max(tiers_now.get(pk, 0), before.get(pk) or 0) or None,
        )
        for pk in client_ids
    }


@dataclass
class Attention:
    client: object
    reasons: list[str]


def needs_attention(coach, today: datetime.date | None = None) -> list[Attention]:
    """The coach's clients who need a word, each with why (`clients_needing_attention`)."""
    return clients_needing_attention(coach, today)[0]


def clients_needing_attention(coach, today: datetime.date | None = None,
                              limit: int | None = None) -> tuple[list[Attention], int]:
    """The first `limit` of the coach's clients who need a word, by name, each with why,
    and how many need one in all: no shared meeting in `QUIET_DAYS` days, no referral
    from the last `LAST_MEETINGS` shared meetings, overdue follow-ups, or a hinted job
    left undecided. Private debriefs, and everyone learnt through them, count for nothing.

    Five queries whatever the caseload, each grouped per client (a subquery per client
    would walk the private branch, a recursive CTE, once for every client); only the
    clients shown are loaded.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    shared = _shared_held(coach)
    recently = now - datetime.timedelta(days=UNDECIDED_DAYS)
    facts = {
        owner: (last_met, undecided)
        for owner, last_met, undecided in shared.order_by().values("owner_id").annotate(
            last_met=Max("meeting__starts_at"),
            undecided=Count("pk", filter=Q(job_hinted=True, wants_job__in=["", "unsure"],
                                           meeting__starts_at__gte=recently)),
        ).values_list("owner_id", "last_met", "undecided")
    }
    overdue = dict(
        FollowUp.objects.filter(owner__coach=coach).overdue(today)
        .exclude(meeting__debrief__is_private=True).exclude(contact__in=learnt_privately())
        .order_by().values("owner").annotate(n=Count("pk")).values_list("owner", "n")
    )
    referrals = (
        Contact.objects.filter(referred_in=OuterRef("meeting_id"))
        .exclude(pk__in=learnt_privately())
        .order_by().values("referred_in").annotate(n=Count("pk")).values("n")
    )
    recent = shared.annotate(
        rank=Window(RowNumber(), partition_by=[F("owner_id")],
                    order_by=[F("meeting__starts_at").desc(), F("pk").desc()]),
        referrals=Coalesce(Subquery(referrals), 0),
    ).filter(rank__lte=LAST_MEETINGS)
    last_meetings: dict[int, list[int]] = {}
    for owner_id, count in recent.values_list("owner_id", "referrals"):
        last_meetings.setdefault(owner_id, []).append(count)

    quiet_since = now - datetime.timedelta(days=QUIET_DAYS)
    found = []
    for pk in coach.clients.order_by("first_name", "last_name", "pk").values_list(
            "pk", flat=True):
        last_met, undecided = facts.get(pk, (None, 0))
        reasons = []
        if last_met is None or last_met < quiet_since:
            reasons.append(f"No shared meeting in the last {QUIET_DAYS} days")
        counts = last_meetings.get(pk, [])
        if len(counts) == LAST_MEETINGS and not any(counts):
            reasons.append(f"No referral from the last {LAST_MEETINGS} meetings")
        late = overdue.get(pk, 0)
        if late:
            reasons.append(f"{late} overdue follow-up{'s' if late > 1 else ''}")
        if undecided:
            reasons.append("A hinted job left undecided")
        if reasons:
            found.append((pk, reasons))
    shown = found if limit is None else found[:limit]
    clients = coach.clients.in_bulk([pk for pk, _ in shown])
    return [Attention(clients[pk], reasons) for pk, reasons in shown], len(found)
