"""Flags: the debriefs a coach should look at first, and why, in the method's words.

Each flag is defined once, as a condition on a debrief (a `Q`). The same condition is used
three ways, so the list a coach reads, the counts on the coach home and the order of the
review queue can never disagree:

1. `annotate_flags(queryset)` adds one boolean per flag (`flag_<name>`) to each debrief,
   in SQL, for the rows a page shows.
2. `flag_count_expression()` is the sum of the conditions. It is stored on each debrief
   (`Debrief.flag_count`, by `refresh_flag_count()` whenever what a flag reads changes),
   so the review queue and the per-client totals sort and sum a column rather than
   evaluating every flag of the whole caseload.
3. `flags_for(debrief)` turns an annotated debrief into the `Flag`s that apply, for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from contacts.models import Contact


@dataclass(frozen=True)
class Flag:
    name: str  # stable, used in annotations: flag_<name>
    title: str
    why: str

    @property
    def attribute(self) -> str:
        return f"flag_{self.name}"

    def condition(self) -> Q:
        return CONDITIONS[self.name]()


def _unwanted_job() -> Q:
    return Q(job_hinted=True, wants_job__in=["no", "unsure"])


def _no_referral() -> Q:
    referral_added = Exists(Contact.objects.filter(referred_in=OuterRef("meeting_id")))
    return Q(~referral_added) & Q(referral_names__regex=r"^\s*$")


def _they_led_the_questions() -> Q:
    # An informational interview is one the client leads. A job interview (by kind, or
    # because a job was hinted at and the client wants it) is theirs to lead.
    became_job_interview = Q(job_hinted=True, wants_job="yes")
    return Q(questions_led_by="them") & ~Q(meeting__kind="job_interview") & ~became_job_interview


def _no_stump_speech() -> Q:
    return Q(stump_speech_delivered="no")


def _negative_impression() -> Q:
    return Q(impression="negative")


CONDITIONS = {
    "unwanted_job": _unwanted_job,
    "no_referral": _no_referral,
    "they_led_the_questions": _they_led_the_questions,
    "no_stump_speech": _no_stump_speech,
    "negative_impression": _negative_impression,
}

FLAGS: tuple[Flag, ...] = (
    Flag(
        "unwanted_job",
        "A job was hinted at that they do not want, or are unsure about",
        "The next contact with this person should be an informational interview: they lead "
        "the questions, aim “what I want to do” at the industry rather than this opening, "
        "and ask for referrals. If they are unsure, the first step is deciding what they "
        "want (Focus).",
    ),
    Flag(
        "no_referral",
        "No referral obtained",
        "Each meeting should end with a referral to one or two people closer to what they "
        "want to do; that is how the network climbs a tier. None was noted here, so the "
        "follow-up should ask: “Is there anyone else I should talk to? May I use your name?”",
    ),
    Flag(
        "they_led_the_questions",
        "The other side asked most of the questions",
        "This should have been an informational interview, where the client interviews "
        "the other person. When the other side leads, it turns into a job interview. Next "
        "time: follow most of their statements with a question about the industry.",
    ),
    Flag(
        "no_stump_speech",
        "No stump speech",
        "Every meeting opens with “Tell me about yourself.” Without the stump speech (who "
        "I am, what I have done, what I want to do, how you can help me), the other person "
        "cannot tell what the client wants, or whom to refer them to.",
    ),
    Flag(
        "negative_impression",
        "They left a negative impression",
        "The first aim of every meeting is a positive impression and a new person in the "
        "network. Worth talking over: what happened, and whether a short, gracious "
        "follow-up would mend it.",
    ),
)


@cache
def fields_read() -> tuple[str, ...]:
    """The debrief's own fields the flags read, sorted (a related row's, such as the
    meeting's kind or the referrals, are refreshed where those change)."""
    def lookups(node):
        for child in node.children:
            if isinstance(child, Q):
                yield from lookups(child)
            elif isinstance(child, tuple):
                yield child[0].split("__")[0]

    names = {name for condition in CONDITIONS.values() for name in lookups(condition())}
    return tuple(sorted(name for name in names if name != "meeting"))


def annotate_flags(queryset):
    """Add `flag_<name>` booleans to each debrief of `queryset`."""
    booleans = {
        flag.attribute: Case(
            When(flag.condition(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for flag in FLAGS
    }
    return queryset.annotate(**booleans)


def flag_count_expression():
    """How many flags a debrief raises, as one SQL expression."""
    total = None
    for flag in FLAGS:
        one = Case(
            When(flag.condition(), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        total = one if total is None else total + one
    return total


def flags_for(debrief) -> list[Flag]:
    """The flags that apply to a debrief annotated by `annotate_flags`.

    A debrief loaded without the annotations is looked up again (one query), so callers
    always get the same answer as the queue and the counts.
    """
    if not hasattr(debrief, FLAGS[0].attribute):
        # The debrief's own model: this module is imported by debriefs/models.py.
        debrief = annotate_flags(type(debrief).objects.filter(pk=debrief.pk)).get()
    return [flag for flag in FLAGS if getattr(debrief, flag.attribute)]
