"""The rules for the network as a whole (home page), not for one debrief.

Like the debrief rules, each is a small function of the facts; `NETWORK_RULES` lists them
and `suggest_for_network` runs them, drops the steps already taken or dismissed, and
orders the rest. A step offered here and on a debrief page is the same step, with the
same due date (see catalog.step_of).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.urls import reverse

from .catalog import (
    FOLLOW_UP,
    KEEP_IN_TOUCH_DAYS,
    LINK,
    REFERRAL_CHECK_IN_DAYS,
    TELL_REFERRER_WITHIN_DAYS,
    WRITE_TO_REFERRAL_WITHIN_DAYS,
    Suggestion,
    days_after,
    in_order,
    not_before,
)
from .facts import NetworkFacts
from .no_reply import no_reply_step

# Keep in touch shows on the home page from a week before it is due.
KEEP_IN_TOUCH_NOTICE_DAYS = 7

NetworkRule = Callable[[NetworkFacts], Iterable[Suggestion]]


def referral_due(today, named_on, days) -> datetime.date:
    """`days` after the meeting where the name was given; now, for one added by hand."""
    return not_before(today, days_after(named_on, days)) if named_on else today


def write_debriefs(facts: NetworkFacts) -> Iterable[Suggestion]:
    """docs/method.md, "The debrief": every held meeting is debriefed the same day."""
    for meeting in facts.awaiting_debrief:
        yield Suggestion(
            "write-debrief",
            f"Write the debrief of your meeting with {meeting.contact_name}",
            "Debrief the same day, while it is fresh: what you learnt, how it fits your "
            "skills and interests, and every name you were given.",
            2,
            action=LINK,
            action_label="Continue the debrief" if meeting.has_draft else "Write the debrief",
            url=reverse("debriefs:debrief_edit", args=[meeting.id]),
            meeting_id=meeting.id, due_on=meeting.starts_on,
        )


def follow_up_no_reply(facts: NetworkFacts) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules" (3B7), for everyone the client wrote to."""
    for contact in facts.reached_out:
        suggestion = no_reply_step(contact, facts.today, follow_ups=facts.follow_ups)
        if suggestion:
            yield suggestion


def contact_referrals(facts: NetworkFacts) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": write to a referral within 2 days of the meeting
    where the name was given, or check in with the referrer after 7 days when they make
    the introduction; the same step and date as on that meeting's debrief."""
    for referral in facts.referrals_to_contact:
        contact, referrer = referral.contact, referral.referrer_name
        if referral.introduction_by_referrer:
            yield Suggestion(
                "contact-referral",
                f"Check in with {referrer} about the introduction to {contact.name}",
                f"{referrer} wants to make the introduction themselves. If you have not "
                "heard from either of them, check in with a short note after 7 to 10 days.",
                9,
                action=FOLLOW_UP, action_label="Add to follow-ups",
                follow_up_title=f"Check in with {referrer} about meeting {contact.name}",
                due_on=referral_due(facts.today, referral.named_on, REFERRAL_CHECK_IN_DAYS),
                contact_id=contact.id,
            )
        else:
            yield Suggestion(
                "contact-referral",
                f"Write to {contact.name}, saying {referrer} referred you",
                "A referral goes cold quickly. Write while the meeting is fresh and open "
                f"with {referrer}'s name: people are far more likely to answer when someone "
                "they know sent you.",
                8,
                action=FOLLOW_UP, action_label="Add to follow-ups",
                follow_up_title=f"Write to {contact.name} (referred by {referrer})",
                due_on=referral_due(facts.today, referral.named_on,
                                    WRITE_TO_REFERRAL_WITHIN_DAYS),
                contact_id=contact.id,
            )


def thank_referrers(facts: NetworkFacts) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": tell the referrer how it went, after each meeting
    with a person they referred."""
    for met in facts.met_referrals:
        yield Suggestion(
            "thank-referrer",
            f"Tell {met.referrer_name} how the meeting with {met.contact_name} went",
            f"{met.referrer_name} referred you to {met.contact_name}, whom you have met. A "
            "short note on how it went keeps them willing to help again.",
            11,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Tell {met.referrer_name} how the meeting with "
            f"{met.contact_name} went",
            due_on=not_before(facts.today, days_after(met.met_on, TELL_REFERRER_WITHIN_DAYS)),
            contact_id=met.referrer_id, meeting_id=met.meeting_id,
        )


def keep_in_touch(facts: NetworkFacts) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": about monthly for a relationship that is developing,
    again after each note, until the client dismisses it (stops)."""
    last_note: dict[int, datetime.date] = {}
    for follow_up in facts.follow_ups:
        if follow_up.code == "keep-in-touch" and follow_up.done_on and follow_up.contact_id:
            previous = last_note.get(follow_up.contact_id, follow_up.done_on)
            last_note[follow_up.contact_id] = max(previous, follow_up.done_on)
    notice = days_after(facts.today, KEEP_IN_TOUCH_NOTICE_DAYS)
    for person in facts.keep_in_touch:
        since = max(person.last_met_on, last_note.get(person.contact_id, person.last_met_on),
                    person.last_note_on or person.last_met_on)
        due = days_after(since, KEEP_IN_TOUCH_DAYS)
        if due > notice:
            continue
        yield Suggestion(
            "keep-in-touch",
            f"Keep in touch with {person.contact_name}",
            "A good contact is worth keeping warm: a short note about once a month (news, an "
            "article, how a lead they gave you turned out). Dismiss it to stop.",
            20,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Keep in touch with {person.contact_name}",
            due_on=not_before(facts.today, due), contact_id=person.contact_id,
        )


NETWORK_RULES: tuple[NetworkRule, ...] = (
    write_debriefs,
    follow_up_no_reply,
    contact_referrals,
    thank_referrers,
    keep_in_touch,
)


def suggest_for_network(facts: NetworkFacts) -> list[Suggestion]:
    """Next steps that come from the network as a whole, not from one debrief."""
    found = [suggestion for rule in NETWORK_RULES for suggestion in rule(facts)]
    return in_order(s for s in found if not facts.has_handled(s))
