"""The plain facts the rules read: what the engine knows besides the debrief itself.

Built by `loading.py` from the database, or by the prep sheet from what it already loaded;
the rules never query anything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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
    accepted: set[tuple[str, int | None]] = field(default_factory=set)  # (code, contact id)
    dismissed: set[str] = field(default_factory=set)
    referrer_thanked: bool = False
    # Contact id -> id of the next meeting planned with them (this contact, its referrals).
    next_meetings: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingFact:
    id: int
    contact_name: str
    starts_on: datetime.date
    has_draft: bool = False


@dataclass(frozen=True)
class MetReferralFact:
    """A contact the client has met who was referred by someone."""

    contact_name: str
    referrer_id: int
    referrer_name: str
    met_on: datetime.date


@dataclass
class NetworkFacts:
    today: datetime.date
    reached_out: list[ContactFact] = field(default_factory=list)
    referrals_to_contact: list[tuple[ContactFact, str]] = field(default_factory=list)
    awaiting_debrief: list[MeetingFact] = field(default_factory=list)
    met_referrals: list[MetReferralFact] = field(default_factory=list)
    # Follow-ups accepted from suggestions: (code, contact id, created on).
    handled: list[tuple[str, int | None, datetime.date]] = field(default_factory=list)
