"""Next-step suggestions: the method (shared/METHOD.md) turned into rules.

The engine is pure: `suggest_for_debrief(debrief, context)` and `suggest_for_network(facts)`
read plain facts and return an ordered list of `Suggestion`s; they never touch the database,
so they work the same for a saved debrief and for a form being filled in (live panel).

Steps:
1. Gather facts. The loaders `suggestions_for(debrief)` and `network_suggestions_for(user)`
   do it in a fixed number of queries whatever the size of the network.
2. Run every rule; each rule reads the facts and returns zero or more suggestions, each with
   a stable catalog code (METHOD.md section 9), a title, a why in plain words and, where it
   fits, an action: a follow-up with the due date the method gives (section 8), adding a
   referral, or a link. Advice whose next step is preparation also points, as a plain
   link beside its action, to where that preparation happens: the client's Package, or the
   prep sheet of the next meeting already planned with that person.
3. Drop what the client already acted on: a follow-up accepted from the same suggestion
   (same code and contact), or a code dismissed for this debrief.
4. Order by what matters most now (priority, then due date).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

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

# Due dates from METHOD.md section 8, as defaults the client sees on every suggestion.
THANK_YOU_WITHIN_DAYS = 1  # same day, at most within 24 hours
REFERRAL_CHECK_IN_DAYS = 7  # check in with a referrer after 7 to 10 days
KEEP_IN_TOUCH_DAYS = 30  # about monthly
NO_REPLY_SECOND_PERSON_BUSINESS_DAYS = 3  # 3B7: write to a second person
NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS = 7  # 3B7: one follow-up, then let it go
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


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`."""
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def _not_before(today: datetime.date, due: datetime.date) -> datetime.date:
    return max(today, due)


# ---------------------------------------------------------------------------------------
# One debrief
# ---------------------------------------------------------------------------------------


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


def _package_link(section: str, label: str) -> dict:
    return {"prep_url": reverse("debriefs:package") + f"#{section}", "prep_label": label}


def _prep_link(meeting_id: int | None, fallback: dict) -> dict:
    """The prep sheet of a meeting already planned, else the Package section `fallback`."""
    if meeting_id:
        return {"prep_url": reverse("debriefs:meeting_prep", args=[meeting_id]),
                "prep_label": "Open the prep sheet for your next meeting"}
    return fallback


