"""Loading the facts from the database, in a fixed number of queries, and running the rules.

These are the engine's entry points for views: `suggestions_for(debrief)` and
`network_suggestions_for(user)`. Every query starts from the debrief's owner or the user.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact

from ..coaching import learnt_privately
from ..models import CompetencyCited, DismissedSuggestion, FollowUp, Meeting
from .catalog import Suggestion, step_of
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
from .network_rules import suggest_for_network

# The codes the home page offers (write-debrief is a link, never a follow-up).
NETWORK_CODES = ["follow-up-no-reply", "contact-referral", "thank-referrer", "keep-in-touch"]


def debrief_context(debrief, competencies=None, today=None, for_coach=False) -> DebriefContext:
    """Load what `suggest_for_debrief` needs, in at most six queries.

    `competencies` (a list of (name, gave_example)) stands in for the saved ones when the
    debrief comes from a form being filled in. `for_coach` leaves out every fact learnt
    at a meeting whose debrief is private (the people met there or named there), so the
    suggestions a coach reads cannot reveal it.
    """
    meeting = debrief.meeting
    owner = meeting.owner
    today = today or timezone.localdate()
    contacts = Contact.objects.for_user(owner)
    other_meetings = Meeting.objects.for_user(owner).exclude(pk=meeting.pk)
    if for_coach:
        contacts = contacts.exclude(pk__in=learnt_privately())
        other_meetings = other_meetings.exclude(debrief__is_private=True)
    referrals = []
    if meeting.pk:
        referrals = [
            ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                        timezone.localdate(c["status_changed_at"]))
            for c in contacts.filter(referred_in=meeting)
            .values("id", "name", "tier", "status", "organisation", "status_changed_at")
            .order_by("pk")
        ]
    names = [n.lower() for n in debrief.referral_name_list]
    known = set()
    if names:
        known = set(
            contacts.annotate(lower_name=Lower("name"))
            .filter(lower_name__in=names).values_list("lower_name", flat=True)
        )
    if competencies is None:
        competencies = (
            list(CompetencyCited.objects.filter(debrief=debrief)
                 .values_list("name", "gave_example"))
            if debrief.pk else []
        )
    # Every step from this debrief concerns the person met, their referrer or a referral.
    concerned = [meeting.contact_id, meeting.contact.referred_by_id] + [r.id for r in referrals]
    follow_ups = follow_up_facts(
        FollowUp.objects.for_user(owner).filter(contact_id__in=[c for c in concerned if c])
    ) if meeting.pk else []
    # One query for both kinds of dismissal: on this debrief, and steps from the home page.
    dismissed, dismissed_steps = set(), set()
    here = Q(debrief_id=debrief.pk) if debrief.pk else Q(pk__in=[])
    for code, debrief_id, contact_id, meeting_id in (
        DismissedSuggestion.objects.for_user(owner)
        .filter(here | Q(debrief__isnull=True, contact_id__in=[c for c in concerned if c]))
        .values_list("code", "debrief_id", "contact_id", "meeting_id")
    ):
        if debrief_id:
            dismissed.add(code)
        else:
            dismissed_steps.add(step_of(code, contact_id, meeting_id))
    # One query for two facts: the highest tier met elsewhere, and the meetings planned
    # ahead with this contact or its referrals (soonest first), for links to prep sheets.
    ahead = Q(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now(),
              contact_id__in=[meeting.contact_id] + [r.id for r in referrals])
    others = other_meetings.aggregate(
        highest=Max("contact__tier", filter=Q(status=Meeting.Status.HELD)),
        ahead_ids=ArrayAgg("pk", filter=ahead, order_by="starts_at", default=[]),
        ahead_contacts=ArrayAgg("contact_id", filter=ahead, order_by="starts_at", default=[]),
        ahead_starts=ArrayAgg("starts_at", filter=ahead, order_by="starts_at", default=[]),
    )
    next_meetings: dict[int, int] = {}
    next_meeting_dates: dict[int, datetime.date] = {}
    for contact_id, meeting_id, starts_at in zip(
        others["ahead_contacts"], others["ahead_ids"], others["ahead_starts"], strict=True
    ):
        next_meetings.setdefault(contact_id, meeting_id)
        next_meeting_dates.setdefault(contact_id, timezone.localdate(starts_at))
    return DebriefContext(
        today=today, competencies=competencies, referrals=referrals, known_names=known,
        highest_tier_met=others["highest"] or 0, has_coach=owner.coach_id is not None,
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


def follow_up_facts(follow_ups) -> list[FollowUpFact]:
    """The follow-ups of a (scoped) queryset that were accepted from a suggestion."""
    return [
        FollowUpFact(code, contact_id, meeting_id, timezone.localdate(created_at),
                     timezone.localdate(done_at) if done_at else None)
        for code, contact_id, meeting_id, created_at, done_at in follow_ups
        .exclude(suggestion_code="")
        .values_list("suggestion_code", "contact_id", "meeting_id", "created_at", "done_at")
    ]


def network_facts(user, today=None) -> NetworkFacts:
    """Load what `suggest_for_network` needs, in seven queries."""
    today = today or timezone.localdate()
    contacts = Contact.objects.for_user(user)
    meetings = Meeting.objects.for_user(user)
    reached_out = [
        ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                    timezone.localdate(c["status_changed_at"]))
        for c in contacts.filter(status=Contact.Status.REACHED_OUT)
        .values("id", "name", "tier", "status", "organisation", "status_changed_at")
    ]
    referrals = [
        ReferralFact(
            ContactFact(c["id"], c["name"], c["tier"], c["status"]),
            c["referred_by__name"],
            timezone.localdate(c["referred_in__starts_at"]) if c["referred_in__starts_at"]
            else None,
            bool(c["referred_in__debrief__introduction_by_referrer"]),
        )
        for c in contacts.filter(status=Contact.Status.TO_CONTACT, referred_by__isnull=False)
        .values("id", "name", "tier", "status", "referred_by__name", "referred_in__starts_at",
                "referred_in__debrief__introduction_by_referrer")
        .order_by("created_at")
    ]
    awaiting = [
        # A draft is "in progress" once something was saved (version > 1), as on every page.
        MeetingFact(m["id"], m["contact__name"], timezone.localdate(m["starts_at"]),
                    (m["debrief__version"] or 0) > 1)
        for m in meetings.awaiting_debrief()
        .values("id", "contact__name", "starts_at", "debrief__version").order_by("-starts_at")
    ]
    met = [
        MetReferralFact(m["contact__name"], m["contact__referred_by_id"],
                        m["contact__referred_by__name"], timezone.localdate(m["starts_at"]),
                        m["id"])
        for m in meetings.held()
        .filter(contact__referred_by__isnull=False)
        .values("id", "contact__name", "contact__referred_by_id", "contact__referred_by__name",
                "starts_at").order_by("-starts_at")
    ]
    # The latest held meeting with each person, when its debrief left a good impression.
    latest = meetings.held().filter(contact=OuterRef("contact")).order_by("-starts_at")
    warm = [
        KeepInTouchFact(m["contact_id"], m["contact__name"], timezone.localdate(m["starts_at"]))
        for m in meetings.held()
        .filter(pk=Subquery(latest.values("pk")[:1]), debrief__impression="positive",
                debrief__is_draft=False)
        .values("contact_id", "contact__name", "starts_at").order_by("-starts_at")
    ]
    follow_ups = follow_up_facts(FollowUp.objects.for_user(user).filter(
        suggestion_code__in=NETWORK_CODES
    ))
    dismissed = {
        step_of(code, contact_id, meeting_id)
        for code, contact_id, meeting_id in DismissedSuggestion.objects.for_user(user)
        .filter(debrief__isnull=True)
        .values_list("code", "contact_id", "meeting_id")
    }
    return NetworkFacts(today, reached_out, referrals, awaiting, met, warm, follow_ups,
                        dismissed)


def network_suggestions_for(user, today=None) -> list[Suggestion]:
    return suggest_for_network(network_facts(user, today))
