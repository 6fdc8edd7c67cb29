"""The client's home page: what is due, what the network needs next."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import client_required
from config.compiled import as_user, compiled_counts, compiled_objects
from config.page_cache import cached_page
from contacts.models import ContactTally

from ..models import Debrief, DismissedSuggestion, FollowUp, Meeting
from ..progress import (
    ROLLING_MEETINGS,
    activity_chart,
    network_chart,
    reading,
    table_rows,
    weekly_progress,
)
from ..suggestions import FOLLOW_UP, network_facts, network_suggestions_for, suggest_for_network
from .common import (
    SUGGESTIONS_MORE,
    SUGGESTIONS_SHOWN,
    find_suggestion,
    picked_first,
)

# Each group of follow-ups under "Due now" shows this many; the rest are one link away.
FOLLOW_UPS_SHOWN = 10


class FirstFollowUps(list):
    """The first follow-ups of a group, and how many more there are."""

    more: int = 0


# The home page's lists, one build each: compiled once per process (config/compiled.py)
# and run with each request's values, so they take their inputs as arguments.


def _follow_up_group(owner: int, today: datetime.date, soon_until: datetime.date, *,
                     group: str):
    follow_ups = FollowUp.objects.for_user(as_user(owner)).select_related("contact", "meeting")
    if group == "overdue":
        return follow_ups.overdue(today)
    if group == "due_today":
        return follow_ups.due_today(today)
    return follow_ups.due_soon(today, until=soon_until)


def _first_follow_ups(owner: int, today: datetime.date, soon_until: datetime.date, *,
                      group: str):
    return picked_first(_follow_up_group(owner, today, soon_until, group=group),
                        slice(FOLLOW_UPS_SHOWN))


def _upcoming(owner: int, now: datetime.datetime):
    return picked_first(Meeting.objects.for_user(as_user(owner)).upcoming(now)
                        .select_related("contact").order_by("starts_at", "pk"), slice(5))


def _awaiting_debrief(owner: int, now: datetime.datetime):
    return picked_first(Meeting.objects.for_user(as_user(owner)).awaiting_debrief(now)
                        .select_related("contact", "debrief").order_by("-starts_at", "-pk"),
                        slice(5))


def _recent_debriefs(owner: int):
    return picked_first(Debrief.objects.for_user(as_user(owner)).filter(is_draft=False)
                        .select_related("meeting__contact").order_by("-meeting__starts_at", "-pk"),
                        slice(5))


FOLLOW_UP_GROUPS = ("overdue", "due_today", "due_soon")


def _due_now(inputs: dict) -> dict[str, FirstFollowUps]:
    """The first `FOLLOW_UPS_SHOWN` of each group, and, when one is full, how many more
    (one lean COUNT for the three)."""
    shown = {group: FirstFollowUps(compiled_objects(_first_follow_ups, {"group": group},
                                                    **inputs))
             for group in FOLLOW_UP_GROUPS}
    if any(len(rows) == FOLLOW_UPS_SHOWN for rows in shown.values()):
        groups = {group: (_follow_up_group, {"group": group}) for group in FOLLOW_UP_GROUPS}
        for group, count in compiled_counts(groups, **inputs).items():
            shown[group].more = count - len(shown[group])
    return shown


def _network_figures(user) -> tuple[dict, dict[int, int]]:
    """The figures above the home page, and the number of contacts in each tier: from the
    counts the triggers keep (a few rows whatever the size of the network) and the
    meetings' (owner, status) index."""
    tiers, network = {}, {"total": 0, "highest_tier": None, "named_at_meetings": 0}
    for tier, count, named in ContactTally.objects.filter(owner=user, count__gt=0) \
            .values_list("tier", "count", "named"):
        tiers[tier] = tiers.get(tier, 0) + count
        network["total"] += count
        network["named_at_meetings"] += named
    network["highest_tier"] = max(tiers, default=None)
    held = Meeting.objects.for_user(user).held().count()
    network["held"] = held
    network["per_meeting"] = f"{network['named_at_meetings'] / held:.1f}" if held else "–"
    return network, tiers


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_coach:
        return redirect("coach:home")
    user, today = request.user, timezone.localdate()
    inputs = {"owner": user.pk, "today": today, "now": timezone.now(),
              "soon_until": today + datetime.timedelta(days=7)}
    network, tiers = _network_figures(user)
    # Only the steps shown are built; the count covers them all.
    facts = network_facts(user, today, limit=SUGGESTIONS_SHOWN + SUGGESTIONS_MORE)
    suggestions = suggest_for_network(facts)
    weeks = weekly_progress(user, today, tier_totals=tiers)
    context = {
        "progress_weeks": weeks,
        "progress_reading": reading(weeks),
        "progress_table_rows": table_rows(weeks),
        "network_chart": network_chart(weeks),
        "activity_chart": activity_chart(weeks),
        "rolling_meetings": ROLLING_MEETINGS,
        **_due_now(inputs),
        "upcoming": compiled_objects(_upcoming, **inputs),
        "awaiting_debrief": compiled_objects(_awaiting_debrief, **inputs),
        "recent_debriefs": compiled_objects(_recent_debriefs, **inputs),
        "network": network,
        "suggestions": suggestions[:SUGGESTIONS_SHOWN],
        "more_suggestions": suggestions[SUGGESTIONS_SHOWN:SUGGESTIONS_SHOWN + SUGGESTIONS_MORE],
        "suggestion_count": facts.step_count,
        "suggestion_count_is_floor": facts.step_count_reached_cap,
        "today": today,
    }
    return render(request, "home.html", context)


def _posted_step(request: HttpRequest):
    """The network step a posted form names, among the steps concerning its person (or,
    with none, the most pressing ones), or None if it no longer applies."""
    contact = request.POST.get("contact", "")
    if contact.isdecimal():
        suggestions = network_suggestions_for(request.user, contact_id=int(contact))
    else:
        suggestions = network_suggestions_for(request.user,
                                              limit=SUGGESTIONS_SHOWN + SUGGESTIONS_MORE)
    return find_suggestion(suggestions, request.POST)


@client_required
@require_POST
def network_suggestion_accept(request: HttpRequest) -> HttpResponse:
    suggestion = _posted_step(request)
    if suggestion is None or suggestion.action != FOLLOW_UP:
        messages.info(request, "That suggestion no longer applies.")
    else:
        follow_up = FollowUp(
            owner=request.user, title=suggestion.follow_up_title, due_on=suggestion.due_on,
            contact_id=suggestion.contact_id, meeting_id=suggestion.meeting_id,
            suggestion_code=suggestion.code,
        ).save_once()
        messages.success(request, f"Added to your follow-ups: {follow_up.title} "
                                  f"(due {follow_up.due_on:%a %d %b}).")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("home"))
    return redirect("home")


@client_required
@require_POST
def network_suggestion_dismiss(request: HttpRequest) -> HttpResponse:
    """Hide a step of the home page for good (for "keep in touch": stop it)."""
    suggestion = _posted_step(request)
    if suggestion is None:
        messages.info(request, "That suggestion no longer applies.")
    else:
        code, contact_id, meeting_id = suggestion.step
        DismissedSuggestion.objects.get_or_create(
            owner=request.user, debrief=None, code=code, contact_id=contact_id,
            meeting_id=meeting_id,
        )
        messages.info(request, f"Dismissed: {suggestion.title}.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("home"))
    return redirect("home")
