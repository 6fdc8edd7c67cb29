"""The plain facts the rules read: what the engine knows besides the debrief itself.

Built by `loading.py` from the database, or by the prep sheet from what it already loaded;
the rules never query anything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .catalog import Step, Suggestion, step_of

# Steps that come back: only an open follow-up holds them back (keep in touch, monthly).
RECURRING_CODES = frozenset({"keep-in-touch"})
# The no-reply rule has two stages, each its own step: no_reply.py tells them apart by
# when the follow-up was accepted.
STAGED_CODES = frozenset({"follow-up-no-reply"})


@dataclass(frozen=True)
class FollowUpFact:
    """A follow-up the client accepted from a suggestion."""

    code: str
    contact_id: int | None
    meeting_id: int | None
    created_on: datetime.date
    done_on: datetime.date | None = None


def steps_taken(follow_ups: list[FollowUpFact]) -> set[Step]:
    """The steps these follow-ups take: never offered again, on any page (a recurring
    step only while its follow-up is open)."""
    return {
        step_of(f.code, f.contact_id, f.meeting_id)
        for f in follow_ups
        if f.code not in STAGED_CODES and (f.done_on is None or f.code not in RECURRING_CODES)
    }


@dataclass(frozen=True)
class ContactFact:
    id: int
    name: str
    tier: int = 1
    status: str = "to_contact"
    organisation: str = ""
    status_changed_on: datetime.date | None = None


@dataclass
class DebriefContext:
    """What the engine knows besides the debrief itself."""

    today: datetime.date
    competencies: list[tuple[str, bool]] = field(default_factory=list)
    referrals: list[ContactFact] = field(default_factory=list)  # referred in this meeting
    known_names: set[str] = field(default_factory=set)  # lower-cased names already contacts
    highest_tier_met: int = 0  # in the client's other held meetings
    has_coach: bool = False
    # The follow-ups accepted for the people this debrief concerns (the person met, their
    # referrer, the referrals), from any page.
    follow_ups: list[FollowUpFact] = field(default_factory=list)
    dismissed: set[str] = field(default_factory=set)  # codes dismissed for this debrief
    dismissed_steps: set[Step] = field(default_factory=set)  # dismissed on the home page
    # Contact id -> id and date of the next meeting planned with them (this contact, its
    # referrals).
    next_meetings: dict[int, int] = field(default_factory=dict)
    next_meeting_dates: dict[int, datetime.date] = field(default_factory=dict)

    def has_handled(self, suggestion: Suggestion) -> bool:
        return (
            suggestion.code in self.dismissed
            or suggestion.step in self.dismissed_steps
            or suggestion.step in steps_taken(self.follow_ups)
        )


@dataclass(frozen=True)
class MeetingFact:
    id: int
    contact_name: str
    starts_on: datetime.date
    has_draft: bool = False


@dataclass(frozen=True)
class ReferralFact:
    """A person someone referred the client to, not yet written to."""

    contact: ContactFact
    referrer_name: str
    named_on: datetime.date | None = None  # the day of the meeting where the name was given
    introduction_by_referrer: bool = False


@dataclass(frozen=True)
class MetReferralFact:
    """A meeting held with a person someone referred the client to."""

    contact_name: str
    referrer_id: int
    referrer_name: str
    met_on: datetime.date
    meeting_id: int | None = None


@dataclass(frozen=True)
class KeepInTouchFact:
    """A person met whose latest debrief left a positive impression."""

    contact_id: int
    contact_name: str
    last_met_on: datetime.date
    # The last "keep in touch" note sent to them, when the loader read it in SQL rather
    # than passing every follow-up.
    last_note_on: datetime.date | None = None


@dataclass
class NetworkFacts:
    today: datetime.date
    reached_out: list[ContactFact] = field(default_factory=list)
    referrals_to_contact: list[ReferralFact] = field(default_factory=list)
    awaiting_debrief: list[MeetingFact] = field(default_factory=list)
    met_referrals: list[MetReferralFact] = field(default_factory=list)
    keep_in_touch: list[KeepInTouchFact] = field(default_factory=list)
    follow_ups: list[FollowUpFact] = field(default_factory=list)
    dismissed_steps: set[Step] = field(default_factory=set)
    # Set by a loader that read only the first rows of each rule (handled steps already
    # left out in SQL): how many steps there are in all.
    step_count: int | None = None
    # True when a rule had `STEP_COUNT_CAP` steps or more: `step_count` is then a floor.
    step_count_reached_cap: bool = False

    def has_handled(self, suggestion: Suggestion) -> bool:
        step = suggestion.step
        return step in self.dismissed_steps or step in steps_taken(self.follow_ups)