def suggest_for_debrief(debrief, context: DebriefContext) -> list[Suggestion]:
    """The next steps after one meeting, most important first.

    `debrief` may be unsaved (the live panel builds it from the form); it needs
    `debrief.meeting` and `debrief.meeting.contact` (with `referred_by` if any).
    """
    meeting = debrief.meeting
    contact = meeting.contact
    name = contact.name
    today = context.today
    met_on = timezone.localdate(meeting.starts_at) if meeting.starts_at else today
    hinted = debrief.job_hinted is True
    wants = debrief.wants_job
    found: list[Suggestion] = []

    def add(code: str, title: str, why: str, priority: int, **action) -> None:
        action.setdefault("meeting_id", meeting.pk)
        found.append(Suggestion(code, title, why, priority, **action))

    def prepare(title: str, days: int = PREPARE_WITHIN_DAYS, **link) -> dict:
        return {"action": FOLLOW_UP, "action_label": "Add to follow-ups",
                "follow_up_title": title, "due_on": today + datetime.timedelta(days=days),
                "contact_id": contact.pk, **link}

    next_meeting_id = context.next_meetings.get(contact.pk)

    # The hard case first: a job was hinted at.
    if hinted and wants in ("no", "unsure"):
        add(
            "treat-as-informational",
            f"Run your next contact with {name} as an informational interview",
            "A job was hinted at that you do not want (or are not sure about). In an "
            "informational interview you ask the questions: steer “what I want to do” "
            "towards the industry rather than this opening, ask about the field, and ask "
            "for one or two people you should talk to. You would rather not be offered the "
            "job, and that can change later.",
            1,
            **prepare(f"Prepare questions to lead the next talk with {name}",
                      **_prep_link(next_meeting_id, _package_link(
                          "stump-speech", "Aim “what I want to do” in your Package"))),
        )
    if hinted and wants == "yes":
        add(
            "prepare-job-interview",
            f"Prepare for a job interview with {contact.organisation or name}",
            "You want the job that was hinted at, so the next meeting is a job interview: "
            "they lead the questions and your aim is the offer. Prepare your examples, your "
            "questions about the role, and your resume.",
            1,
            **prepare(f"Prepare for the job interview with {contact.organisation or name}",
                      **_prep_link(next_meeting_id, _package_link(
                          "competencies", "Ready your examples in your Package"))),
        )
    if hinted and wants == "unsure":
        add(
            "reconsider-interest",
            "Decide whether you want that job",
            "You are unsure about the job that was hinted at. Knowing what you want (your "
            "Focus) shapes how you run the next conversation; talk it over with your coach "
            "if it helps.",
            3,
            **prepare(f"Decide whether I want the job with {contact.organisation or name}",
                      DECIDE_WITHIN_DAYS),
        )
    if context.has_coach and (
        (hinted and wants in ("no", "unsure")) or debrief.impression == "negative"
    ):
        reason = (
            "an unwanted job offer in the air"
            if hinted and wants in ("no", "unsure") else "a meeting that went badly"
        )
        add(
            "review-with-coach",
            "Talk this meeting over with your coach",
            f"This is a hard case ({reason}); your coach has seen many like it and can help "
            "you plan the next step.",
            4,
            **prepare(f"Talk over the meeting with {name} with my coach", DECIDE_WITHIN_DAYS),
        )
    if debrief.thank_you_sent_on is None:
        add(
            "send-thank-you",
            f"Send {name} a thank-you note",
            "Thank them the same day, at most within 24 hours. Name one specific thing you "
            "learnt and how you will use it; no CV unless they offered to read it.",
            5,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Send {name} a thank-you note",
            due_on=_not_before(today, met_on + datetime.timedelta(days=THANK_YOU_WITHIN_DAYS)),
            contact_id=contact.pk,
        )
    given_names = debrief.referral_name_list
    if not given_names and not context.referrals:
        add(
            "ask-for-referral",
            f"Ask {name} for one or two names",
            "This meeting did not end with a referral. In your follow-up, ask: “Is there "
            "anyone else I should talk to? May I use your name?” Each referral takes you a "
            "tier closer to what you want to do.",
            6,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Ask {name} for a referral in my follow-up",
            due_on=_not_before(today, met_on + datetime.timedelta(days=THANK_YOU_WITHIN_DAYS)),
            contact_id=contact.pk,
        )
    referral_names = {r.name.lower() for r in context.referrals}
    missing = [
        n for n in given_names
        if n.lower() not in referral_names and n.lower() not in context.known_names
    ]
    if missing:
        add(
            "add-referrals",
            f"Add {_join(missing)} to your contacts",
            f"{name} gave you {'these names' if len(missing) > 1 else 'this name'}. Add "
            "them as contacts: they join your network at "
            f"tier {contact.tier + 1}, referred by {name}, so you can follow each one up.",
            7,
            action=ADD_REFERRAL, action_label=f"Add {missing[0]}",
            url=(reverse("debriefs:debrief_edit", args=[meeting.pk]) if meeting.pk else "")
            + "?" + urlencode({"referral_name": missing[0]}) + "#add-referral",
        )
    for referral in context.referrals:
        if referral.status != "to_contact":
            continue
        if debrief.introduction_by_referrer:
            add(
                "contact-referral",
                f"Check in with {name} about the introduction to {referral.name}",
                f"{name} wants to make the introduction themselves. If you have not heard "
                "from either of them, check in with a short note after 7 to 10 days.",
                9,
                action=FOLLOW_UP, action_label="Add to follow-ups",
                follow_up_title=f"Check in with {name} about meeting {referral.name}",
                due_on=_not_before(
                    today, met_on + datetime.timedelta(days=REFERRAL_CHECK_IN_DAYS)
                ),
                contact_id=referral.id,
            )
        else:
            add(
                "contact-referral",
                f"Write to {referral.name}, saying {name} referred you",
                "A referral goes cold quickly. Write while the meeting is fresh and open "
                f"with {name}'s name: people answer someone they have in common.",
                8,
                action=FOLLOW_UP, action_label="Add to follow-ups",
                follow_up_title=f"Write to {referral.name} (referred by {name})",
                due_on=_not_before(
                    today, met_on + datetime.timedelta(days=WRITE_TO_REFERRAL_WITHIN_DAYS)
                ),
                contact_id=referral.id,
            )
    for referral in context.referrals:
        suggestion = _no_reply(referral, today, meeting_id=meeting.pk)
        if suggestion:
            found.append(suggestion)
    next_tier = [r for r in context.referrals if r.tier > max(context.highest_tier_met,
                                                              contact.tier)]
    if next_tier:
        referral = next_tier[0]
        planned = context.next_meetings.get(referral.id)
        if planned:
            label, url = "Prepare the meeting", reverse("debriefs:meeting_prep", args=[planned])
        else:
            label = "Plan the meeting"
            url = reverse("debriefs:meeting_create") + f"?contact={referral.id}"
        add(
            "climb-a-tier",
            f"{referral.name} opens tier {referral.tier}: prepare that meeting",
            "A referral to a tier you have not met yet is progress: this person understands "
            "your objective a step better. Plan the meeting and prepare your stump speech for "
            "it.",
            10,
            action=LINK, action_label=label, url=url, contact_id=referral.id,
            **({} if planned else _package_link("stump-speech",
                                                "Go over your stump speech")),
        )
    referrer = getattr(contact, "referred_by", None)
    if referrer is not None and not context.referrer_thanked:
        add(
            "thank-referrer",
            f"Tell {referrer.name} how the meeting with {name} went",
            f"{referrer.name} referred you to {name}. Now that you have met, a short note "
            "on how it went closes the loop and keeps them willing to help again.",
            11,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Tell {referrer.name} how the meeting with {name} went",
            due_on=_not_before(
                today, met_on + datetime.timedelta(days=TELL_REFERRER_WITHIN_DAYS)
            ),
            contact_id=referrer.pk,
        )
    if debrief.questions_led_by == "them" and meeting.kind != "job_interview":
        add(
            "lead-the-questions",
            "Lead the questions next time",
            "They asked most of the questions. In a networking meeting or informational "
            "interview you are the interviewer: follow their statements with questions about "
            "the industry.",
            12,
            **prepare(f"Prepare questions to lead my next meeting with {name}",
                      **_prep_link(next_meeting_id, _package_link(
                          "questions", "Build your question bank"))),
        )
    if debrief.stump_speech_delivered in ("no", "partly"):
        add(
            "refine-stump-speech",
            "Rework your stump speech",
            "Every meeting opens with “Tell me about yourself”. Your answer has five parts: "
            "who I am, what I have done, what I want to do, how you can help me, and (held "
            "in reserve) how I can help you. Make “what I want to do” clear.",
            13,
            **prepare("Rework and rehearse my stump speech",
                      **_package_link("stump-speech", "Work on it in your Package")),
        )
    without_example = [n for n, example in context.competencies if n and not example]
    if without_example:
        add(
            "give-examples",
            f"Prepare a short story for {_join(without_example)}",
            "A competency claimed without an example is easy to forget. For each, have a "
            "brief story ready: “I have met that situation many times; one thing that worked "
            "well was…”",
            14,
            **prepare(f"Prepare an example for: {_join(without_example)}",
                      **_package_link("competencies", "Write the stories in your Package")),
        )
    questions = [q for q in debrief.industry_questions.splitlines() if q.strip()]
    if len(questions) < MIN_INDUSTRY_QUESTIONS:
        add(
            "ask-industry-questions",
            "Prepare industry questions for next time",
            "Few industry questions were asked. Prepare a handful, e.g. on Trends, Insights, "
            "Advice, Resources and Assignments: how does the industry address this problem; "
            "what kinds of people are essential to succeed here?",
            15,
            **prepare("Prepare industry questions for my next meeting",
                      **_package_link("questions", "Add them to your question bank")),
        )
    if debrief.impression == "positive":
        add(
            "keep-in-touch",
            f"Keep in touch with {name}",
            "A good contact is worth keeping warm: a short note about once a month (news, an "
            "article, how a lead they gave you turned out).",
            20,
            action=FOLLOW_UP, action_label="Add to follow-ups",
            follow_up_title=f"Keep in touch with {name}",
            due_on=_not_before(today, met_on + datetime.timedelta(days=KEEP_IN_TOUCH_DAYS)),
            contact_id=contact.pk,
        )
    return _order(
        s for s in found
        if s.code not in context.dismissed and (s.code, s.contact_id) not in context.accepted
    )


