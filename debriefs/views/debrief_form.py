"""The debrief form: editing, autosave with a version check, the live suggestions panel,
accepting or dismissing a suggestion, and adding a referral without leaving the form."""

import copy

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.models import DataVersion
from accounts.permissions import client_required
from config.compiled import as_user, compiled_objects
from config.page_cache import cached_page

from ..forms import (
    DebriefForm,
    ReferralForm,
    SuggestionInputsForm,
    cited_competencies,
    competency_formset,
)
from ..models import Debrief, DismissedSuggestion, FollowUp, Meeting, Package, with_name
from ..suggestions import CODES, FOLLOW_UP, suggestions_for
from ..suggestions.debrief_rules import FIELDS_READ
from ..suggestions.loading import kept_around
from .common import SUGGESTIONS_SHOWN, find_suggestion, meeting_or_404, safe_next_url

# The free-text fields shown side by side when two tabs saved different versions.
CONFLICT_TEXTS = ["notes", "industry_questions", "learnt", "referral_names"]


def _debrief(meeting: Meeting) -> Debrief:
    debrief = Debrief.objects.start_for(meeting)
    debrief.meeting = meeting  # keep the loaded contact and referrer
    return debrief


def _one_meeting_with_debrief(owner: int, pk: int, *, for_autosave: bool = False):
    # Autosave shows no suggestion: the referrer and the network version (which keys what
    # the suggestions read, debrief_context) are not read. The owner is the user signed
    # in, set by `_meeting_with_debrief` rather than joined.
    meetings = Meeting.objects.for_user(as_user(owner)).filter(pk=pk)
    if for_autosave:
        return meetings.select_related("contact", "debrief")
    return meetings.select_related("contact__referred_by", "debrief").annotate(
        network_version=Subquery(DataVersion.objects.filter(user=OuterRef("owner"))
                                 .values("network_version")))


def _meeting_with_debrief(request: HttpRequest, pk: int, for_autosave: bool = False) -> Meeting:
    """`meeting_or_404` with the meeting's debrief joined in the same query (the form,
    the live panel and autosave run on every pause in typing); `_started` then reads it
    without another query. Compiled once per process (config/compiled.py)."""
    found = compiled_objects(_one_meeting_with_debrief, {"for_autosave": for_autosave},
                             owner=request.user.pk, pk=pk)
    if not found:
        raise Http404("No such meeting among yours.")
    meeting = found[0]
    meeting.owner = request.user  # the meeting is theirs: for_user above
    return meeting


def _wrote(meeting: Meeting) -> None:
    """This request wrote around the meeting: the network version read with it is older
    than that write, so nothing kept under it (`kept_around`) may be shown now."""
    meeting.network_version = None


def _started(meeting: Meeting) -> Debrief:
    """The debrief loaded by `_meeting_with_debrief`, or `_debrief` for its first opening."""
    try:
        debrief = meeting.debrief
    except Debrief.DoesNotExist:
        return _debrief(meeting)
    debrief.meeting = meeting
    return debrief


def _debrief_page(request, meeting, debrief, form=None, formset=None, referral_form=None,
                  conflict=None, status=200) -> HttpResponse:
    if form is None:
        initial = {}
        if not debrief.is_started and debrief.stump_speech_version_id is None:
            # A new debrief: the speech given was most likely the one saved now.
            initial["stump_speech_version"] = Package.for_user(request.user
                                                               ).current_speech_version()
        form = DebriefForm(instance=debrief, initial=initial)
    formset = formset or competency_formset(debrief=debrief)
    if formset.is_bound:
        competencies = cited_competencies(formset)
    else:  # the saved ones, read for the rows already
        competencies = [(row["name"], row["gave_example"]) for row in formset.initial]
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
        "suggestion_fields": " ".join(FIELDS_READ),
        **_panel_context(meeting, suggestions, live=True),
    }, status=status)


def _open_follow_ups_of(owner: int, meeting: int):
    return FollowUp.objects.for_user(as_user(owner)).filter(meeting=meeting).open()


def _panel_context(meeting, suggestions, live: bool, accepted=None, oob=False) -> dict:
    return {
        "oob_count": oob,
        "meeting": meeting,
        "suggestions": suggestions[:SUGGESTIONS_SHOWN],
        "more_suggestions": suggestions[SUGGESTIONS_SHOWN:],
        "suggestion_count": len(suggestions),
        "live": live,
        "accepted": accepted,
        "panel_follow_ups": kept_around(
            meeting, lambda: compiled_objects(_open_follow_ups_of, owner=meeting.owner_id,
                                              meeting=meeting.pk), "open follow-ups"),
    }


