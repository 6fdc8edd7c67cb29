import datetime
import uuid

import vobject
from dateutil import tz
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from accounts.permissions import client_required
from contacts.models import Contact

from .coach_views import build_thread
from .forms import (
    DebriefForm,
    FollowUpForm,
    MeetingForm,
    PackageForm,
    ReferralForm,
    cited_competencies,
    competency_formset,
    core_competency_formset,
)
from .models import Debrief, DismissedSuggestion, FollowUp, Meeting, Package
from .suggestions import (
    CODES,
    FOLLOW_UP,
    TIARA_PROMPTS,
    lessons_from,
    network_suggestions_for,
    runs_as_job_interview,
    suggestions_for,
)

SUGGESTIONS_SHOWN = 5
SUGGESTIONS_MORE = 10  # under "more": never a long list
MEETINGS_PER_PAGE = 50
# The free-text fields shown side by side when two tabs saved different versions.
CONFLICT_TEXTS = ["notes", "industry_questions", "learnt", "referral_names"]


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related(
            "contact__referred_by", "owner"
        ),
        pk=pk,
    )


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return default


# ---------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_coach:
        return redirect("coach:home")
    user, today = request.user, timezone.localdate()
    follow_ups = FollowUp.objects.for_user(user).select_related("contact", "meeting")
    contacts = Contact.objects.for_user(user)
    network = contacts.aggregate(
        total=Count("pk"),
        highest_tier=Max("tier"),
        referrals=Count("pk", filter=Q(referred_by__isnull=False)),
    )
    held = Meeting.objects.for_user(user).held().count()
    network["held"] = held
    network["per_meeting"] = (
        f"{contacts.filter(referred_in__isnull=False).count() / held:.1f}" if held else "–"
    )
    suggestions = network_suggestions_for(user, today)
    context = {
        "overdue": list(follow_ups.overdue(today)),
        "due_today": list(follow_ups.due_today(today)),
        "due_soon": list(follow_ups.due_soon(today)),
        "upcoming": list(
            Meeting.objects.for_user(user).upcoming().select_related("contact")
            .order_by("starts_at")[:5]
        ),
        "awaiting_debrief": list(
            Meeting.objects.for_user(user).awaiting_debrief().select_related("contact")
            .order_by("-starts_at")[:5]
        ),
        "recent_debriefs": list(
            Debrief.objects.for_user(user).filter(is_draft=False)
            .select_related("meeting__contact").order_by("-meeting__starts_at")[:5]
        ),
        "network": network,
        "suggestions": suggestions[:SUGGESTIONS_SHOWN],
        "more_suggestions": suggestions[SUGGESTIONS_SHOWN:SUGGESTIONS_SHOWN + SUGGESTIONS_MORE],
        "suggestion_count": len(suggestions),
        "today": today,
    }
    return render(request, "home.html", context)


# ---------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------


@client_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.for_user(request.user).select_related("contact", "debrief")
    ahead = Q(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())
    past = Paginator(meetings.exclude(ahead).order_by("-starts_at", "-pk"), MEETINGS_PER_PAGE)
    page = past.get_page(request.GET.get("page"))
    upcoming = list(meetings.filter(ahead).order_by("starts_at", "pk"))
    return render(request, "debriefs/meeting_list.html", {
        "upcoming": upcoming,
        "past": page,
        "has_contacts": bool(upcoming or page.object_list)
        or Contact.objects.for_user(request.user).exists(),
    })


@client_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    initial = {"starts_at": timezone.localtime().replace(minute=0, second=0, microsecond=0)}
    contact_pk = request.GET.get("contact", "")
    if contact_pk.isdigit():
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
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Meeting saved.")
        return redirect("debriefs:meeting_detail", pk=meeting.pk)
    return render(request, "debriefs/meeting_form.html", {"form": form, "meeting": meeting})


