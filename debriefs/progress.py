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

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, RowNumber, TruncWeek
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.compiled import as_user, compiled_objects, compiled_rows
from contacts.models import Contact, ContactTally

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


class WeekBucket(Func):
    """`WIDTH_BUCKET(moment, the local midnights of the Mondays from `first` to `last`)`:
    0 before the first Monday, n in the nth week (the last has no end). The Mondays'
    midnights are computed once in SQL, in the current time zone."""

    output_field = IntegerField()

    def __init__(self, expression, first, last):
        super().__init__(expression, first, last)

    def as_sql(self, compiler, connection, **extra_context):
        (sql, params), (first, first_params), (last, last_params) = (
            compiler.compile(expression) for expression in self.source_expressions)
        return (f"WIDTH_BUCKET({sql}, ARRAY(SELECT monday AT TIME ZONE %s FROM "
                f"generate_series(({first})::timestamp, ({last})::timestamp, "
                "interval '1 week') AS monday))",
                (*params, timezone.get_current_timezone_name(), *first_params, *last_params))


def _added_by_week(owner: int, window_start: datetime.datetime, first: datetime.date,
                   last: datetime.date):
    """The people added since `window_start`, by the week they joined the network (a
    referral joins on the day of the meeting where the name was given, which may be
    before the window: bucket 0) and tier (5 and beyond together): read from the (owner,
    created_at) index alone, with the meeting looked up for the referrals only."""
    named_at = Meeting.objects.filter(pk=OuterRef("referred_in_id")).values("starts_at")
    return (
        Contact.objects.for_user(as_user(owner)).filter(created_at__gte=window_start)
        .annotate(bucket=WeekBucket(Case(
            When(referred_in__isnull=True, then=F("created_at")),
            default=Least("created_at", Coalesce(Subquery(named_at), "created_at")),
        ), Value(first), Value(last)), tier_shown=Least("tier", Value(TIERS)))
        .order_by().values("bucket", "tier_shown").annotate(n=Count("*"))
    )


def _last_meetings_of_weeks(owner: int, window_start: datetime.datetime,
                            end: datetime.datetime):
    """Meetings held per week, and the last few of each week: only they can be among the
    last five meetings at the end of a week (a meeting followed by five more in its week
    never is), so the rolling rate is read from at most `ROLLING_MEETINGS` a week."""
    held = Meeting.objects.for_user(as_user(owner)).held().filter(
        starts_at__lte=end, starts_at__gte=window_start)
    week = TruncWeek("starts_at")
    return held.annotate(
        week=week,
        meetings=Window(Count("pk"), partition_by=[week]),
        from_last=Window(RowNumber(), partition_by=[week],
                         order_by=[F("starts_at").desc(), F("pk").desc()]),
    ).filter(from_last__lte=ROLLING_MEETINGS).order_by("starts_at", "pk").values(
        "pk", "week", "meetings")


def tier_totals_of(user) -> dict[int, int]:
    """The number of the user's contacts in each tier, from the counts the triggers keep."""
    return dict(
        ContactTally.objects.filter(owner=user).order_by().values("tier")
        .annotate(total=Sum("count")).values_list("tier", "total")
    )


def _day(value) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def weekly_progress(user, today: datetime.date | None = None, weeks: int = WEEKS,
                    tier_totals: dict[int, int] | None = None) -> list[Week]:
    """The client's last `weeks` weeks, oldest first, in four queries (three given
    `tier_totals`, the number of contacts in each tier, as `tier_totals_of(user)` gives)."""
    today = today or timezone.localdate()
    starts = week_starts(today, weeks)
    series = {start: Week(start) for start in starts}

    # The first week's first moment (local midnight on Monday). The queries are compiled
    # once per process (config/compiled.py): these are the values they take.
    window_start = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    inputs = {"owner": user.pk, "window_start": window_start, "end": end,
              "first": starts[0], "last": starts[-1]}
    # Those added before the window are the tier's total (the counts the triggers keep)
    # less those added since.
    added = compiled_rows(_added_by_week, **inputs)
    per_week = {start: [0] * TIERS for start in starts}
    running = [0] * TIERS
    if tier_totals is None:
        tier_totals = tier_totals_of(user)
    for tier, count in tier_totals.items():
        if tier >= 1:
            running[min(tier, TIERS) - 1] += count
    for bucket, tier, count in ((r["bucket"], r["tier_shown"], r["n"]) for r in added):
        if bucket and tier >= 1:  # bucket n is the nth week
            per_week[starts[bucket - 1]][tier - 1] += count
            running[tier - 1] -= count
    running = [max(count, 0) for count in running]  # a change between the two reads
    for start in starts:
        running = [a + b for a, b in zip(running, per_week[start], strict=True)]
        series[start].tiers = list(running)

    rows = [(row["pk"], _day(row["week"]), row["meetings"])
            for row in compiled_rows(_last_meetings_of_weeks, **inputs)]
    for _pk, week_start, meetings in rows:
        if week_start in series:
            series[week_start].meetings = meetings
    referrals = dict(
        Contact.objects.filter(referred_in__in=[pk for pk, _week, _meetings in rows])
        .order_by().values("referred_in").annotate(n=Count("pk")).values_list("referred_in", "n")
    )
    recent: collections.deque[int] = collections.deque(maxlen=ROLLING_MEETINGS)
    for pk, week_start, _meetings in rows:
        recent.append(referrals.get(pk, 0))
        if week_start in series:
            series[week_start].referrals_per_meeting = sum(recent) / len(recent)
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