def _order(suggestions) -> list[Suggestion]:
    return sorted(suggestions, key=lambda s: (s.priority, s.due_on or datetime.date.max))


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _no_reply(contact: ContactFact, today, meeting_id=None, handled=()) -> Suggestion | None:
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
    if any(code == "follow-up-no-reply" and cid == contact.id and created >= stage_began
           for code, cid, created in handled):
        return None
    return Suggestion(
        "follow-up-no-reply", title, why, 9,
        action=FOLLOW_UP, action_label="Add to follow-ups", follow_up_title=title,
        due_on=today, contact_id=contact.id, meeting_id=meeting_id,
    )


def debrief_context(debrief, competencies=None, today=None) -> DebriefContext:
    """Load what `suggest_for_debrief` needs, in at most six queries.

    `competencies` (a list of (name, gave_example)) stands in for the saved ones when the
    debrief comes from a form being filled in.
    """
    from contacts.models import Contact

    from .models import CompetencyCited, DismissedSuggestion, FollowUp, Meeting

    meeting = debrief.meeting
    owner = meeting.owner
    today = today or timezone.localdate()
    referrals = []
    if meeting.pk:
        referrals = [
            ContactFact(c["id"], c["name"], c["tier"], c["status"], c["organisation"],
                        timezone.localdate(c["status_changed_at"]))
            for c in Contact.objects.for_user(owner).filter(referred_in=meeting)
            .values("id", "name", "tier", "status", "organisation", "status_changed_at")
            .order_by("pk")
        ]
    names = [n.lower() for n in debrief.referral_name_list]
    known = set()
    if names:
        known = set(
            Contact.objects.for_user(owner).annotate(lower_name=Lower("name"))
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
    others = Meeting.objects.for_user(owner).exclude(pk=meeting.pk).aggregate(
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


def suggestions_for(debrief, competencies=None, today=None) -> list[Suggestion]:
    """The suggestions for a debrief (saved, or built from a form), loading what they need.

    Read-only: the coach review page calls it too. Expects `debrief.meeting.contact` (and
    its `referred_by`) loaded, e.g. through
    `select_related("meeting__contact__referred_by", "meeting__owner")`.
    """
    return suggest_for_debrief(debrief, debrief_context(debrief, competencies, today))


# ---------------------------------------------------------------------------------------
# Before the next meeting with the same person (prep sheet)
# ---------------------------------------------------------------------------------------

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

# TIARA (METHOD.md section 8): from the person as an expert to the person as a mentor.
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
            referrer_thanked=True,
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


# ---------------------------------------------------------------------------------------
# The network as a whole (home page)
# ---------------------------------------------------------------------------------------


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
        suggestion = _no_reply(contact, today, handled=facts.handled)
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
            due_on=_not_before(
                today, met.met_on + datetime.timedelta(days=TELL_REFERRER_WITHIN_DAYS)
            ),
            contact_id=met.referrer_id,
        ))
    return _order(found)


def network_facts(user, today=None) -> NetworkFacts:
    """Load what `suggest_for_network` needs, in five queries."""
    from contacts.models import Contact

    from .models import FollowUp, Meeting

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