@client_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    debrief = Debrief.objects.filter(meeting=meeting).select_related(
        "meeting__contact__referred_by", "meeting__owner"
    ).first()
    suggestions = suggestions_for(debrief) if debrief else []
    return render(request, "debriefs/meeting_detail.html", {
        "meeting": meeting,
        "debrief": debrief,
        "competencies": list(debrief.competencies.all()) if debrief else [],
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


# ---------------------------------------------------------------------------------------
# The debrief form, its autosave and its live suggestions
# ---------------------------------------------------------------------------------------


def _debrief(meeting: Meeting) -> Debrief:
    debrief = Debrief.objects.start_for(meeting)
    debrief.meeting = meeting  # keep the loaded contact and referrer
    return debrief


def _debrief_page(request, meeting, debrief, form=None, formset=None, referral_form=None,
                  conflict=None, status=200) -> HttpResponse:
    form = form or DebriefForm(instance=debrief)
    formset = formset or competency_formset(debrief=debrief)
    competencies = cited_competencies(formset) if formset.is_bound else None
    preview = form.instance if form.is_bound else debrief
    suggestions = suggestions_for(preview, competencies=competencies)
    if referral_form is None:
        referral_form = ReferralForm(
            meeting=meeting, initial={"name": request.GET.get("referral_name", "")}
        )
    return render(request, "debriefs/debrief_form.html", {
        "meeting": meeting,
        "debrief": debrief,
        "form": form,
        "formset": formset,
        "referral_form": referral_form,
        "referrals": list(meeting.referrals_obtained.order_by("pk")),
        "conflict": conflict,
        **_panel_context(meeting, suggestions, live=True),
    }, status=status)


def _panel_context(meeting, suggestions, live: bool, accepted=None, oob=False) -> dict:
    return {
        "oob_count": oob,
        "meeting": meeting,
        "suggestions": suggestions[:SUGGESTIONS_SHOWN],
        "more_suggestions": suggestions[SUGGESTIONS_SHOWN:],
        "suggestion_count": len(suggestions),
        "live": live,
        "accepted": accepted,
        "panel_follow_ups": list(meeting.follow_ups.open().select_related("contact")),
    }


@client_required
@require_http_methods(["GET", "POST"])
def debrief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if meeting.status == Meeting.Status.CANCELLED or not meeting.has_started:
        messages.info(request, "You can write the debrief once the meeting has taken place.")
        return redirect("debriefs:meeting_detail", pk=meeting.pk)
    debrief = _debrief(meeting)
    if request.method == "GET":
        return _debrief_page(request, meeting, debrief)
    form = DebriefForm(request.POST, instance=debrief)
    formset = competency_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        debrief = form.save(commit=False)
        debrief.is_draft = "save_draft" in request.POST
        if debrief.save_if_current(form.cleaned_data["version"],
                                   competencies=cited_competencies(formset)):
            if request.POST.get("save_draft") == "more_competencies":
                # Saved with the rows filled so far; two empty rows come back.
                return redirect(reverse("debriefs:debrief_edit", args=[meeting.pk])
                                + "#competencies")
            if debrief.is_draft:
                messages.success(request, "Draft saved.")
            else:
                messages.success(request, "Debrief saved. Here are your next steps.")
            return redirect("debriefs:meeting_detail", pk=meeting.pk)
        # Someone saved in between (another tab): show both texts, overwrite nothing.
        current = Debrief.objects.get(pk=debrief.pk)
        conflict = {
            "updated_at": current.updated_at,
            "texts": [(DebriefForm.base_fields[name].label, getattr(current, name))
                      for name in CONFLICT_TEXTS if getattr(current, name)],
        }
        data = request.POST.copy()
        data["version"] = current.version
        form = DebriefForm(data, instance=current)
        form.is_valid()
        return _debrief_page(request, meeting, current, form, formset, conflict=conflict,
                             status=409)
    return _debrief_page(request, meeting, debrief, form, formset, status=422)


@client_required
@require_POST
def debrief_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save what is in the form as it is typed (a draft stays a draft)."""
    meeting = _meeting(request, pk)
    debrief = _debrief(meeting)
    form = DebriefForm(request.POST, instance=debrief)
    formset = competency_formset(request.POST)
    state = {"saved": False, "conflict": False, "invalid": False}
    if form.is_valid() and formset.is_valid():
        debrief = form.save(commit=False)
        if debrief.save_if_current(form.cleaned_data["version"],
                                   competencies=cited_competencies(formset)):
            state["saved"] = True
        else:
            state["conflict"] = True
    else:
        state["invalid"] = True
    response = render(request, "debriefs/debrief_form.html#save_status", {
        "meeting": meeting, "debrief": debrief, "state": state,
        "saved_at": timezone.localtime(), "oob_version": state["saved"],
    })  # 200 even on a conflict: htmx swaps only successful responses
    return response


@client_required
@require_POST
def debrief_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggestions panel for the form as it stands, saving nothing."""
    meeting = _meeting(request, pk)
    debrief = _debrief(meeting)
    preview, competencies = _preview(request, debrief)
    suggestions = suggestions_for(preview, competencies=competencies)
    return render(request, "debriefs/partials/_suggestions_panel.html",
                  _panel_context(meeting, suggestions, live=True, oob=True))


def _preview(request: HttpRequest, debrief: Debrief):
    """An unsaved copy of the debrief with what the form holds (fields with errors keep
    their saved value), and the competencies cited in the form."""
    form = DebriefForm(request.POST, instance=Debrief.objects.get(pk=debrief.pk))
    form.instance.meeting = debrief.meeting
    form.is_valid()  # fills form.instance from the valid fields only
    return form.instance, cited_competencies(competency_formset(request.POST))


# ---------------------------------------------------------------------------------------
# Accepting and dismissing suggestions
# ---------------------------------------------------------------------------------------


def _find(suggestions, code: str, contact: str):
    key = f"{code}:{contact if contact.isdigit() else ''}"
    return next((s for s in suggestions if s.key == key), None)


@client_required
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    debrief = _debrief(meeting)
    live = "version" in request.POST  # sent from the debrief form, which may be unsaved
    if live:
        preview, competencies = _preview(request, debrief)
    else:
        preview, competencies = debrief, None
    suggestions = suggestions_for(preview, competencies=competencies)
    suggestion = _find(suggestions, request.POST.get("code", ""),
                       request.POST.get("contact", ""))
    follow_up = None
    if suggestion is not None and suggestion.action == FOLLOW_UP:
        follow_up = FollowUp.objects.create(
            owner=request.user, title=suggestion.follow_up_title, due_on=suggestion.due_on,
            contact_id=suggestion.contact_id, meeting=meeting, suggestion_code=suggestion.code,
        )
        suggestions = [s for s in suggestions if s.key != suggestion.key]
    if request.htmx:
        response = render(request, "debriefs/partials/_suggestions_panel.html",
                          _panel_context(meeting, suggestions, live, accepted=follow_up, oob=live))
        return trigger_client_event(response, "followUpsChanged")
    if follow_up:
        messages.success(request, f"Added to your follow-ups: {follow_up.title} "
                                  f"(due {follow_up.due_on:%a %d %b}).")
    else:
        messages.info(request, "That suggestion no longer applies.")
    return redirect(_next_url(request, reverse("debriefs:meeting_detail", args=[meeting.pk])))


@client_required
@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    debrief = _debrief(meeting)
    code = request.POST.get("code", "")
    if code not in CODES:
        raise Http404("No such suggestion.")
    DismissedSuggestion.objects.get_or_create(debrief=debrief, code=code)
    if request.htmx:
        live = "version" in request.POST
        if live:
            preview, competencies = _preview(request, debrief)
        else:
            preview, competencies = debrief, None
        suggestions = suggestions_for(preview, competencies=competencies)
        return render(request, "debriefs/partials/_suggestions_panel.html",
                      _panel_context(meeting, suggestions, live, oob=live))
    messages.info(request, "Suggestion dismissed for this debrief.")
    return redirect(_next_url(request, reverse("debriefs:meeting_detail", args=[meeting.pk])))


@client_required
@require_POST
def network_suggestion_accept(request: HttpRequest) -> HttpResponse:
    suggestions = network_suggestions_for(request.user)
    suggestion = _find(suggestions, request.POST.get("code", ""),
                       request.POST.get("contact", ""))
    if suggestion is None or suggestion.action != FOLLOW_UP:
        messages.info(request, "That suggestion no longer applies.")
    else:
        follow_up = FollowUp.objects.create(
            owner=request.user, title=suggestion.follow_up_title, due_on=suggestion.due_on,
            contact_id=suggestion.contact_id, suggestion_code=suggestion.code,
        )
        messages.success(request, f"Added to your follow-ups: {follow_up.title} "
                                  f"(due {follow_up.due_on:%a %d %b}).")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("home"))
    return redirect("home")


# ---------------------------------------------------------------------------------------
# Referrals from a debrief
# ---------------------------------------------------------------------------------------


@client_required
@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = ReferralForm(request.POST, meeting=meeting)
    added = None
    if form.is_valid():
        added = form.save()
        form = ReferralForm(meeting=meeting)
    if request.htmx:
        response = render(request, "debriefs/debrief_form.html#referrals", {
            "meeting": meeting, "referral_form": form, "added": added,
            "referrals": list(meeting.referrals_obtained.order_by("pk")),
        })  # 200 even with errors: htmx swaps only successful responses
        return trigger_client_event(response, "referralAdded") if added else response
    if added:
        messages.success(request, f"{added.name} added to your contacts at tier {added.tier}, "
                                  f"referred by {meeting.contact.name}.")
        return redirect(reverse("debriefs:debrief_edit", args=[meeting.pk]) + "#referrals")
    debrief = _debrief(meeting)
    return _debrief_page(request, meeting, debrief, referral_form=form, status=422)


# ---------------------------------------------------------------------------------------
# Follow-ups
# ---------------------------------------------------------------------------------------


@client_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = FollowUp.objects.for_user(request.user).select_related("contact", "meeting")
    recently_done = follow_ups.filter(done_at__isnull=False).order_by("-done_at")[:10]
    return render(request, "debriefs/follow_up_list.html", {
        "open": list(follow_ups.open()),
        "recently_done": list(recently_done),
        "form": FollowUpForm(user=request.user),
        "today": timezone.localdate(),
    })


@client_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest) -> HttpResponse:
    meeting = None
    meeting_pk = request.POST.get("meeting") or request.GET.get("meeting") or ""
    if meeting_pk.isdigit():
        meeting = _meeting(request, int(meeting_pk))
    form = FollowUpForm(request.POST or None, user=request.user, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save()
        messages.success(request, f"Follow-up added: {follow_up.title}.")
        default = (reverse("debriefs:meeting_detail", args=[meeting.pk]) if meeting
                   else reverse("debriefs:follow_up_list"))
        return redirect(_next_url(request, default))
    return render(request, "debriefs/follow_up_form.html", {"form": form, "meeting": meeting})


@client_required
@require_POST
def follow_up_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.for_user(request.user).select_related("contact", "meeting"), pk=pk
    )
    if follow_up.is_done:
        follow_up.reopen()
    else:
        follow_up.mark_done()
    if request.htmx:
        response = render(request, "debriefs/partials/_follow_up.html", {
            "follow_up": follow_up, "today": timezone.localdate(),
            "next_url": _next_url(request, reverse("debriefs:follow_up_list")),
        })
        return trigger_client_event(response, "followUpsChanged")
    return redirect(_next_url(request, reverse("debriefs:follow_up_list")))


