"""The coach's workspace: clients with figures, the review queue, review pages.

A coach reads but never writes client data. Every lookup starts from the coach:
`request.user.clients` for people, `shared_debriefs(coach)` for debriefs, so another
coach's client, a private debrief or a draft is a 404 here.
"""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import one_line
from accounts.models import User
from accounts.permissions import coach_required
from config.compiled import as_user, compiled_objects, compiled_rows
from config.page_cache import cached_page
from contacts.views import tiers_board_context

from ..coaching import (
    client_rows,
    contacts_visible_to_coach,
    queue_items,
    ranked_clients,
    set_referral_rate,
    waiting_for_review,
    with_coaching_figures,
)
from ..flags import flags_for
from ..models import Comment, CompetencyCited, Debrief, DebriefView, first_of_review_queue
from ..progress import SPARK_WEEKS, client_sparklines, clients_needing_attention
from ..suggestions import suggestions_for
from .comments import build_thread
from .common import shared_debriefs

CLIENTS_PER_PAGE = 50
QUEUE_SHOWN = 20
DEBRIEFS_PER_PAGE = 25
ATTENTION_SHOWN = 20
# The queue is counted up to this many ("1000+ to review"): past it the figure would cost
# a read of every waiting debrief of the caseload for nothing the coach acts on.
QUEUE_COUNT_CAP = 1000


@coach_required
@require_GET
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    coach = request.user
    query = one_line(request.GET.get("q", ""))
    clients = coach.clients.all()
    if query:
        clients = clients.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    paginator = Paginator(ranked_clients(coach, clients if query else None), CLIENTS_PER_PAGE)
    paginator.count = clients.count()  # counting needs no ranking
    page = paginator.get_page(request.GET.get("page"))
    # The figures, for the clients shown only (compiled once per process).
    shown = list(page.object_list)
    now = timezone.now()
    inputs = {"coach": coach.pk, "clients": shown, "now": now,
              "month_ago": now - datetime.timedelta(days=30)}
    figures = {client.pk: client for client in compiled_objects(_figures_of, **inputs)}
    page.object_list = [figures[pk] for pk in shown]
    sparklines = client_sparklines(coach, shown)
    for client in page.object_list:
        set_referral_rate(client)
        client.sparkline = sparklines[client.pk]

    # The first few by the stored flag count; the flags themselves for those only.
    first = first_of_review_queue(
        compiled_rows(_queue_heads, {"count": QUEUE_SHOWN + 1}, coach=coach.pk), QUEUE_SHOWN + 1)
    shown_debriefs = {debrief.pk: debrief
                      for debrief in compiled_objects(_queue_debriefs, coach=coach.pk, ids=first)}
    queue_page = [shown_debriefs[pk] for pk in first]
    queue_total = (
        len(queue_page) if len(queue_page) <= QUEUE_SHOWN else _queue_total(coach)
    )
    for debrief in queue_page:
        debrief.flags = flags_for(debrief)

    attention, more_need_attention = clients_needing_attention(coach, limit=ATTENTION_SHOWN)
    return render(
        request,
        "coach/home.html",
        {
            "page": page,
            "client_rows": client_rows(page.object_list, SPARK_WEEKS),
            "query": query,
            "queue": queue_page[:QUEUE_SHOWN],
            "queue_items": queue_items(queue_page[:QUEUE_SHOWN]),
            "queue_total": queue_total,
            "queue_total_is_floor": queue_total >= QUEUE_COUNT_CAP,
            "replies": _new_replies(coach),
            "open_invitations": coach.invitations.open().count(),
            "attention": attention,
            "more_need_attention": more_need_attention,
            "spark_weeks": SPARK_WEEKS,
        },
    )


# The coach home's figures and queue rows, compiled once per process (config/compiled.py):
# the builds take their inputs as arguments.


def _figures_of(coach: int, clients: list[int], now: datetime.datetime,
                month_ago: datetime.datetime):
    return with_coaching_figures(
        User.objects.filter(coach=coach, pk__in=clients).order_by(), now, month_ago)


def _queue_debriefs(coach: int, ids: list[int]):
    return shared_debriefs(as_user(coach, role=User.Role.COACH)).with_flags().filter(pk__in=ids)


def _new_replies(coach) -> list[Debrief]:
    """The (up to ten) shared debriefs with a reply the coach has not read, latest first.

    Found from the unread comments (their partial index): a join of every shared debrief
    to its comments would grow with the whole caseload's history."""
    unread = Comment.objects.unread_by(coach).filter(
        debrief__in=Debrief.objects.shared_with_coach(coach))
    with_news = set(unread.values_list("debrief", flat=True))
    if not with_news:
        return []
    return list(
        shared_debriefs(coach)
        .filter(pk__in=with_news)
        .annotate(
            unread_count=Count(
                "comments",
                filter=Q(comments__read_by_recipient_at__isnull=True) & ~Q(comments__author=coach),
            ),
            last_comment_at=Max("comments__created_at"),
        )
        .filter(unread_count__gt=0)
        .order_by("-last_comment_at")[:10]
    )