def table_rows(weeks: list[Week]) -> SafeString:
    """The figures of the charts as table rows, for screen readers (built in Python: a
    template loop over 26 weeks of nine cells costs more than the rest of the page)."""
    return format_html_join("\n", (
        '<tr><th scope="row">{}</th><td>{}</td>{}<td>{}</td><td>{}</td></tr>'
    ), (
        (f"{week.starts_on.day} {week.starts_on:%b %Y}", week.contacts,
         format_html_join("", "<td>{}</td>", ((n,) for n in week.tiers)), week.meetings,
         "–" if week.referrals_per_meeting is None else floatformat(week.referrals_per_meeting, 1))
        for week in weeks
    ))


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

    def svg_shapes(self) -> SafeString:
        """The chart's shapes as SVG markup: the aim's band, the axes, the bars, the line
        and the labels. Built here once rather than through template variables (some 150
        bars, each with five numbers: tens of milliseconds in the template engine)."""
        parts = []
        if self.band:
            parts.append(format_html(
                '<rect class="chart-aim" x="{}" y="{}" width="{}" height="{}"><title>The aim:'
                ' one to two referrals per meeting</title></rect>',
                self.left, self.band[0], self.plot_width, self.band[1],
            ))
        parts.append(format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}" />',
            self.left, self.baseline, self.right_edge, self.baseline,
        ))
        parts.append(format_html_join("", (
            '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="chart-tick"'
            ' x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>'
        ), ((self.left, y, self.right_edge, y, self.left - 6, y, text)
            for y, text in self.y_ticks)))
        parts.append(format_html_join("", '<text class="chart-tick" x="{}" y="{}">{}</text>',
                                      ((x, self.height - 6, text) for x, text in self.x_ticks)))
        parts.append(format_html_join("", (
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
        ), ((b.css_class, b.x, b.y, b.width, b.height, b.label) for b in self.bars)))
        if self.line:
            parts.append(format_html('<path class="chart-line" d="{}"/>', self.line))
        parts.append(format_html_join("", '<text class="{}" x="{}" y="{}">{}</text>',
                                      ((css, x, y, text) for x, y, text, css in self.labels)))
        return SafeString("".join(parts))


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


def _shared_meetings_by_week(coach: int, clients: list[int], window_start: datetime.datetime,
                             end: datetime.datetime):
    """The shared debriefs of held meetings of the clients shown, per client and week
    (NULL before the window), with the highest tier met. Scoped by the coach through the
    clients shown (a primary-key lookup), not by a join of every debrief to the caseload."""
    shared = Debrief.objects.filter(
        owner__in=_clients_of(coach).filter(pk__in=clients).values("pk"),
        is_private=False, is_draft=False, meeting__status=Meeting.Status.HELD,
        meeting__starts_at__lte=end,
    )
    week = TruncWeek(Case(When(meeting__starts_at__gte=window_start,
                               then=F("meeting__starts_at")),
                          default=Value(None), output_field=DateTimeField()))
    return (shared.annotate(week=week).order_by().values("owner_id", "week")
            .annotate(meetings=Count("pk"), tier=Max("meeting__contact_tier")))


def client_sparklines(coach, client_ids, today: datetime.date | None = None
                      ) -> dict[int, Sparkline]:
    """Per client: meetings held per week (shared debriefs only) and the highest tier met,
    now and before the window. One grouped query for the clients shown: the weeks before
    the window form one group (week NULL) that gives the tier met before."""
    today = today or timezone.localdate()
    starts = week_starts(today, SPARK_WEEKS)
    window_start = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    counts = {pk: dict.fromkeys(starts, 0) for pk in client_ids}
    tiers_now: dict[int, int] = {}
    before: dict[int, int] = {}
    rows = compiled_rows(
        _shared_meetings_by_week, coach=coach.pk, clients=list(client_ids),
        window_start=window_start, end=end,
    ) if coach.is_authenticated and coach.is_coach else []
    for row in rows:
        owner = row["owner_id"]
        if row["week"] is None:
            before[owner] = row["tier"]
            continue
        day = _day(row["week"])
        if day in counts[owner]:
            counts[owner][day] = row["meetings"]
        tiers_now[owner] = max(tiers_now.get(owner, 0), row["tier"])
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


ATTENTION_BATCH = 100  # clients looked at per query, in order of name


def _clients_of(coach: int):
    """The coach's clients (`coach.clients`, without a related manager: a build's
    querysets are compiled once per process)."""
    return get_user_model().objects.filter(coach=coach)


