"""The suggestion catalog: every code, what a suggestion carries, and the method's default
due dates (docs/method.md, "Suggestion catalog" and "Timing rules")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

CODES = (
    "treat-as-informational",
    "prepare-job-interview",
    "reconsider-interest",
    "send-thank-you",
    "ask-for-referral",
    "add-referrals",
    "contact-referral",
    "thank-referrer",
    "lead-the-questions",
    "ask-industry-questions",
    "give-examples",
    "refine-stump-speech",
    "climb-a-tier",
    "keep-in-touch",
    "follow-up-no-reply",
    "review-with-coach",
    "write-debrief",
)

# What kind of action a suggestion offers.
FOLLOW_UP = "follow_up"  # Accept creates a follow-up due on `due_on`.
ADD_REFERRAL = "add_referral"  # Opens the add-a-referral form.
LINK = "link"  # Goes to `url` (write the debrief, plan the meeting).

# Due dates from docs/method.md, "Timing rules", as defaults the client sees on every suggestion.
THANK_YOU_WITHIN_DAYS = 1  # same day, at most within 24 hours
REFERRAL_CHECK_IN_DAYS = 7  # check in with a referrer after 7 to 10 days
KEEP_IN_TOUCH_DAYS = 30  # about monthly
TELL_REFERRER_WITHIN_DAYS = 2
WRITE_TO_REFERRAL_WITHIN_DAYS = 2
DECIDE_WITHIN_DAYS = 3
PREPARE_WITHIN_DAYS = 7
MIN_INDUSTRY_QUESTIONS = 2


@dataclass(frozen=True)
class Suggestion:
    code: str
    title: str
    why: str
    priority: int  # lower comes first
    action: str = ""  # FOLLOW_UP, ADD_REFERRAL, LINK or "" (advice only)
    action_label: str = ""
    follow_up_title: str = ""
    due_on: datetime.date | None = None
    contact_id: int | None = None
    meeting_id: int | None = None
    url: str = ""
    # A place to prepare (the Package, a prep sheet): a link, not one more button.
    prep_url: str = ""
    prep_label: str = ""

    @property
    def key(self) -> str:
        """Identifies one suggestion among several with the same code (one per contact)."""
        return f"{self.code}:{self.contact_id or ''}"


def not_before(today: datetime.date, due: datetime.date) -> datetime.date:
    return max(today, due)


def in_order(suggestions) -> list[Suggestion]:
    return sorted(suggestions, key=lambda s: (s.priority, s.due_on or datetime.date.max))


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
