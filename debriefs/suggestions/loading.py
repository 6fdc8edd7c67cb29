"""Loading the facts from the database, in a fixed number of queries, and running the rules.

These are the engine's entry points for views: `suggestions_for(debrief)` and
`network_suggestions_for(user)`. Every query starts from the debrief's owner or the user.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import operator
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower, TruncDate
from django.utils import timezone

from config.compiled import as_user, compiled_counts, compiled_rows
from config.page_cache import current_period
from contacts.models import Contact
from contacts.outreach import (
    NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS,
    NO_REPLY_SECOND_PERSON_BUSINESS_DAYS,
    business_days_between,
)

from ..coaching import learnt_privately
from ..models import CompetencyCited, DismissedSuggestion, FollowUp, Meeting
from .catalog import (
    KEEP_IN_TOUCH_DAYS,
    REFERRAL_CHECK_IN_DAYS,
    TELL_REFERRER_WITHIN_DAYS,
    WRITE_TO_REFERRAL_WITHIN_DAYS,
    Suggestion,
    step_of,
)
from .debrief_rules import suggest_for_debrief
from .facts import (
    ContactFact,
    DebriefContext,
    FollowUpFact,
    KeepInTouchFact,
    MeetingFact,
    MetReferralFact,
    NetworkFacts,
    ReferralFact,
)
from .network_rules import KEEP_IN_TOUCH_NOTICE_DAYS, suggest_for_network

# What was read around a client's debrief, kept per process (`kept_around`).
AROUND_KEPT = caches["contexts"]

# What `debrief_context` reads, one build each: compiled once per process
# (config/compiled.py) and run with each request's values, so they take their inputs as
# arguments. `for_coach` leaves out what was learnt at a private meeting.


def _debrief_contacts(owner: int, *, for_coach: bool):
    contacts = Contact.objects.for_user(as_user(owner))
    return contacts.exclude(pk__in=learnt_privately()) if for_coach else contacts


def _other_meetings(owner: int, meeting: int | None = None, *, for_coach: bool):
    meetings = Meeting.objects.for_user(as_user(owner))
    if meeting is not None:
        meetings = meetings.exclude(pk=meeting)
    return meetings.exclude(debrief__is_private=True) if for_coach else meetings


def _people_named(owner: int, names: list[str], meeting: int | None = None, *,
                  for_coach: bool):
    """The people named at this meeting: the referrals saved from it, and the names
    written in the debrief that are already contacts (any case)."""
    named_here = Q(referred_in=meeting) if meeting is not None else Q(pk__in=[])
    return (
        _debrief_contacts(owner, for_coach=for_coach).annotate(lower_name=Lower("name"))
        .filter(named_here | Q(lower_name__in=names))
        .values("id", "name", "tier", "status", "organisation", "status_changed_at",
                "referred_in_id", "lower_name")
        .order_by("pk")
    )


def _competencies_cited(debrief: int):
    return CompetencyCited.objects.filter(debrief=debrief).values("name", "gave_example")


def _follow_ups_of(owner: int, concerned: list[int]):
    return _accepted_follow_ups(FollowUp.objects.for_user(as_user(owner))
                                .filter(contact_id__in=concerned))


def _dismissals(owner: int, concerned: list[int], debrief: int | None = None):
    """Both kinds of dismissal: on this debrief, and steps from the home page."""
    here = Q(debrief_id=debrief) if debrief is not None else Q(pk__in=[])
    return (DismissedSuggestion.objects.for_user(as_user(owner))
            .filter(here | Q(debrief__isnull=True, contact_id__in=concerned))
            .values("code", "debrief_id", "contact_id", "meeting_id"))


def _highest_tier_met(owner: int, meeting: int | None = None, *, for_coach: bool):
    """Read down the (owner, tier) index of contacts until one was met elsewhere, rather
    than joining every meeting to its contact."""
    met = _other_meetings(owner, meeting, for_coach=for_coach).held()
    return (Contact.objects.for_user(as_user(owner))
            .filter(Exists(met.filter(contact=OuterRef("pk"))))
            .order_by("-tier").values("tier"))


def _meetings_ahead(owner: int, people: list[int], now: datetime.datetime,
                    meeting: int | None = None, *, for_coach: bool):
    """The meetings planned ahead with these people (soonest first), for links to prep
    sheets."""
    return _other_meetings(owner, meeting, for_coach=for_coach).filter(
        status=Meeting.Status.PLANNED, starts_at__gte=now, contact_id__in=people,
    ).order_by("starts_at", "pk").values("contact_id", "pk", "starts_at")


def debrief_context(debrief, competencies=None, today=None, for_coach=False) -> DebriefContext:
    """Load what `suggest_for_debrief` needs, in at most six queries.

    `competencies` (a list of (name, gave_example)) stands in for the saved ones when the
    debrief comes from a form being filled in. `for_coach` leaves out every fact learnt
    at a meeting whose debrief is private (the people met there or named there), so the
    suggestions a coach reads cannot reveal it.

    What it reads around a client's debrief is kept for the minute, per process, when the
    meeting was loaded with its owner's network version (`kept_around`): an autosave leaves
    that version as it was, so the live panel's next answer reads none of it again.
    """
    if competencies is None:
        competencies = [(c["name"], c["gave_example"])
                        for c in compiled_rows(_competencies_cited, debrief=debrief.pk)
                        ] if debrief.pk else []
    today_given = today is not None
    today = today or timezone.localdate()

    def read() -> DebriefContext:
        return _read_around(debrief, today, for_coach)

    if today_given or for_coach:  # a coach's reads which debriefs are private: not kept
        around = read()
    else:
        names = "\n".join(n.lower() for n in debrief.referral_name_list)
        around = kept_around(debrief.meeting, read, "context", debrief.pk, names)
    return dataclasses.replace(around, competencies=competencies)


def kept_around(meeting, load: Callable, *what) -> Any:
    """`load()`, or what it gave within the minute in this process for the same `what`
    around `meeting`, while its owner's network version is the same (every change but a
    debrief's own moves it: accounts migration 0006). The meeting must come with
    `network_version` (loaded in the same query); without it, `load()` every time."""
    version = getattr(meeting, "network_version", None)
    if version is None or not settings.PAGE_CACHE_SECONDS or not meeting.pk:
        return load()
    key = "around:" + hashlib.sha256("\0".join(map(str, [
        meeting.owner_id, version, meeting.pk, current_period(),
        timezone.get_current_timezone_name(), *what,
    ])).encode()).hexdigest()
    found = AROUND_KEPT.get(key)
    if found is None:
        found = load()
        AROUND_KEPT.set(key, found)
    return found


def _read_around(debrief, today: datetime.date, for_coach: bool) -> DebriefContext:
    """What `debrief_context` reads from the database, but the competencies."""
    meeting = debrief.meeting
    owner = meeting.owner
    shape = {"for_coach": for_coach}
    inputs = {"owner": owner.pk, "now": timezone.now(),
              "names": [n.lower() for n in debrief.referral_name_list]}
    if meeting.pk:
        inputs["meeting"] = meeting.pk
    if debrief.pk:
        inputs["debrief"] = debrief.pk
    names = inputs["names"]
    rows = compiled_rows(_people_named, shape, **inputs) if meeting.pk or names else []
    referrals = [
        ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                    timezone.localdate(c["status_changed_at"]))
        for c in rows if meeting.pk and c["referred_in_id"] == meeting.pk
    ]
    known = {c["lower_name"] for c in rows} & set(names)
    # Every step from this debrief concerns the person met, their referrer or a referral.
    concerned = [c for c in [meeting.contact_id, meeting.contact.referred_by_id]
                 + [r.id for r in referrals] if c]
    inputs["concerned"] = concerned
    inputs["people"] = [meeting.contact_id] + [r.id for r in referrals]
    follow_ups = follow_up_facts_of(compiled_rows(_follow_ups_of, **inputs)) \
        if meeting.pk else []
    dismissed, dismissed_steps = set(), set()
    for row in compiled_rows(_dismissals, **inputs):
        if row["debrief_id"]:
            dismissed.add(row["code"])
        else:
            dismissed_steps.add(step_of(row["code"], row["contact_id"], row["meeting_id"]))
    highest = compiled_rows(_highest_tier_met, shape, limit=1, **inputs)
    next_meetings: dict[int, int] = {}
    next_meeting_dates: dict[int, datetime.date] = {}
    for row in compiled_rows(_meetings_ahead, shape, **inputs):
        next_meetings.setdefault(row["contact_id"], row["pk"])
        next_meeting_dates.setdefault(row["contact_id"], timezone.localdate(row["starts_at"]))
    return DebriefContext(
        today=today, referrals=referrals, known_names=known,
        highest_tier_met=highest[0]["tier"] if highest else 0,
        has_coach=owner.coach_id is not None,
        follow_ups=follow_ups, dismissed=dismissed, dismissed_steps=dismissed_steps,
        next_meetings=next_meetings,
        next_meeting_dates=next_meeting_dates,
    )


def suggestions_for(debrief, competencies=None, today=None, for_coach=False) -> list[Suggestion]:
    """The suggestions for a debrief (saved, or built from a form), loading what they need.

    Read-only: the coach review page calls it too, with `for_coach=True` (nothing learnt at
    a private meeting is taken into account). Expects `debrief.meeting.contact` (and
    its `referred_by`) loaded, e.g. through
    `select_related("meeting__contact__referred_by", "meeting__owner")`.
    """
    context = debrief_context(debrief, competencies, today, for_coach=for_coach)
    return suggest_for_debrief(debrief, context)


def _accepted_follow_ups(follow_ups):
    return follow_ups.exclude(suggestion_code="").values(
        "suggestion_code", "contact_id", "meeting_id", "created_at", "done_at")


def follow_up_facts_of(rows) -> list[FollowUpFact]:
    """The facts of follow-ups accepted from a suggestion (rows of `_accepted_follow_ups`)."""
    return [
        FollowUpFact(row["suggestion_code"], row["contact_id"], row["meeting_id"],
                     timezone.localdate(row["created_at"]),
                     timezone.localdate(row["done_at"]) if row["done_at"] else None)
        for row in rows
    ]


class WorkingDayNumber(Func):
    """The working days (Monday to Friday) from Monday 1 January 0001 up to a date, less
    one: the difference of two is `business_days_between` the two dates, in SQL."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        days = f"(({sql}) - DATE '0001-01-01')"
        return f"(5 * ({days} / 7) + LEAST(MOD({days}, 7), 4))", (*params, *params)


