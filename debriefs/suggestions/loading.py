"""Loading the facts from the database, in a fixed number of queries, and running the rules.

These are the engine's entry points for views: `suggestions_for(debrief)` and
`network_suggestions_for(user)`. Every query starts from the debrief's owner or the user.
"""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact

from ..coaching import learnt_privately
from ..models import CompetencyCited, DismissedSuggestion, FollowUp, Meeting
from .catalog import Suggestion
from .debrief_rules import suggest_for_debrief
from .facts import (
    ContactFact,
    DebriefContext,
    MeetingFact,
    MetReferralFact,
    NetworkFacts,
)
from .network_rules import suggest_for_network


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
    referrer_id = meeting.contact.referred_by_id
    accepted, referrer_thanked = set(), False
    if meeting.pk:
        for code, contact_id in FollowUp.objects.for_user(owner).filter(
            meeting=meeting
        ).exclude(suggestion_code="").values_list("suggestion_code", "contact_id"):
            accepted.add((code, contact_id))
    if referrer_id:
        referrer_thanked = FollowUp.objects.for_user(owner).filter(
            suggestion_code="thank-referrer", contact_id=referrer_id
        ).exists()
    dismissed = set()
    if debrief.pk:
        dismissed = set(
            DismissedSuggestion.objects.filter(debrief=debrief).values_list("code", flat=True)
        )
    # One query for two facts: the highest tier met elsewhere, and the meetings planned
    # ahead with this contact or its referrals (soonest first), for links to prep sheets.
    ahead = Q(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now(),
              contact_id__in=[meeting.contact_id] + [r.id for r in referrals])
    others = other_meetings.aggregate(
        highest=Max("contact__tier", filter=Q(status=Meeting.Status.HELD)),
        ahead_ids=ArrayAgg("pk", filter=ahead, order_by="starts_at", default=[]),
        ahead_contacts=ArrayAgg("contact_id", filter=ahead, order_by="starts_at", default=[]),
    )
    next_meetings: dict[int, int] = {}
    for contact_id, meeting_id in zip(others["ahead_contacts"], others["ahead_ids"],
                                      strict=True):
        next_meetings.setdefault(contact_id, meeting_id)
    return DebriefContext(
        today=today, competencies=competencies, referrals=referrals, known_names=known,
        highest_tier_met=others["highest"] or 0, has_coach=owner.coach_id is not None,
        accepted=accepted, dismissed=dismissed, referrer_thanked=referrer_thanked,
        next_meetings=next_meetings,
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


def network_facts(user, today=None) -> NetworkFacts:
    """Load what `suggest_for_network` needs, in five queries."""
    today = today or timezone.localdate()
    contacts = Contact.objects.for_user(user)
    reached_out = [
        ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                    timezone.localdate(c["status_changed_at"]))
        for c in contacts.filter(status=Contact.Status.REACHED_OUT)
        .values("id", "name", "tier", "status", "organisation", "status_changed_at")
    ]
    referrals = [
        (ContactFact(c["id"], c["name"], c["tier"], c["status"]), c["referred_by__name"])
        for c in contacts.filter(status=Contact.Status.TO_CONTACT, referred_by__isnull=False)
        .values("id", "name", "tier", "status", "referred_by__name").order_by("created_at")
    ]
    awaiting = [
        MeetingFact(m["id"], m["contact__name"], timezone.localdate(m["starts_at"]),
                    m["debrief__id"] is not None)
        for m in Meeting.objects.for_user(user).awaiting_debrief()
        .values("id", "contact__name", "starts_at", "debrief__id").order_by("-starts_at")
    ]
    met = [
        MetReferralFact(m["contact__name"], m["contact__referred_by_id"],
                        m["contact__referred_by__name"], timezone.localdate(m["starts_at"]))
        for m in Meeting.objects.for_user(user).held()
        .filter(contact__referred_by__isnull=False)
        .values("contact__name", "contact__referred_by_id", "contact__referred_by__name",
                "starts_at").order_by("-starts_at")
    ]
    handled = [
        (code, cid, timezone.localdate(created))
        for code, cid, created in FollowUp.objects.for_user(user)
        .filter(suggestion_code__in=["follow-up-no-reply", "contact-referral", "thank-referrer"])
        .values_list("suggestion_code", "contact_id", "created_at")
    ]
    return NetworkFacts(today, reached_out, referrals, awaiting, met, handled)


def network_suggestions_for(user, today=None) -> list[Suggestion]:
    return suggest_for_network(network_facts(user, today))
