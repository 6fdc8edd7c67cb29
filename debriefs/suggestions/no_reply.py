"""The 3B7 outreach rule, shared by the debrief and the network rules."""

from __future__ import annotations

from collections.abc import Iterable

from contacts.outreach import (
    NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS,
    NO_REPLY_SECOND_PERSON_BUSINESS_DAYS,
    add_business_days,
    business_days_between,
)

from .catalog import FOLLOW_UP, Suggestion
from .facts import ContactFact, FollowUpFact


def no_reply_step(contact: ContactFact, today, meeting_id=None,
                  follow_ups: Iterable[FollowUpFact] = ()) -> Suggestion | None:
    """3B7: after 3 business days without reply write to a second person at the same
    organisation; after 7, send the first person one follow-up, then let it go."""
    if contact.status != "reached_out" or contact.status_changed_on is None:
        return None
    waited = business_days_between(contact.status_changed_on, today)
    if waited >= NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS:
        stage_began = add_business_days(
            contact.status_changed_on, NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS
        )
        title = f"Send {contact.name} one follow-up, then let it go"
        why = (
            f"No reply from {contact.name} after {waited} business days. Send one short "
            "follow-up; if that goes unanswered too, let it go and spend your energy "
            "elsewhere."
        )
    elif waited >= NO_REPLY_SECOND_PERSON_BUSINESS_DAYS:
        stage_began = add_business_days(
            contact.status_changed_on, NO_REPLY_SECOND_PERSON_BUSINESS_DAYS
        )
        where = f"at {contact.organisation}" if contact.organisation else "who could help"
        title = f"No reply from {contact.name}: write to a second person {where}"
        why = (
            f"You wrote to {contact.name} {waited} business days ago. Do not wait longer: "
            "write to a second person at the same organisation. If still no reply after 7 "
            "business days, send one follow-up."
        )
    else:
        return None
    # A follow-up accepted during this stage covers it; the next stage is a new step.
    if any(f.code == "follow-up-no-reply" and f.contact_id == contact.id
           and f.created_on >= stage_began for f in follow_ups):
        return None
    return Suggestion(
        "follow-up-no-reply", title, why, 9,
        action=FOLLOW_UP, action_label="Add to follow-ups", follow_up_title=title,
        due_on=today, contact_id=contact.id, meeting_id=meeting_id,
    )