# ---------------------------------------------------------------------------------------
# The Package and the prep sheet
# ---------------------------------------------------------------------------------------


@client_required
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest) -> HttpResponse:
    package = Package.for_user(request.user)
    form = PackageForm(request.POST or None, instance=package)
    formset = core_competency_formset(request.POST or None, package=package)
    saved = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        package = form.save()
        package.save_competencies(formset)
        saved = True
        if not request.htmx:
            messages.success(request, "Package saved.")
            more_rows = request.POST.get("anchor") == "#competencies"
            return redirect(reverse("debriefs:package") + ("#competencies" if more_rows else ""))
        # Fresh forms: saved rows in order, two empty ones again.
        form = PackageForm(instance=package)
        formset = core_competency_formset(package=package)
    competencies = [f.instance for f in formset.initial_forms]
    context = {
        "package": package, "form": form, "formset": formset, "saved": saved,
        "saved_at": timezone.localtime(), "gaps": package.gaps(competencies),
    }
    if request.htmx:  # 200 even with errors: htmx swaps only successful responses
        return render(request, "debriefs/package.html#package_form", context)
    return render(request, "debriefs/package.html", context,
                  status=422 if request.method == "POST" else 200)


@client_required
@require_GET
def meeting_prep(request: HttpRequest, pk: int) -> HttpResponse:
    """A sheet to read (or print) before the meeting, in a fixed number of queries."""
    meeting = _meeting(request, pk)
    package = Package.for_user(request.user)
    earlier = list(
        Debrief.objects.for_user(request.user)
        .filter(meeting__contact=meeting.contact, is_draft=False,
                meeting__starts_at__lt=meeting.starts_at)
        .select_related("meeting")
        .prefetch_related("competencies", "meeting__referrals_obtained")
        .order_by("-meeting__starts_at")
    )
    for debrief in earlier:
        debrief.meeting.contact = meeting.contact  # the same person, loaded once
    job_interview = runs_as_job_interview(meeting, earlier)
    return render(request, "debriefs/meeting_prep.html", {
        "meeting": meeting,
        "contact": meeting.contact,
        "chain": meeting.contact.referral_chain(),
        "package": package,
        "competencies": list(package.competencies.all()) if package.pk else [],
        "earlier": earlier,
        "lessons": lessons_from(earlier, job_interview=job_interview),
        "job_interview": job_interview,
        "tiara": TIARA_PROMPTS,
    })