@client_required
@require_http_methods(["GET", "POST"])
@cached_page
def debrief_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_with_debrief(request, pk)
    if meeting.status == Meeting.Status.CANCELLED or not meeting.has_started:
        messages.info(request, "You can write the debrief once the meeting has taken place.")
        return redirect("debriefs:meeting_detail", pk=meeting.pk)
    debrief = _started(meeting)
    if request.method == "GET":
        return _debrief_page(request, meeting, debrief)
    form = DebriefForm(request.POST, instance=debrief)
    formset = competency_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        debrief = form.save(commit=False)
        debrief.is_draft = "save_draft" in request.POST
        if debrief.save_if_current(form.cleaned_data["version"],
                                   competencies=cited_competencies(formset),
                                   questions=form.cleaned_data["questions_asked"]):
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
    meeting = _meeting_with_debrief(request, pk, for_autosave=True)
    debrief = _started(meeting)
    flags_read = debrief.flag_inputs()
    form = DebriefForm(request.POST, instance=debrief)
    formset = competency_formset(request.POST)
    state = {"saved": False, "conflict": False, "invalid": False}
    if form.is_valid() and formset.is_valid():
        debrief = form.save(commit=False)
        if debrief.save_if_current(form.cleaned_data["version"],
                                   competencies=cited_competencies(formset),
                                   questions=form.cleaned_data["questions_asked"],
                                   flag_inputs_before=flags_read):
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
    meeting = _meeting_with_debrief(request, pk)
    debrief = _started(meeting)
    preview, competencies = _preview(request, debrief)
    suggestions = suggestions_for(preview, competencies=competencies)
    return render(request, "debriefs/partials/_suggestions_panel.html",
                  _panel_context(meeting, suggestions, live=True, oob=True))


def _preview(request: HttpRequest, debrief: Debrief):
    """An unsaved copy of the debrief with what the form holds (fields with errors keep
    their saved value), and the competencies cited in the form."""
    # A copy of the debrief just read (its saved state), so that `debrief` stays as saved;
    # only the fields the suggestions read.
    form = SuggestionInputsForm(request.POST, instance=copy.copy(debrief))
    form.instance.meeting = debrief.meeting
    form.is_valid()  # fills form.instance from the valid fields only
    return form.instance, cited_competencies(competency_formset(request.POST))


@client_required
@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_with_debrief(request, pk)
    debrief = _started(meeting)
    live = "version" in request.POST  # sent from the debrief form, which may be unsaved
    if live:
        preview, competencies = _preview(request, debrief)
    else:
        preview, competencies = debrief, None
    suggestions = suggestions_for(preview, competencies=competencies)
    suggestion = find_suggestion(suggestions, request.POST, meeting.pk)
    follow_up = None
    if suggestion is not None and suggestion.action == FOLLOW_UP:
        follow_up = FollowUp(
            owner=request.user, title=suggestion.follow_up_title, due_on=suggestion.due_on,
            contact_id=suggestion.contact_id, meeting=meeting, suggestion_code=suggestion.code,
        ).save_once()
        _wrote(meeting)
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
    return redirect(safe_next_url(request, reverse("debriefs:meeting_detail", args=[meeting.pk])))


@client_required
@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_with_debrief(request, pk)
    debrief = _started(meeting)
    code = request.POST.get("code", "")
    if code not in CODES:
        raise Http404("No such suggestion.")
    DismissedSuggestion.objects.get_or_create(
        debrief=debrief, code=code, defaults={"owner": request.user}
    )
    _wrote(meeting)
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
    return redirect(safe_next_url(request, reverse("debriefs:meeting_detail", args=[meeting.pk])))


@client_required
@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    form = ReferralForm(request.POST, meeting=meeting)
    # A double submit arriving after the first one was saved fails the "already a
    # referral" check: it is that referral, already added.
    added = form.save() if form.is_valid() else form.already_added()
    names_field = None
    if added:
        form = ReferralForm(meeting=meeting)
        debrief = _debrief(meeting)
        debrief.note_referral_name(added.name)
        # The form on the page may hold names typed but not saved yet: keep them.
        typed = request.POST.get("referral_names")
        names = with_name(typed, added.name) if typed is not None else debrief.referral_names
        names_field = DebriefForm(instance=debrief, initial={"referral_names": names})[
            "referral_names"
        ].as_widget(attrs={"hx-swap-oob": "true"})
    if request.htmx:
        response = render(request, "debriefs/debrief_form.html#referrals", {
            "meeting": meeting, "referral_form": form, "added": added,
            "referrals": list(meeting.referrals_obtained.order_by("pk")),
            "names_field": names_field,
        })  # 200 even with errors: htmx swaps only successful responses
        return trigger_client_event(response, "referralAdded") if added else response
    if added:
        messages.success(request, f"{added.name} added to your contacts at tier {added.tier}, "
                                  f"referred by {meeting.contact.name}.")
        return redirect(reverse("debriefs:debrief_edit", args=[meeting.pk]) + "#referrals")
    debrief = _debrief(meeting)
    return _debrief_page(request, meeting, debrief, referral_form=form, status=422)