def _plus_days(day, days) -> ExpressionWrapper:
    """`day` plus `days` as a date (NULL for no day), to order and filter by: PostgreSQL
    dates run past the year 9999 where `days_after` stops."""
    return ExpressionWrapper(day + days, output_field=DateField())


def _midnight_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _written_by(today: datetime.date, business_days: int) -> datetime.datetime:
    """The moment before which someone was written to `business_days` business days ago or
    more (the start of the day after the last such day)."""
    day = today
    while business_days_between(day, today) < business_days:
        day -= datetime.timedelta(days=1)
    return _midnight_of(day + datetime.timedelta(days=1))


# The home page counts the steps of a rule up to this many ("500+ next steps in all"): past
# it, an exact figure would cost a read of the whole network for nothing the client needs.
STEP_COUNT_CAP = 100


def _dismissed_steps(owner: int):
    return DismissedSuggestion.objects.for_user(as_user(owner)).filter(debrief__isnull=True)


def _network(owner: int, contact: int | None):
    contacts = Contact.objects.for_user(as_user(owner))
    return contacts if contact is None else contacts.filter(pk=contact)


# The network steps' queries, one build each: compiled once per process (config/compiled.py)
# and run with each request's values, so they take their inputs as arguments (never from a
# closure). `contact` narrows them to the steps concerning one person.