@coach_required
@require_GET
@cached_page
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    client = get_object_or_404(with_coaching_figures(coach.clients.all()), pk=pk)
    # A page at a time: picked on the debriefs' own table, the flags and comment counts
    # for the rows shown only.
    listed = Debrief.objects.shared_with_coach(coach).filter(owner=client)
    ordered = listed.order_by("-meeting__starts_at", "-pk")
    page = Paginator(ordered, DEBRIEFS_PER_PAGE).get_page(request.GET.get("page"))
    first = (page.number - 1) * DEBRIEFS_PER_PAGE
    debriefs = list(
        shared_debriefs(coach)
        .filter(pk__in=ordered.values("pk")[first:first + DEBRIEFS_PER_PAGE])
        .with_flags()
        .annotate(comment_count=Count("comments"))
        .order_by("-meeting__starts_at", "-pk")
    )
    for debrief in debriefs:
        debrief.flags = flags_for(debrief)
    page.object_list = debriefs
    return render(request, "coach/client_detail.html",
                  {"client": client, "debriefs": debriefs, "page": page})


@coach_required
@require_GET
@cached_page
def client_tiers(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(with_coaching_figures(request.user.clients.all()), pk=pk)
    # Nobody learnt at a private meeting is on the coach's board, and the figures come
    # from the coach's own (which leave out private meetings), so both pages agree.
    opened = request.GET.get("open", "")
    # `?open=` is looked up among the contacts the coach may see only.
    open_pk = int(opened) if opened.isdecimal() and len(opened) < 19 else None
    context = tiers_board_context(client, contacts_visible_to_coach(client), open_pk) | {
        "client": client, "read_only": True,
    }
    context["figures"] = context["figures"] | {
        "held": client.meetings_held,
        "referrals_at_meetings": client.referrals_obtained,
        "referrals_per_meeting": client.referrals_per_meeting,
    }
    return render(request, "coach/client_tiers.html", context)


@coach_required
@require_GET
@cached_page
def review(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    [debrief] = compiled_objects(_reviewable_one, coach=coach.pk, pk=pk) or [None]
    if debrief is None:
        raise Http404("No such debrief among those shared with you.")
    DebriefView.record(debrief, coach)
    next_pk = next(iter(first_of_review_queue(
        compiled_rows(_queue_heads_besides, coach=coach.pk, pk=pk), 1)), None)
    competencies = list(CompetencyCited.objects.filter(debrief=debrief))
    context = {
        "debrief": debrief,
        "meeting": debrief.meeting,
        "client": debrief.owner,
        "flags": flags_for(debrief),
        "suggestions": _suggestions(debrief, competencies),
        "competencies": competencies,
        "questions_asked": list(debrief.questions_asked.all()),
        "thread": build_thread(debrief, coach),
        "next_pk": next_pk,
        "queue_total": (queue_total := _queue_total(coach)),
        "queue_total_is_floor": queue_total >= QUEUE_COUNT_CAP,
    }
    return render(request, "coach/review.html", context)


def _queue_total(coach) -> int:
    """How many debriefs wait for the coach's review, counted up to `QUEUE_COUNT_CAP`."""
    return waiting_for_review(coach, QUEUE_COUNT_CAP)


def _reviewable_one(coach: int, pk: int):
    return _reviewable(as_user(coach, role=User.Role.COACH)).filter(pk=pk)


def _queue_heads(coach: int, *, count: int):
    return (Debrief.objects.shared_with_coach(as_user(coach, role=User.Role.COACH))
            .review_queue_heads(count))


def _queue_heads_besides(coach: int, pk: int):
    """The head of the coach's review queue, but for the debrief `pk` (the next one)."""
    return (Debrief.objects.shared_with_coach(as_user(coach, role=User.Role.COACH))
            .exclude(pk=pk).review_queue_heads(1))


def _reviewable(coach):
    """`shared_debriefs(coach)` with the flags and what the review page shows, but not
    the meeting's owner: it is the debrief's (see `_with_meeting_owner`), and each join
    less makes the statement quicker to build and to plan."""
    return (
        Debrief.objects.shared_with_coach(coach).with_flags()
        .select_related("owner", "meeting__contact__referred_by", "reviewed_by",
                        "stump_speech_version")
    )


def _with_meeting_owner(debrief: Debrief) -> Debrief:
    """The debrief, its meeting's owner set from the debrief's own (already loaded)."""
    meeting = debrief.meeting
    if meeting.owner_id == debrief.owner_id:
        meeting.owner = debrief.owner
    return debrief


def _suggestions(debrief: Debrief, competencies: list[CompetencyCited]) -> list:
    """The engine's suggestions for the debrief, as the client sees them (read-only here),
    from the competencies the page loaded already."""
    # "Talk it over with your coach" is addressed to the coach reading this: the flags
    # already say why.
    suggestions = suggestions_for(
        _with_meeting_owner(debrief),
        competencies=[(c.name, c.gave_example) for c in competencies],
        for_coach=True,
    )
    return [s for s in suggestions if s.code != "review-with-coach"]


@coach_required
@require_POST
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    debrief = get_object_or_404(shared_debriefs(coach), pk=pk)
    if debrief.reviewed_at is None:
        debrief.mark_reviewed(by=coach)
        messages.success(request, f"Marked reviewed: {debrief.owner.display_name}'s debrief.")
    next_pk = next(iter(Debrief.objects.shared_with_coach(coach).first_in_review_queue()), None)
    if next_pk is None:
        messages.info(request, "Your review queue is empty.")
        return redirect("coach:home")
    return redirect("coach:review", pk=next_pk)
