"""The rules for one debrief: the next steps after one meeting."""

from __future__ import annotations

import datetime
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
    in_order,
    join_names,
    not_before,
)
from .facts import DebriefContext
from .no_reply import no_reply_step


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
            due_on=not_before(today, met_on + datetime.timedelta(days=THANK_YOU_WITHIN_DAYS)),
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
            due_on=not_before(today, met_on + datetime.timedelta(days=THANK_YOU_WITHIN_DAYS)),
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
            f"Add {join_names(missing)} to your contacts",
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
                due_on=not_before(
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
                due_on=not_before(
                    today, met_on + datetime.timedelta(days=WRITE_TO_REFERRAL_WITHIN_DAYS)
                ),
                contact_id=referral.id,
            )
    for referral in context.referrals:
        suggestion = no_reply_step(referral, today, meeting_id=meeting.pk)
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
            due_on=not_before(
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
            f"Prepare a short story for {join_names(without_example)}",
            "A competency claimed without an example is easy to forget. For each, have a "
            "brief story ready: “I have met that situation many times; one thing that worked "
            "well was…”",
            14,
            **prepare(f"Prepare an example for: {join_names(without_example)}",
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
            due_on=not_before(today, met_on + datetime.timedelta(days=KEEP_IN_TOUCH_DAYS)),
            contact_id=contact.pk,
        )
    return in_order(
        s for s in found
        if s.code not in context.dismissed and (s.code, s.contact_id) not in context.accepted
    )