def _awaiting_debrief_rows(owner: int, now: datetime.datetime):
    dismissed = _dismissed_steps(owner)
    return (
        Meeting.objects.for_user(as_user(owner)).awaiting_debrief(now)
        .filter(~Exists(dismissed.filter(code="write-debrief", contact__isnull=True)))
        .order_by(TruncDate("starts_at"), "-starts_at", "-pk")
        .values("id", "contact__name", "starts_at", "own_debrief__version")
    )


def _waiting_for_reply_rows(owner: int, second_person_before: datetime.datetime,
                            last_follow_up_before: datetime.datetime, contact: int | None = None):
    code = "follow-up-no-reply"
    follow_ups = FollowUp.objects.for_user(as_user(owner))
    return _network(owner, contact).filter(
        status=Contact.Status.REACHED_OUT, status_changed_at__lt=second_person_before,
    ).annotate(
        written_day=WorkingDayNumber(TruncDate("status_changed_at")),
        stage_days=Case(
            When(status_changed_at__lt=last_follow_up_before,
                 then=Value(NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS)),
            default=Value(NO_REPLY_SECOND_PERSON_BUSINESS_DAYS),
        ),
    ).filter(
        ~Exists(_dismissed_steps(owner).filter(code=code, contact=OuterRef("pk"))),
        # A follow-up accepted since the current stage began covers it.
        ~Exists(follow_ups.filter(suggestion_code=code, contact=OuterRef("pk")).annotate(
            accepted_day=WorkingDayNumber(TruncDate("created_at"))
        ).filter(accepted_day__gte=OuterRef("written_day") + OuterRef("stage_days"))),
    ).order_by("name", "pk").values("id", "name", "tier", "status", "organisation",
                                    "status_changed_at")


