"""Meetings: the list (upcoming and past), planning or logging one, and its page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import client_required
from config.page_cache import cached_page
from contacts.models import Contact

from ..forms import FollowUpForm, MeetingForm
from ..models import Debrief, Meeting
from ..suggestions import suggestions_for
from .comments import build_thread
from .common import SUGGESTIONS_SHOWN, meeting_or_404, picked_by_key

MEETINGS_PER_PAGE = 50
# What a row of the list (debriefs.templatetags.meeting_rows) reads.
MEETING_ROW_FIELDS = ("contact_tier", "starts_at", "kind", "status", "contact__name",
                      "debrief__is_draft", "debrief__version")


@client_required
@require_GET
@cached_page
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.for_user(request.user)
    shown = Meeting.objects.select_related("contact", "debrief").only(*MEETING_ROW_FIELDS)
    ahead = Q(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())
    past = meetings.exclude(ahead).order_by("-starts_at", "-pk")
    page = Paginator(past, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    first = (page.number - 1) * MEETINGS_PER_PAGE
    page.object_list = list(
        picked_by_key(past, slice(first, first + MEETINGS_PER_PAGE), shown)
    )
    upcoming = list(
        meetings.filter(ahead).select_related("contact", "debrief")
        .only(*MEETING_ROW_FIELDS).order_by("starts_at", "pk")
    )
    return render(request, "debriefs/meeting_list.html", {
        "upcoming": upcoming,
        "past": page,
        "has_contacts": bool(upcoming or page.object_list)
        or Contact.objects.for_user(request.user).exists(),
    })


@client_required
@require_http_methods(["GET", "POST"])
@cached_page
def meeting_create(request: HttpRequest) -> HttpResponse:
    initial = {"starts_at": timezone.localtime().replace(minute=0, second=0, microsecond=0)}
    contact_pk = request.GET.get("contact", "")
    if contact_pk.isdecimal():
        contact = Contact.objects.for_user(request.user).filter(pk=contact_pk).first()
        if contact:
            initial["contact"] = contact
    form = MeetingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.get("submission_token")
        existing = token and Meeting.objects.for_user(request.user).filter(
            submission_token=token
        ).first()
        if existing:
            # A second click on the same form: the meeting already exists.
            return redirect(_after_save(existing))
        meeting = form.save(commit=False)
        meeting.submission_token = token
        try:
            with transaction.atomic():
                meeting.save()
        except IntegrityError:
            existing = get_object_or_404(
                Meeting.objects.for_user(request.user), submission_token=token
            )
            return redirect(_after_save(existing))
        meeting.sync_contact_status()
        messages.success(request, f"Meeting with {meeting.contact.name} saved.")
        return redirect(_after_save(meeting))
    return render(request, "debriefs/meeting_form.html", {"form": form, "meeting": None})


def _after_save(meeting: Meeting) -> str:
    if meeting.status == Meeting.Status.HELD and not hasattr(meeting, "debrief"):
        return reverse("debriefs:debrief_edit", args=[meeting.pk])
    return reverse("debriefs:meeting_detail", args=[meeting.pk])


@client_required
@require_POST
def meeting_mark_held(request: HttpRequest, pk: int) -> HttpResponse:
    """One click for a planned meeting whose time has passed: it took place; debrief it."""
    meeting = meeting_or_404(request, pk)
    if meeting.status != Meeting.Status.PLANNED or not meeting.has_started:
        messages.info(request, "Only a planned meeting whose time has come can be marked held.")
        return redirect("debriefs:meeting_detail", pk=meeting.pk)
    meeting.mark_held()
    messages.success(request, f"Meeting with {meeting.contact.name} marked as held. "
                              "Debrief it while it is fresh.")
    return redirect("debriefs:debrief_edit", pk=meeting.pk)


@client_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Its kind is one of the things a coach flag reads.
        Debrief.objects.filter(meeting=meeting).refresh_flag_count()
        messages.success(request, "Meeting saved.")
        return redirect("debriefs:meeting_detail", pk=meeting.pk)
    return render(request, "debriefs/meeting_form.html", {"form": form, "meeting": meeting})


@client_required
@require_GET
@cached_page
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    debrief = Debrief.objects.filter(meeting=meeting).select_related(
        "meeting__contact__referred_by", "meeting__owner", "stump_speech_version"
    ).first()
    if debrief is not None and not debrief.is_started:
        debrief = None  # the form was opened, nothing written yet
    suggestions = suggestions_for(debrief) if debrief else []
    return render(request, "debriefs/meeting_detail.html", {
        "meeting": meeting,
        "debrief": debrief,
        "competencies": list(debrief.competencies.all()) if debrief else [],
        "questions_asked": list(debrief.questions_asked.all()) if debrief else [],
        "referrals": list(meeting.referrals_obtained.order_by("pk")),
        "follow_ups": list(meeting.follow_ups.select_related("contact")),
        "suggestions": suggestions[:SUGGESTIONS_SHOWN],
        "more_suggestions": suggestions[SUGGESTIONS_SHOWN:],
        "suggestion_count": len(suggestions),
        # Built before rendering: it marks the coach's new comments read, so the nav count
        # on this very page is already right.
        "thread": build_thread(debrief, request.user) if debrief else None,
        "follow_up_form": FollowUpForm(user=request.user, meeting=meeting),
        "today": timezone.localdate(),
    })
