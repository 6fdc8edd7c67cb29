"""The suggestion catalog: every code, what a suggestion carries, and the method's default
due dates (docs/method.md, "Suggestion catalog" and "Timing rules")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..notes import NOTE_CODES

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

# A step is what it is and whom it concerns: (code, contact, meeting). The meeting counts
# only for the steps owed once per meeting (a thank-you after each meeting with the same
# person, telling a referrer after each person they referred is met); every other step
# is one per person, whichever page offers it.
PER_MEETING_CODES = frozenset({"send-thank-you", "ask-for-referral", "thank-referrer"})

Step = tuple[str, "int | None", "int | None"]


def step_of(code: str, contact_id: int | None, meeting_id: int | None) -> Step:
    return (code, contact_id, meeting_id if code in PER_MEETING_CODES else None)


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
        """The step as text, as the Accept and Dismiss forms post it back."""
        code, contact_id, meeting_id = self.step
        return f"{code}:{contact_id or ''}:{meeting_id or ''}"

    @property
    def drafts_a_note(self) -> bool:
        """The step is a note to someone: "Draft the note" can write it."""
        return self.code in NOTE_CODES

    @property
    def step(self) -> Step:
        """The step this suggestion offers: the same on every page that offers it."""
        return step_of(self.code, self.contact_id, self.meeting_id)


def not_before(today: datetime.date, due: datetime.date) -> datetime.date:
    return max(today, due)


def days_after(day: datetime.date, days: int) -> datetime.date:
    """`day` plus `days`, kept within the calendar (a date stored at the year 9999)."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max


def in_order(suggestions) -> list[Suggestion]:
    return sorted(suggestions, key=lambda s: (s.priority, s.due_on or datetime.date.max))


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