def _referrals_to_write_to(owner: int, today: datetime.date, contact: int | None):
    code = "contact-referral"
    return _network(owner, contact).filter(
        status=Contact.Status.TO_CONTACT, referred_by__isnull=False,
    ).filter(
        ~Exists(FollowUp.objects.for_user(as_user(owner))
                .filter(suggestion_code=code, contact=OuterRef("pk"))),
        ~Exists(_dismissed_steps(owner).filter(code=code, contact=OuterRef("pk"))),
    ).annotate(
        # The meeting where the name was given (none for a referral added by hand).
        named_at=F("referred_in__starts_at"),
        by_referrer=Coalesce("referred_in__debrief__introduction_by_referrer", Value(False)),
    ).annotate(
        # Greatest skips a NULL: a referral added by hand is due today.
        step_due=Greatest(Value(today), _plus_days(
            TruncDate("named_at"),
            Case(When(by_referrer=True, then=Value(REFERRAL_CHECK_IN_DAYS)),
                 default=Value(WRITE_TO_REFERRAL_WITHIN_DAYS)),
        )),
        # Read for the rows kept only.
        referrer_name=Subquery(Contact.objects.filter(pk=OuterRef("referred_by_id"))
                               .order_by().values("name")),
    )


def _referral_segments(write_before: datetime.datetime, check_in_before: datetime.datetime):
    """The "write to a referral" steps in the rule's order (writing before checking in,
    then by due date): for each kind, the steps due today (all but those named in the
    last days) by date added, then the few due later."""
    segments = []
    for by_referrer, due_before in ((False, write_before), (True, check_in_before)):
        due_today = Q(named_at__isnull=True) | Q(named_at__lt=due_before)
        segments += [
            (Q(by_referrer=by_referrer) & due_today, ("created_at", "pk")),
            (Q(by_referrer=by_referrer) & ~due_today, ("step_due", "created_at", "pk")),
        ]
    return segments


REFERRAL_SEGMENTS = 4


def _referral_rows(owner: int, today: datetime.date, write_before: datetime.datetime,
                   check_in_before: datetime.datetime, contact: int | None = None, *,
                   segment: int):
    """One segment's rows, read along the (owner, created_at) index of the referrals to
    write to until enough are found."""
    where, order = _referral_segments(write_before, check_in_before)[segment]
    return _referrals_to_write_to(owner, today, contact).filter(where).order_by(*order).values(
        "id", "name", "tier", "status", "referrer_name", "named_at", "by_referrer")


def _referral_rows_from(owner: int, today: datetime.date, write_before: datetime.datetime,
                        check_in_before: datetime.datetime, contact: int | None = None, *,
                        segment: int):
    """The steps of this segment and the ones after it, to count."""
    rest = functools.reduce(operator.or_, (
        where for where, _order in _referral_segments(write_before, check_in_before)[segment:]))
    return _referrals_to_write_to(owner, today, contact).filter(rest)


