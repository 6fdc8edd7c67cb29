"""Drafting the note a next step asks for (debriefs/notes.py has the wording), from a
suggestion on a meeting or from a follow-up, and "I sent it"."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import client_required
from contacts.models import Contact

from ..models import Debrief, FollowUp, Meeting, Package
from ..notes import CHECK_IN, NOTE_CODES, SECOND_PERSON, Note, NoteFacts, draft_note
from ..suggestions import suggestions_for
from .common import find_suggestion, meeting_or_404, safe_next_url


def note_facts(user, code: str, title: str, contact: Contact | None,
               meeting: Meeting | None) -> NoteFacts:
    """What the note for step `code` (worded `title`) about `contact` may say, from the
    user's own rows: the meeting's debrief and the Package."""
    debrief = Debrief.objects.for_user(user).filter(meeting=meeting).first() if meeting else None
    package = Package.for_user(user)
    met = meeting.contact if meeting else None
    facts = {
        "code": code,
        "learnt": debrief.learnt if debrief else "",
        "what_i_want_to_do": package.what_i_want_to_do,
        "how_you_can_help_me": package.how_you_can_help_me,
        "sender": user.get_full_name(),
        "person_met": met.name if met else "",
    }
    recipient = contact or met
    referrer = getattr(recipient, "referred_by", None)
    if code == "contact-referral" and title.startswith("Check in"):
        facts["variant"] = CHECK_IN
        facts["referral"] = contact.name if contact else ""
        recipient = met or referrer
    elif code == "contact-referral":
        facts["referrer"] = referrer.name if referrer else (met.name if met else "")
    elif code == "follow-up-no-reply" and title.startswith("No reply"):
        facts["variant"] = SECOND_PERSON
        facts["organisation"] = recipient.organisation if recipient else ""
        recipient = None  # someone else at the organisation, not yet known
    elif code == "follow-up-no-reply":
        facts["referrer"] = referrer.name if referrer else ""
    if recipient is not None:
        facts["recipient"] = recipient.name
        facts["email"] = recipient.email
        facts.setdefault("organisation", recipient.organisation)
    return NoteFacts(**facts)


def _note_page(request, note: Note, heading: str, action_url: str, next_url: str,
               slot: str) -> HttpResponse:
    template = "debriefs/note.html#note" if request.htmx else "debriefs/note.html"
    return render(request, template, {
        "note": note, "heading": heading, "action_url": action_url, "next_url": next_url,
        "slot": slot,
    })


def _gone(request, message: str, url: str) -> HttpResponse:
    messages.info(request, message)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@client_required
@require_http_methods(["GET", "POST"])
def meeting_note(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The note for a suggestion on a meeting's debrief (`?contact=` names its person,
    by default the person met).
    POST: "I sent it": the thank-you date for a thank-you, else the step as done."""
    meeting = meeting_or_404(request, pk)
    back = safe_next_url(request, reverse("debriefs:meeting_detail", args=[meeting.pk]))
    debrief = Debrief.objects.filter(meeting=meeting).select_related(
        "meeting__contact__referred_by", "meeting__owner"
    ).first()
    suggestion = None
    if debrief is not None and code in NOTE_CODES:
        step = {"code": code, "contact": request.GET.get("contact") or str(meeting.contact_id),
                "step_meeting": request.GET.get("step_meeting", "")}
        suggestion = find_suggestion(suggestions_for(debrief), step, meeting.pk)
    if suggestion is None:
        return _gone(request, "That note is already sent, or no longer needed.", back)
    if request.method == "POST":
        if code == "send-thank-you":
            debrief.mark_thank_you_sent(timezone.localdate())
            messages.success(request, "Thank-you noted as sent. Well done.")
        else:
            follow_up = FollowUp(
                owner=request.user, title=suggestion.follow_up_title, due_on=suggestion.due_on,
                contact_id=suggestion.contact_id, meeting=meeting, suggestion_code=code,
            ).save_once()
            if not follow_up.is_done:
                follow_up.mark_done()
            messages.success(request, f"Done: {follow_up.title}.")
        return redirect(back)
    contact = None
    if suggestion.contact_id:
        contact = Contact.objects.for_user(request.user).select_related("referred_by").filter(
            pk=suggestion.contact_id).first()
    note = draft_note(note_facts(request.user, code, suggestion.follow_up_title, contact,
                                 meeting))
    return _note_page(request, note, suggestion.title, request.get_full_path(), back,
                      slot=f"note-{suggestion.key.replace(':', '-')}")


@client_required
@require_http_methods(["GET", "POST"])
def follow_up_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The note for a follow-up accepted from a suggestion. POST: "I sent it" ticks the
    follow-up (and, for a thank-you, records the debrief's thank-you date)."""
    follow_up = get_object_or_404(
        FollowUp.objects.for_user(request.user).select_related(
            "contact__referred_by", "meeting__contact__referred_by"
        ),
        pk=pk,
    )
    back = safe_next_url(request, reverse("debriefs:follow_up_list"))
    if not follow_up.drafts_a_note:
        return _gone(request, "This follow-up is not a note to someone.", back)
    if request.method == "POST":
        if not follow_up.is_done:
            follow_up.mark_done()
        if follow_up.suggestion_code == "send-thank-you" and follow_up.meeting_id:
            debrief = Debrief.objects.for_user(request.user).filter(
                meeting_id=follow_up.meeting_id).first()
            if debrief is not None:
                debrief.mark_thank_you_sent(timezone.localdate())
        messages.success(request, f"Done: {follow_up.title}.")
        return redirect(back)
    note = draft_note(note_facts(request.user, follow_up.suggestion_code, follow_up.title,
                                 follow_up.contact, follow_up.meeting))
    return _note_page(request, note, follow_up.title, request.get_full_path(), back,
                      slot=f"note-follow-up-{follow_up.pk}")
