"""The Package (stump speech, competencies, question bank) and a meeting's prep sheet."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import client_required
from config.page_cache import cached_page

from ..forms import PackageForm, core_competency_formset
from ..models import Debrief, Package, StumpSpeechVersion
from ..suggestions import TIARA_PROMPTS, lessons_from, runs_as_job_interview
from .common import meeting_or_404


@client_required
@require_http_methods(["GET", "POST"])
def package_edit(request: HttpRequest) -> HttpResponse:
    package = Package.for_user(request.user)
    form = PackageForm(request.POST or None, instance=package)
    formset = core_competency_formset(request.POST or None, package=package)
    saved = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        # Not form.save(): two first saves at once (a double click) make one Package.
        package, _ = Package.objects.update_or_create(owner=request.user,
                                                      defaults=form.cleaned_data)
        package.keep_speech_version()
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
    package.note_competency_usage(competencies)
    context = {
        "package": package, "form": form, "formset": formset, "saved": saved,
        "saved_at": timezone.localtime(), "gaps": package.gaps(competencies),
        "earlier_versions": _earlier_versions(package),
    }
    if request.htmx:  # 200 even with errors: htmx swaps only successful responses
        return render(request, "debriefs/package.html#package_form", context)
    return render(request, "debriefs/package.html", context,
                  status=422 if request.method == "POST" else 200)


def _earlier_versions(package: Package) -> list[StumpSpeechVersion]:
    """The versions before the stump speech as it is now, newest first; each knows
    whether it holds the same text as now (after a restore)."""
    if not package.pk:
        return []
    versions = package.speech_versions()
    if versions and versions[0].parts == package.speech_parts:
        versions = versions[1:]
    for version in versions:
        version.is_current_text = version.parts == package.speech_parts
    return versions


@client_required
@require_POST
def speech_version_restore(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(StumpSpeechVersion.objects.for_user(request.user), pk=pk)
    package = Package.for_user(request.user)
    package.restore_speech(version)
    messages.success(request, f"Restored your stump speech of "
                              f"{timezone.localtime(version.saved_at):%-d %b %Y, %H:%M}. "
                              f"The text it replaced is kept under earlier versions.")
    return redirect(reverse("debriefs:package") + "#stump-speech")


@client_required
@require_GET
@cached_page
def meeting_prep(request: HttpRequest, pk: int) -> HttpResponse:
    """A sheet to read (or print) before the meeting, in a fixed number of queries."""
    meeting = meeting_or_404(request, pk)
    package = Package.for_user(request.user)
    earlier = list(
        Debrief.objects.for_user(request.user)
        .filter(meeting__contact=meeting.contact, is_draft=False,
                meeting__starts_at__lt=meeting.starts_at)
        .select_related("meeting")
        .prefetch_related("competencies", "meeting__referrals_obtained", "questions_asked")
        .order_by("-meeting__starts_at")
    )
    for debrief in earlier:
        debrief.meeting.contact = meeting.contact  # the same person, loaded once
    job_interview = runs_as_job_interview(meeting, earlier)
    questions, asked_before, asked_on = package.questions_left_out(earlier)
    return render(request, "debriefs/meeting_prep.html", {
        "questions": questions,
        "asked_before": asked_before,
        "asked_on": asked_on,
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