def _met_with_referrals(owner: int, contact: int | None = None):
    code = "thank-referrer"
    referrer, meeting = OuterRef("contact__referred_by_id"), OuterRef("pk")
    met = Meeting.objects.for_user(as_user(owner)).held().filter(contact__referred_by__isnull=False)
    if contact is not None:
        met = met.filter(contact__referred_by_id=contact)
    return met.filter(
        ~Exists(FollowUp.objects.for_user(as_user(owner))
                .filter(suggestion_code=code, contact=referrer, meeting=meeting)),
        ~Exists(_dismissed_steps(owner).filter(code=code, contact=referrer, meeting=meeting)),
    )


_MET_FIELDS = ("id", "contact__name", "contact__referred_by_id", "contact__referred_by__name",
               "starts_at")


def _thank_referrer_rows(owner: int, due_later: datetime.datetime, contact: int | None = None,
                         *, due_today: bool):
    """Due today for every meeting before yesterday: those come first, newest first (read
    backwards along the (owner, status, starts_at) index until enough are found); the
    later ones (a meeting of yesterday or today) after them."""
    met = _met_with_referrals(owner, contact)
    if due_today:
        met = met.filter(starts_at__lt=due_later).order_by("-starts_at", "-pk")
    else:
        met = met.filter(starts_at__gte=due_later).order_by(
            TruncDate("starts_at"), "-starts_at", "-pk")
    return met.values(*_MET_FIELDS)


def _keep_in_touch_rows(owner: int, today: datetime.date, notice_until: datetime.date,
                        contact: int | None = None):
    """The latest held meeting with each person, when its debrief left a good impression,
    due a month after it or after the last note sent since."""
    code = "keep-in-touch"
    meetings = Meeting.objects.for_user(as_user(owner))
    follow_ups = FollowUp.objects.for_user(as_user(owner))
    latest = meetings.held().filter(contact=OuterRef("contact")).order_by("-starts_at")
    last_note = follow_ups.filter(
        suggestion_code=code, contact=OuterRef("contact"), done_at__isnull=False,
    ).order_by("-done_at").values(day=TruncDate("done_at"))[:1]
    warm = meetings.held()
    if contact is not None:
        warm = warm.filter(contact_id=contact)
    return warm.filter(
        pk=Subquery(latest.values("pk")[:1]), debrief__impression="positive",
        # The debrief's owner is the meeting's: said, so that PostgreSQL reads the owner's
        # debriefs (their index), never every user's with a good impression.
        debrief__is_draft=False, debrief__owner=owner,
    ).annotate(
        last_note_on=Subquery(last_note, output_field=DateField()),
    ).annotate(
        keep_in_touch_due=_plus_days(Greatest(TruncDate("starts_at"), F("last_note_on")),
                                     Value(KEEP_IN_TOUCH_DAYS)),
    ).filter(
        keep_in_touch_due__lte=notice_until,
    ).filter(
        # Recurring: only an open follow-up holds it back.
        ~Exists(follow_ups.open().filter(suggestion_code=code, contact=OuterRef("contact"))),
        ~Exists(_dismissed_steps(owner).filter(code=code, contact=OuterRef("contact"))),
    ).annotate(
        step_due=Greatest(Value(today), F("keep_in_touch_due")),
    ).order_by("step_due", "-starts_at", "-pk").values(
        "contact_id", "contact__name", "starts_at", "last_note_on")


