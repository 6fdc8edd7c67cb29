"""The rules for one debrief: the next steps after one meeting.

Each rule is a small function that reads a `Meeting` situation (the debrief and the facts
around it) and returns the suggestions it makes, usually none or one. `DEBRIEF_RULES` lists
them in the order of the catalog; `suggest_for_debrief` runs them all, drops what the client
already acted on, and orders the rest. Each docstring names the part of docs/method.md the
rule implements.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from .catalog import (
    ADD_REFERRAL,
    DECIDE_WITHIN_DAYS,
    FOLLOW_UP,
    KEEP_IN_TOUCH_DAYS,
    LINK,
    MIN_INDUSTRY_QUESTIONS,
    PREPARE_WITHIN_DAYS,
    REFERRAL_CHECK_IN_DAYS,
    TELL_REFERRER_WITHIN_DAYS,
    THANK_YOU_WITHIN_DAYS,
    WRITE_TO_REFERRAL_WITHIN_DAYS,
    Suggestion,
    days_after,
    in_order,
    join_names,
    not_before,
)
from .facts import DebriefContext
from .no_reply import no_reply_step

FOLLOW_UP_LABEL = "Add to follow-ups"

# The debrief form's fields the rules read (through `Meeting.debrief`, and
# `debrief_context` for the names given), besides the competency rows. The live panel asks
# the server again only when one of them changes (static/js/suggestions.js): typing the
# notes changes no next step. tests/debriefs/test_live_panel_fields.py checks the list
# against what the rules read.
FIELDS_READ = ("impression", "industry_questions", "introduction_by_referrer", "job_hinted",
               "questions_led_by", "referral_names", "stump_speech_delivered",
               "thank_you_sent_on", "wants_job")


def package_link(section: str, label: str) -> dict:
    return {"prep_url": reverse("debriefs:package") + f"#{section}", "prep_label": label}


def prep_link(meeting_id: int | None, fallback: dict) -> dict:
    """The prep sheet of a meeting already planned, else the Package section `fallback`."""
    if meeting_id:
        return {"prep_url": reverse("debriefs:meeting_prep", args=[meeting_id]),
                "prep_label": "Open the prep sheet for your next meeting"}
    return fallback


@dataclass(frozen=True)
class Meeting:
    """One debrief and what the rules read around it."""

    debrief: object  # a Debrief, possibly unsaved (the live panel builds it from the form)
    context: DebriefContext

    @property
    def meeting(self):
        return self.debrief.meeting

    @property
    def contact(self):
        return self.debrief.meeting.contact

    @property
    def name(self) -> str:
        return self.contact.name

    @property
    def today(self) -> datetime.date:
        return self.context.today

    @property
    def met_on(self) -> datetime.date:
        starts_at = self.meeting.starts_at
        return timezone.localdate(starts_at) if starts_at else self.today

    @property
    def hinted(self) -> bool:
        return self.debrief.job_hinted is True

    @property
    def wants(self) -> str:
        """"yes", "no", "unsure", or "" when the client has not said."""
        return self.debrief.wants_job or ""

    @property
    def job_not_wanted(self) -> bool:
        return self.hinted and self.wants in ("no", "unsure")

    @property
    def becomes_job_interview(self) -> bool:
        return self.meeting.kind == "job_interview" or (self.hinted and self.wants == "yes")

    @property
    def where(self) -> str:
        return self.contact.organisation or self.name

    def next_meeting_id(self, contact_id: int | None = None) -> int | None:
        return self.context.next_meetings.get(contact_id or self.contact.pk)

    def suggestion(self, code: str, title: str, why: str, priority: int, **action) -> Suggestion:
        action.setdefault("meeting_id", self.meeting.pk)
        return Suggestion(code, title, why, priority, **action)

    def follow_up(self, title: str, due_on: datetime.date, contact_id: int | None = None) -> dict:
        return {"action": FOLLOW_UP, "action_label": FOLLOW_UP_LABEL, "follow_up_title": title,
                "due_on": not_before(self.today, due_on),
                "contact_id": contact_id or self.contact.pk}

    def after_meeting(self, days: int) -> datetime.date:
        return days_after(self.met_on, days)

    def prepare(self, title: str, days: int = PREPARE_WITHIN_DAYS, **link) -> dict:
        """A preparation step, due within `days`, and before the next meeting planned with
        this person when there is one (the day before it, or today if it is that close)."""
        due = days_after(self.today, days)
        planned_on = self.context.next_meeting_dates.get(self.contact.pk)
        if planned_on is not None:
            due = min(due, days_after(planned_on, -1))
        return self.follow_up(title, due) | link


Rule = Callable[[Meeting], Iterable[Suggestion]]


# The hard case first: a job was hinted at ---------------------------------------------


def treat_as_informational(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The hard case": a hinted job the client does not want (or is
    unsure about) makes the next contact an informational interview."""
    if not m.job_not_wanted:
        return
    yield m.suggestion(
        "treat-as-informational",
        f"Run your next contact with {m.name} as an informational interview",
        "A job was hinted at that you do not want (or are not sure about). In an "
        "informational interview you ask the questions: when you say what you want to do, "
        "aim it at the field as a whole rather than this opening, ask about the field, and ask "
        "for one or two people you should talk to. You would rather not be offered the "
        "job, and that can change later.",
        1,
        **m.prepare(f"Prepare questions to lead the next talk with {m.name}",
                    **prep_link(m.next_meeting_id(), package_link(
                        "stump-speech", "Say what you want to do, in your Package"))),
    )


