"""The rules for the network as a whole (home page), not for one debrief."""

from __future__ import annotations

import datetime

from django.urls import reverse

from .catalog import FOLLOW_UP, LINK, TELL_REFERRER_WITHIN_DAYS, Suggestion, in_order, not_before
from .facts import NetworkFacts
from .no_reply import no_reply_step


def suggest_for_network(facts: NetworkFacts) -> list[Suggestion]:
    """Next steps that come from the network as a whole, not from one debrief."""
    today = facts.today
    handled_keys = {(code, cid) for code, cid, _ in facts.handled}
    found: list[Suggestion] = []
    for meeting in facts.awaiting_debrief:
        found.append(Suggestion(
            "write-debrief",
            f"Write the debrief of your meeting with {meeting.contact_name}",
            "Debrief the same day, while it is fresh: what you learnt, how it fits your "
            "skills and interests, and every name you were given.",
            2,
            action=LINK,
            action_label="Continue the debrief" if meeting.has_draft else "Write the debrief",
            url=reverse("debriefs:debrief_edit", args=[meeting.id]),
            meeting_id=meeting.id, due_on=meeting.starts_on,
        ))
    for contact in facts.reached_out:
        suggestion = no_reply_step(contact, today, handled=facts.handled)
        if suggestion:
            found.append(suggestion)
    for contact, referrer_name in facts.referrals_to_contact:
        if ("contact-referral", contact.id) in handled_keys:
            continue
        found.append(Suggestion(
            "contact-referral",
            f"Write to {contact.name}, saying {referrer_name} referred you",
            f"{referrer_name} gave you this name and {contact.name} has not heard from you "
            "yet. Open with the name you have in common.",
            8,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Write to {contact.name} (referred by {referrer_name})",
            due_on=today, contact_id=contact.id,
        ))
    seen_referrers = set()
    for met in facts.met_referrals:
        if met.referrer_id in seen_referrers or ("thank-referrer", met.referrer_id) in (
            handled_keys
        ):
            continue
        seen_referrers.add(met.referrer_id)
        found.append(Suggestion(
            "thank-referrer",
            f"Tell {met.referrer_name} how the meeting with {met.contact_name} went",
            f"{met.referrer_name} referred you to {met.contact_name}, whom you have met. A "
            "short note on how it went keeps them willing to help again.",
            11,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Tell {met.referrer_name} how the meeting with "
            f"{met.contact_name} went",
            due_on=not_before(
                today, met.met_on + datetime.timedelta(days=TELL_REFERRER_WITHIN_DAYS)
            ),
            contact_id=met.referrer_id,
        ))
    return in_order(found)