def network_facts(user, today=None, limit: int | None = None,
                  contact_id: int | None = None) -> NetworkFacts:
    """Load what `suggest_for_network` needs: one query per rule (two for thanking
    referrers when the steps due today are fewer than `limit`, up to four for writing to
    referrals), and one to count.

    Each query leaves out, in SQL, the steps already taken (a follow-up accepted for the
    step, for "keep in touch" an open one; for "no reply" one accepted during the current
    stage) or dismissed, orders its rows as the rule's suggestions are ordered (priority,
    due date, then the order the rule reads them in), keeps the first `limit` and counts
    them all (`step_count`, up to `STEP_COUNT_CAP` a rule). The first `limit` suggestions
    of the whole are then among the rows read, so the home page does work in proportion
    to what it shows. `contact_id` keeps only the steps concerning that person (accepting
    or dismissing one of them).

    The queries are compiled once per process (config/compiled.py): these are the values
    they take.
    """
    today = today or timezone.localdate()
    inputs = {
        "owner": user.pk,
        "today": today,
        "now": timezone.now(),
        "second_person_before": _written_by(today, NO_REPLY_SECOND_PERSON_BUSINESS_DAYS),
        "last_follow_up_before": _written_by(today, NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS),
        "write_before": _midnight_of(
            today - datetime.timedelta(days=WRITE_TO_REFERRAL_WITHIN_DAYS - 1)),
        "check_in_before": _midnight_of(
            today - datetime.timedelta(days=REFERRAL_CHECK_IN_DAYS - 1)),
        "due_later": _midnight_of(today - datetime.timedelta(days=TELL_REFERRER_WITHIN_DAYS - 1)),
        "notice_until": today + datetime.timedelta(days=KEEP_IN_TOUCH_NOTICE_DAYS),
    }
    if contact_id is not None:
        inputs["contact"] = contact_id
    step_count, to_count = 0, {}

    def first_rows(build, counted=None, **shape) -> list[dict]:
        """The first `limit` rows; their count, or the build to count (`counted`, a
        build and its shape, when the rows are the first part of it)."""
        nonlocal step_count
        rows = compiled_rows(build, shape, limit=limit, **inputs)
        if limit is not None and len(rows) == limit:
            # Maybe more: counted below.
            to_count[f"rule_{len(to_count)}"] = counted or (build, shape)
        else:
            step_count += len(rows)
        return rows

    awaiting = []
    if contact_id is None:  # the only steps that concern no one in particular
        awaiting = [
            # A draft is "in progress" once something was saved (version > 1).
            MeetingFact(m["id"], m["contact__name"], timezone.localdate(m["starts_at"]),
                        (m["own_debrief__version"] or 0) > 1)
            for m in first_rows(_awaiting_debrief_rows)
        ]

    reached_out = [
        ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                    timezone.localdate(c["status_changed_at"]))
        for c in first_rows(_waiting_for_reply_rows)
    ]

    rows = []
    for segment in range(REFERRAL_SEGMENTS):
        read = first_rows(_referral_rows, counted=(_referral_rows_from, {"segment": segment}),
                          segment=segment)
        rows += read
        if limit is not None and len(read) == limit:
            break  # this segment and the ones after it are counted together
    referrals = [
        ReferralFact(
            ContactFact(c["id"], c["name"], c["tier"], c["status"]),
            c["referrer_name"],
            timezone.localdate(c["named_at"]) if c["named_at"] else None,
            c["by_referrer"],
        )
        for c in rows
    ]

    rows = first_rows(_thank_referrer_rows, counted=(_met_with_referrals, None), due_today=True)
    if limit is None or len(rows) < limit:
        rows += first_rows(_thank_referrer_rows, due_today=False)
    met = [
        MetReferralFact(m["contact__name"], m["contact__referred_by_id"],
                        m["contact__referred_by__name"], timezone.localdate(m["starts_at"]),
                        m["id"])
        for m in rows
    ]

    warm = [
        KeepInTouchFact(m["contact_id"], m["contact__name"], timezone.localdate(m["starts_at"]),
                        m["last_note_on"])
        for m in first_rows(_keep_in_touch_rows)
    ]
    step_count_reached_cap = False
    if to_count:
        # One more query counts the steps of the rules with more than `limit`, without
        # the joins and sort keys of the rows read, and stops at `STEP_COUNT_CAP` a rule.
        counts = compiled_counts(to_count, cap=STEP_COUNT_CAP, **inputs).values()
        step_count += sum(counts)
        step_count_reached_cap = STEP_COUNT_CAP in counts
    return NetworkFacts(today, reached_out, referrals, awaiting, met, warm,
                        step_count=step_count, step_count_reached_cap=step_count_reached_cap)


def network_suggestions_for(user, today=None, limit: int | None = None,
                            contact_id: int | None = None) -> list[Suggestion]:
    """The first `limit` network steps (all with `limit=None`), most pressing first;
    `contact_id`: only those concerning that person."""
    suggestions = suggest_for_network(network_facts(user, today, limit, contact_id))
    return suggestions[:limit] if limit is not None else suggestions