def prepare_job_interview(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The hard case": wanting the hinted job makes the next meeting a
    job interview; prepare for that instead."""
    if not (m.hinted and m.wants == "yes"):
        return
    yield m.suggestion(
        "prepare-job-interview",
        f"Prepare for a job interview with {m.where}",
        "You want the job that was hinted at, so the next meeting is a job interview: "
        "they lead the questions and your aim is the offer. Prepare your examples, your "
        "questions about the role, and your CV.",
        1,
        **m.prepare(f"Prepare for the job interview with {m.where}",
                    **prep_link(m.next_meeting_id(), package_link(
                        "competencies", "Ready your examples in your Package"))),
    )


def reconsider_interest(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The hard case" and "The Package" (Focus): unsure about a hinted
    job, or not yet said, means deciding first; the hard case never silently drops."""
    if not (m.hinted and m.wants in ("unsure", "")):
        return
    if m.wants == "unsure":
        why = ("You are unsure about the job that was hinted at. Knowing what you want "
               "shapes how you run the next conversation: as an informational interview "
               "you lead, or as a job interview they lead.")
    else:
        why = ("A job was hinted at, and you have not said whether you want it. Your answer "
               "decides the next conversation: as an informational interview you lead, or "
               "as a job interview they lead.")
    yield m.suggestion(
        "reconsider-interest",
        "Decide whether you want that job",
        why,
        3,
        **m.prepare(f"Decide whether you want the job with {m.where}", DECIDE_WITHIN_DAYS),
    )


def review_with_coach(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The debrief": a hard case (an unwanted or undecided job, or a
    meeting that went badly) is worth talking over with the coach."""
    if not m.context.has_coach:
        return
    if m.job_not_wanted and m.wants == "unsure":
        reason = "you are unsure about the job that was hinted at"
    elif m.job_not_wanted:
        reason = "a job you do not want was hinted at"
    elif m.debrief.impression == "negative":
        reason = "the meeting left a poor impression"
    else:
        return
    yield m.suggestion(
        "review-with-coach",
        "Talk this meeting over with your coach",
        f"This is a hard case: {reason}. Your coach has seen many like it and can help you "
        "plan what to say next.",
        4,
        **m.prepare(f"Talk over the meeting with {m.name} with your coach", DECIDE_WITHIN_DAYS),
    )


# Right after the meeting ---------------------------------------------------------------


def send_thank_you(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": a thank-you the same day, at most within 24 hours."""
    if m.debrief.thank_you_sent_on is not None:
        return
    yield m.suggestion(
        "send-thank-you",
        f"Send {m.name} a thank-you note",
        "Thank them the same day, at most within 24 hours. Name one specific thing you "
        "learnt and how you will use it; no CV unless they offered to read it.",
        5,
        **m.follow_up(f"Send {m.name} a thank-you note", m.after_meeting(THANK_YOU_WITHIN_DAYS)),
    )


def ask_for_referral(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Tiers": a meeting without a referral is a signal; ask for one in
    the follow-up."""
    if m.debrief.referral_name_list or m.context.referrals:
        return
    yield m.suggestion(
        "ask-for-referral",
        f"Ask {m.name} for one or two names",
        "This meeting did not end with a referral. In your follow-up, ask: “Is there "
        "anyone else I should talk to? May I use your name?” Each referral brings you "
        "closer to the people who do what you want to do.",
        6,
        **m.follow_up(f"Ask {m.name} for a referral in your follow-up",
                      m.after_meeting(THANK_YOU_WITHIN_DAYS)),
    )


def add_referrals(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Tiers": every name given becomes a contact one tier further out."""
    added = {r.name.lower() for r in m.context.referrals}
    missing = [n for n in m.debrief.referral_name_list
               if n.lower() not in added and n.lower() not in m.context.known_names]
    if not missing:
        return
    form_url = reverse("debriefs:debrief_edit", args=[m.meeting.pk]) if m.meeting.pk else ""
    yield m.suggestion(
        "add-referrals",
        f"Add {join_names(missing)} to your contacts",
        f"{m.name} gave you {'these names' if len(missing) > 1 else 'this name'}. Add "
        f"them as contacts, as people {m.name} referred you to, so you can follow each one "
        "up.",
        7,
        action=ADD_REFERRAL, action_label=f"Add {missing[0]}",
        url=form_url + "?" + urlencode({"referral_name": missing[0]}) + "#add-referral",
    )


def contact_referrals(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": write to a referral within 2 days naming who
    referred you; if the referrer makes the introduction, check in after 7 to 10 days."""
    for referral in m.context.referrals:
        if referral.status != "to_contact":
            continue
        if m.debrief.introduction_by_referrer:
            yield m.suggestion(
                "contact-referral",
                f"Check in with {m.name} about the introduction to {referral.name}",
                f"{m.name} wants to make the introduction themselves. If you have not heard "
                "from either of them, check in with a short note after 7 to 10 days.",
                9,
                **m.follow_up(f"Check in with {m.name} about meeting {referral.name}",
                              m.after_meeting(REFERRAL_CHECK_IN_DAYS), referral.id),
            )
        else:
            yield m.suggestion(
                "contact-referral",
                f"Write to {referral.name}, saying {m.name} referred you",
                "A referral goes cold quickly. Write while the meeting is fresh and open "
                f"with {m.name}'s name: people are far more likely to answer when someone "
                "they know sent you.",
                8,
                **m.follow_up(f"Write to {referral.name} (referred by {m.name})",
                              m.after_meeting(WRITE_TO_REFERRAL_WITHIN_DAYS), referral.id),
            )


def follow_up_no_reply(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules" (3B7), for the referrals from this meeting."""
    for referral in m.context.referrals:
        suggestion = no_reply_step(referral, m.today, meeting_id=m.meeting.pk,
                                   follow_ups=m.context.follow_ups)
        if suggestion:
            yield suggestion


def climb_a_tier(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Tiers": a referral further out than anyone met so far is progress;
    prepare that meeting (plan it, or open the prep sheet of the one planned)."""
    further = [r for r in m.context.referrals
               if r.tier > max(m.context.highest_tier_met, m.contact.tier)]
    if not further:
        return
    referral = further[0]
    planned = m.next_meeting_id(referral.id)
    if planned:
        label, url = "Prepare the meeting", reverse("debriefs:meeting_prep", args=[planned])
    else:
        label = "Plan the meeting"
        url = reverse("debriefs:meeting_create") + f"?contact={referral.id}"
    yield m.suggestion(
        "climb-a-tier",
        f"{referral.name} takes your network a step further: prepare that meeting",
        "Nobody you have met so far is this far along the chain of referrals. Each step "
        "brings you to people who understand what you want a little better. Plan the "
        "meeting and prepare how you will introduce yourself.",
        10,
        action=LINK, action_label=label, url=url, contact_id=referral.id,
        **({} if planned else package_link("stump-speech", "Go over your stump speech")),
    )


def thank_referrer(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": once you have met the person someone referred you
    to, tell the referrer how it went (after each such meeting)."""
    referrer = getattr(m.contact, "referred_by", None)
    if referrer is None:
        return
    yield m.suggestion(
        "thank-referrer",
        f"Tell {referrer.name} how the meeting with {m.name} went",
        f"{referrer.name} referred you to {m.name}. Now that you have met, a short note "
        "on how it went closes the loop and keeps them willing to help again.",
        11,
        **m.follow_up(f"Tell {referrer.name} how the meeting with {m.name} went",
                      m.after_meeting(TELL_REFERRER_WITHIN_DAYS), referrer.pk),
    )


# Preparing the next meeting -----------------------------------------------------------


def lead_the_questions(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The hard case": in an informational interview the client asks the
    questions. Never for a job interview, or once the client wants the hinted job."""
    if m.debrief.questions_led_by != "them" or m.becomes_job_interview:
        return
    yield m.suggestion(
        "lead-the-questions",
        "Lead the questions next time",
        "They asked most of the questions. In a networking meeting you are the one asking: "
        "follow what they say with questions about their field.",
        12,
        **m.prepare(f"Prepare questions to lead your next meeting with {m.name}",
                    **prep_link(m.next_meeting_id(), package_link(
                        "questions", "Build your question bank"))),
    )


def refine_stump_speech(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The Package": the answer to "Tell me about yourself", in five
    parts."""
    if m.debrief.stump_speech_delivered not in ("no", "partly"):
        return
    yield m.suggestion(
        "refine-stump-speech",
        "Rework how you introduce yourself",
        "Every meeting opens with “Tell me about yourself”. Your answer (your “stump "
        "speech”) has five parts: who I am, what I have done, what I want to do, how you "
        "can help me, and (held in reserve) how I can help you. Make “what I want to do” "
        "clear.",
        13,
        **m.prepare("Rework and rehearse your stump speech",
                    **package_link("stump-speech", "Work on it in your Package")),
    )


def give_examples(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The Package": every competency with a brief example story."""
    without_example = [n for n, example in m.context.competencies if n and not example]
    if not without_example:
        return
    yield m.suggestion(
        "give-examples",
        f"Prepare a short story for {join_names(without_example)}",
        "A strength claimed without an example is easy to forget. For each, have a "
        "brief story ready: “I have met that situation many times; one thing that worked "
        "well was…”",
        14,
        **m.prepare(f"Prepare an example for: {join_names(without_example)}",
                    **package_link("competencies", "Write the stories in your Package")),
    )


def ask_industry_questions(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "The Package": a bank of questions about the industry."""
    questions = [q for q in m.debrief.industry_questions.splitlines() if q.strip()]
    if len(questions) >= MIN_INDUSTRY_QUESTIONS:
        return
    yield m.suggestion(
        "ask-industry-questions",
        "Prepare questions about their field for next time",
        "Few questions about the field were asked. Prepare a handful: which trends are "
        "shaping it, what they wish they had known, what they would do in your place, "
        "whom or what you should read, and whether there is a small project you could "
        "take on.",
        15,
        **m.prepare("Prepare questions about the field for your next meeting",
                    **package_link("questions", "Add them to your question bank")),
    )


def keep_in_touch(m: Meeting) -> Iterable[Suggestion]:
    """docs/method.md, "Timing rules": a relationship that is developing hears from you
    about monthly (the home page offers it again each month, until you stop it)."""
    if m.debrief.impression != "positive":
        return
    # Once a first note was accepted, the home page keeps the monthly rhythm.
    if any(f.code == "keep-in-touch" and f.contact_id == m.contact.pk
           for f in m.context.follow_ups):
        return
    yield m.suggestion(
        "keep-in-touch",
        f"Keep in touch with {m.name}",
        "A good contact is worth keeping warm: a short note about once a month (news, an "
        "article, how a lead they gave you turned out).",
        20,
        **m.follow_up(f"Keep in touch with {m.name}", m.after_meeting(KEEP_IN_TOUCH_DAYS)),
    )


DEBRIEF_RULES: tuple[Rule, ...] = (
    treat_as_informational,
    prepare_job_interview,
    reconsider_interest,
    review_with_coach,
    send_thank_you,
    ask_for_referral,
    add_referrals,
    contact_referrals,
    follow_up_no_reply,
    climb_a_tier,
    thank_referrer,
    lead_the_questions,
    refine_stump_speech,
    give_examples,
    ask_industry_questions,
    keep_in_touch,
)


def suggest_for_debrief(debrief, context: DebriefContext) -> list[Suggestion]:
    """The next steps after one meeting, most important first.

    `debrief` may be unsaved (the live panel builds it from the form); it needs
    `debrief.meeting` and `debrief.meeting.contact` (with `referred_by` if any). A step
    the client already took up (a follow-up for it) or dismissed is left out.
    """
    situation = Meeting(debrief, context)
    found = [suggestion for rule in DEBRIEF_RULES for suggestion in rule(situation)]
    return in_order(one_card_per_person(s for s in found if not context.has_handled(s)))


def one_card_per_person(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Writing to a referral and planning the meeting with them are two steps for one
    person: one card, the follow-up as its action and the meeting as its link."""
    suggestions = list(suggestions)
    writes = {s.contact_id for s in suggestions if s.code == "contact-referral"}
    climbs = {s.contact_id: s for s in suggestions
              if s.code == "climb-a-tier" and s.contact_id in writes}
    merged = []
    for suggestion in suggestions:
        if suggestion.code == "climb-a-tier" and suggestion.contact_id in climbs:
            continue  # shown within the card that says to write to them
        climb = climbs.get(suggestion.contact_id)
        if suggestion.code == "contact-referral" and climb is not None:
            suggestion = dataclasses.replace(
                suggestion,
                why=f"{suggestion.why} They would take your network a step further, so "
                "plan the meeting too.",
                prep_url=climb.url, prep_label=climb.action_label,
            )
        merged.append(suggestion)
    return merged