# ---------------------------------------------------------------------------------------
# Private calendar feed
# ---------------------------------------------------------------------------------------


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Upcoming meetings and open follow-ups as iCalendar, for any calendar app.

    The secret token in the URL stands in for a login (calendar apps cannot log in); the
    client can reset it from their account page to revoke old links.
    """
    user = get_object_or_404(get_user_model().objects.clients(), calendar_token=token,
                             is_active=True)
    calendar = vobject.iCalendar()
    calendar.add("prodid").value = "-//Debriefs//Meetings and follow-ups//EN"
    calendar.add("x-wr-calname").value = "Debriefs: meetings and follow-ups"
    host = request.get_host()
    since = timezone.now() - datetime.timedelta(days=30)
    meetings = Meeting.objects.for_user(user).planned().filter(starts_at__gte=since)
    for meeting in meetings.select_related("contact").order_by("starts_at"):
        event = calendar.add("vevent")
        event.add("uid").value = f"meeting-{meeting.pk}@{host}"
        # vobject writes UTC times with a "Z" only for dateutil's UTC.
        starts_at = meeting.starts_at.astimezone(tz.UTC)
        event.add("dtstamp").value = meeting.updated_at.astimezone(tz.UTC)
        event.add("dtstart").value = starts_at
        event.add("dtend").value = starts_at + datetime.timedelta(hours=1)
        event.add("summary").value = f"{meeting.get_kind_display()} with {meeting.contact.name}"
        if meeting.location:
            event.add("location").value = meeting.location
        event.add("url").value = request.build_absolute_uri(
            reverse("debriefs:meeting_detail", args=[meeting.pk])
        )
    for follow_up in FollowUp.objects.for_user(user).open().order_by("due_on"):
        event = calendar.add("vevent")
        event.add("uid").value = f"follow-up-{follow_up.pk}@{host}"
        event.add("dtstamp").value = follow_up.created_at.astimezone(tz.UTC)
        event.add("dtstart").value = follow_up.due_on
        event.add("summary").value = f"Follow-up: {follow_up.title}"
    response = HttpResponse(calendar.serialize(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="debriefs.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@client_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    request.user.calendar_token = uuid.uuid4()
    request.user.save(update_fields=["calendar_token"])
    messages.success(request, "Your calendar link is reset: the old one no longer works. "
                              "Subscribe again with the new link.")
    return redirect(reverse("accounts:account") + "#calendar")