def _clients_by_name(coach: int):
    return (_clients_of(coach).order_by("first_name", "last_name", "pk")
            .values("pk", "first_name", "last_name"))


def _clients_by_name_after(coach: int, after_first: str, after_last: str, after_pk: int):
    return _clients_by_name(coach).filter(
        Q(first_name__gt=after_first)
        | Q(first_name=after_first, last_name__gt=after_last)
        | Q(first_name=after_first, last_name=after_last, pk__gt=after_pk))


def _attention_facts(coach: int, clients: list[int], today: datetime.date,
                     recently: datetime.datetime):
    """The facts `clients_needing_attention` decides on, for the clients of a batch."""
    # Shared meetings read from the meetings' (owner, status, starts_at) index, newest
    # first, so "the last few" stop after a few rows however long a client's history.
    held_and_shared = dict(status=Meeting.Status.HELD, debrief__is_private=False,
                           debrief__is_draft=False)
    latest = Meeting.objects.filter(owner=OuterRef("pk"), **held_and_shared).order_by(
        "-starts_at", "-pk")
    # The last meetings' ids, one level further in: inside the referrals' subquery.
    last_meetings = Meeting.objects.filter(
        owner=OuterRef(OuterRef("pk")), **held_and_shared,
    ).order_by("-starts_at", "-pk").values("pk")[:LAST_MEETINGS]
    overdue = (
        FollowUp.objects.filter(owner=OuterRef("pk")).overdue(today)
        .exclude(meeting__debrief__is_private=True).exclude(contact__in=learnt_privately())
        .order_by().values("owner").annotate(n=Count("pk")).values("n")
    )
    return _clients_of(coach).filter(pk__in=clients).annotate(
        last_met=Subquery(latest.values("starts_at")[:1]),
        has_last_meetings=Exists(latest[LAST_MEETINGS - 1:LAST_MEETINGS]),
        # Each of the last meetings probes the contacts' referred_in index (the planner
        # would otherwise scan every contact of the client once per client).
        referral_lately=Exists(
            Meeting.objects.filter(pk__in=last_meetings).filter(Exists(
                Contact.objects.filter(referred_in=OuterRef("pk"))
                .exclude(pk__in=learnt_privately())
            ))
        ),
        overdue=Coalesce(Subquery(overdue), 0),
        undecided=Exists(latest.filter(debrief__job_hinted=True,
                                       debrief__wants_job__in=["", "unsure"],
                                       starts_at__gte=recently)),
    ).order_by()  # who needs a word is decided in Python: a SQL filter would run each
    # subquery twice


def clients_needing_attention(coach, today: datetime.date | None = None,
                              limit: int | None = None) -> tuple[list[Attention], bool]:
    """The first `limit` of the coach's clients who need a word, by name, each with why,
    and whether more need one: no shared meeting in `QUIET_DAYS` days, no referral from
    the last `LAST_MEETINGS` shared meetings, overdue follow-ups, or a hinted job left
    undecided. Private debriefs, and everyone learnt through them, count for nothing.

    Bounded by what is shown: the clients are taken by name, `ATTENTION_BATCH` at a time
    (the next batch only when too few of this one need a word), each fact a correlated
    subquery on the client's own rows, so a caseload where most need a word costs one query.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    quiet_since = now - datetime.timedelta(days=QUIET_DAYS)
    inputs = {"coach": coach.pk, "today": today,
              "recently": now - datetime.timedelta(days=UNDECIDED_DAYS)}
    found: list[Attention] = []
    after = None  # the last client of the batch before, by name
    while limit is None or len(found) <= limit:
        if after is None:
            names = compiled_rows(_clients_by_name, limit=ATTENTION_BATCH, **inputs)
        else:
            names = compiled_rows(_clients_by_name_after, limit=ATTENTION_BATCH, **inputs,
                                  **after)
        if not names:
            break
        rows = {client.pk: client for client in compiled_objects(
            _attention_facts, clients=[row["pk"] for row in names], **inputs)}
        for client in (rows[row["pk"]] for row in names if row["pk"] in rows):
            reasons = []
            if client.last_met is None or client.last_met < quiet_since:
                reasons.append(f"No shared meeting in the last {QUIET_DAYS} days")
            if client.has_last_meetings and not client.referral_lately:
                reasons.append(f"No referral from the last {LAST_MEETINGS} meetings")
            if client.overdue:
                late = client.overdue
                reasons.append(f"{late} overdue follow-up{'s' if late > 1 else ''}")
            if client.undecided:
                reasons.append("A hinted job left undecided")
            if reasons:
                found.append(Attention(client, reasons))
        if len(names) < ATTENTION_BATCH:
            break
        last = names[-1]  # the next batch starts after this one, by name
        after = {"after_first": last["first_name"], "after_last": last["last_name"],
                 "after_pk": last["pk"]}
    shown = found if limit is None else found[:limit]
    return shown, len(found) > len(shown)
