"""Follow-ups: the list, adding one by hand, ticking one off."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.permissions import client_required
from config.page_cache import cached_page

from ..forms import FollowUpForm
from ..models import FollowUp
from .common import meeting_or_404, picked_by_key, safe_next_url

FOLLOW_UPS_PER_PAGE = 50
# What a row (debriefs.templatetags.follow_ups) reads.
ROW_FIELDS = ("title", "due_on", "done_at", "suggestion_code", "meeting", "contact__name")


@client_required
@require_GET
@cached_page
def follow_up_list(request: HttpRequest) -> HttpResponse:
    follow_ups = FollowUp.objects.for_user(request.user)
    shown = FollowUp.objects.select_related("contact").only(*ROW_FIELDS)
    recently_done = picked_by_key(
        follow_ups.filter(done_at__isnull=False).order_by("-done_at", "-pk"), slice(10), shown
    )
    to_do = follow_ups.open().order_by("due_on", "pk")
    page = Paginator(to_do, FOLLOW_UPS_PER_PAGE).get_page(request.GET.get("page"))
    first = (page.number - 1) * FOLLOW_UPS_PER_PAGE
    page.object_list = list(
        picked_by_key(to_do, slice(first, first + FOLLOW_UPS_PER_PAGE), shown)
    )
    return render(request, "debriefs/follow_up_list.html", {
        "open": page,
        "recently_done": list(recently_done),
        "form": FollowUpForm(user=request.user),
        "today": timezone.localdate(),
    })


@client_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest) -> HttpResponse:
    meeting = None
    meeting_pk = request.POST.get("meeting") or request.GET.get("meeting") or ""
    if meeting_pk.isdecimal():
        meeting = meeting_or_404(request, int(meeting_pk))
    form = FollowUpForm(request.POST or None, user=request.user, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save()
        messages.success(request, f"Follow-up added: {follow_up.title}.")
        default = (reverse("debriefs:meeting_detail", args=[meeting.pk]) if meeting
                   else reverse("debriefs:follow_up_list"))
        return redirect(safe_next_url(request, default))
    return render(request, "debriefs/follow_up_form.html", {"form": form, "meeting": meeting})


@client_required
@require_POST
def follow_up_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.for_user(request.user).select_related("contact", "meeting"), pk=pk
    )
    if follow_up.is_done:
        if not follow_up.reopen():
            messages.info(request, "The same step is already open in your follow-ups.")
    else:
        follow_up.mark_done()
    if request.htmx:
        response = render(request, "debriefs/partials/_follow_up.html", {
            "follow_up": follow_up, "today": timezone.localdate(),
            "next_url": safe_next_url(request, reverse("debriefs:follow_up_list")),
        })
        return trigger_client_event(response, "followUpsChanged")
    return redirect(safe_next_url(request, reverse("debriefs:follow_up_list")))
