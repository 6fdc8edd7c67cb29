"""Before the next meeting with the same person (prep sheet): what earlier debriefs teach."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .catalog import Suggestion
from .debrief_rules import suggest_for_debrief
from .facts import ContactFact, DebriefContext

# The suggestions that still matter when you meet the same person again.
LESSON_CODES = (
    "treat-as-informational",
    "prepare-job-interview",
    "reconsider-interest",
    "lead-the-questions",
    "ask-for-referral",
    "refine-stump-speech",
    "give-examples",
    "ask-industry-questions",
)

# TIARA (docs/method.md, "Timing rules"): from the person as an expert to the person as a mentor.
TIARA_PROMPTS = (
    ("Trends", "What trends are shaping this field over the next few years?"),
    ("Insights", "What do you wish you had known when you moved into this work?"),
    ("Advice", "What would you do in my place to make this move well?"),
    ("Resources", "Which people, groups or reading should I know about?"),
    ("Assignments", "Is there a small project or problem I could take on to learn more?"),
)


@dataclass(frozen=True)
class Lesson:
    met_on: datetime.date
    suggestion: Suggestion


JOB_CODES = {"treat-as-informational", "prepare-job-interview", "reconsider-interest"}


def lessons_from(earlier_debriefs, today=None, job_interview=False) -> list[Lesson]:
    """What earlier debriefs with the same person teach for the next meeting with them.

    Runs the debrief rules themselves (`suggest_for_debrief`) on each earlier debrief,
    newest first, and keeps one lesson per code from the newest debrief that raised it.
    What to do about a hinted job comes only from the newest debrief that says whether a
    job was hinted (an older answer may have changed). In a job interview the other side
    leads, so "lead the questions" is no lesson there.
    Reads only what is loaded: pass debriefs with `meeting__contact__referred_by`, and
    `competencies` and `meeting__referrals_obtained` prefetched.
    """
    today = today or timezone.localdate()
    lessons, seen = [], set()
    if job_interview:
        seen.add("lead-the-questions")
    for debrief in earlier_debriefs:
        context = DebriefContext(
            today=today,
            competencies=[(c.name, c.gave_example) for c in debrief.competencies.all()],
            referrals=[ContactFact(c.pk, c.name, c.tier, c.status, c.organisation)
                       for c in debrief.meeting.referrals_obtained.all()],
            highest_tier_met=10**6,  # climbing a tier is not a lesson for this meeting
        )
        met_on = timezone.localdate(debrief.meeting.starts_at)
        for suggestion in suggest_for_debrief(debrief, context):
            if suggestion.code in LESSON_CODES and suggestion.code not in seen:
                seen.add(suggestion.code)
                lessons.append(Lesson(met_on, suggestion))
        if debrief.job_hinted is not None:
            seen |= JOB_CODES
    return sorted(lessons, key=lambda lesson: lesson.suggestion.priority)


def runs_as_job_interview(meeting, earlier_debriefs) -> bool:
    """A job interview if planned as one, or if the latest debrief with this person that
    mentions a job says one was hinted at and the client wants it. Anything else is run
    as an informational interview: the client leads the questions."""
    if meeting.kind == "job_interview":
        return True
    latest = next((d for d in earlier_debriefs if d.job_hinted is not None), None)
    return bool(latest and latest.job_hinted and latest.wants_job == "yes")
