"""The coach's workspace: clients with figures, the review queue, review pages, comments.

A coach reads but never writes client data. Every lookup starts from the coach:
`request.user.clients` for people, `Debrief.objects.shared_with_coach(coach)` for debriefs,
so another coach's client, a private debrief or a draft is a 404 here. The comment thread
is the one place both sides write; its views serve the client too.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.permissions import client_required, coach_required

from .coach_forms import CommentForm
from .flags import flags_for
from .models import Comment, CompetencyCited, Debrief, DebriefView

CLIENTS_PER_PAGE = 50
QUEUE_SHOWN = 20


def _shared(coach):
    return Debrief.objects.shared_with_coach(coach).select_related(
        "owner", "meeting__contact__referred_by", "meeting__owner"
    )


# The thread: one partial for both sides (templates/debriefs/partials/_coach_thread.html)


@dataclass
class Thread:
    debrief: Debrief
    viewer_is_coach: bool
    comments: list = field(default_factory=list)
    form: CommentForm | None = None
    closed_reason: str = ""  # why nobody can comment (private, draft, no coach)
    last_view: DebriefView | None = None
    view_count: int = 0

    @property
    def post_url(self) -> str:
        return reverse("coach:comment", args=[self.debrief.pk])


def thread_closed_reason(debrief: Debrief) -> str:
    """Why this debrief has no conversation with a coach, or "" when it has one."""
    if debrief.owner.coach_id is None:
        return "You have no coach linked, so there is no one to comment on this debrief."
    if debrief.is_private:
        return "This debrief is private: your coach cannot see it or comment on it."
    if debrief.is_draft:
        return "Your coach sees this debrief once you save it (it is a draft for now)."
    return ""


def build_thread(debrief: Debrief, viewer, form: CommentForm | None = None) -> Thread:
    """The comments as `viewer` sees them; the ones new to them are marked read.

    Showing the thread to its recipient is what reading it means: this is the only place
    comments become read (the nav count goes down).
    """
    viewer_is_coach = viewer.is_coach
    comments = debrief.comments.select_related("author")
    if viewer_is_coach:
        # A former coach's comments stay between them and the client.
        comments = comments.between(viewer, debrief.owner)
    comments = list(comments)
    for comment in comments:
        comment.is_new = comment.author_id != viewer.pk and comment.read_by_recipient_at is None
    if any(comment.is_new for comment in comments):
        debrief.comments.mark_read_by(viewer)
    thread = Thread(debrief=debrief, viewer_is_coach=viewer_is_coach, comments=comments)
    thread.closed_reason = "" if viewer_is_coach else thread_closed_reason(debrief)
    if not thread.closed_reason:
        thread.form = form or CommentForm()
    if not viewer_is_coach:
        views = DebriefView.objects.filter(debrief=debrief).select_related("coach")
        thread.view_count = views.count()
        thread.last_view = views.first() if thread.view_count else None
    return thread


def _thread_debrief(user, pk: int) -> Debrief:
    """The debrief whose thread `user` may write in: their own, or a client's shared one."""
    if user.is_coach:
        return get_object_or_404(_shared(user), pk=pk)
    debrief = get_object_or_404(
        Debrief.objects.for_user(user).select_related("owner", "meeting__contact"), pk=pk
    )
    reason = thread_closed_reason(debrief)
    if reason:
        raise PermissionDenied(reason)
    return debrief


def _thread_page_url(user, debrief: Debrief) -> str:
    if user.is_coach:
        return reverse("coach:review", args=[debrief.pk]) + "#thread"
    return reverse("debriefs:meeting_detail", args=[debrief.meeting_id]) + "#thread"


@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment (coach or client). GET shows the thread on its own (no-JS errors)."""
    debrief = _thread_debrief(request.user, pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Comment.objects.create(debrief=debrief, author=request.user, body=form.cleaned_data["body"])
        if request.htmx:
            thread = build_thread(debrief, request.user)
            response = render(request, "debriefs/partials/_coach_thread.html", {"thread": thread})
            return trigger_client_event(response, "commentAdded")
        messages.success(request, "Comment added.")
        return redirect(_thread_page_url(request.user, debrief))
    thread = build_thread(debrief, request.user, form=form)
    if request.htmx:
        return render(request, "debriefs/partials/_coach_thread.html", {"thread": thread})
    return render(
        request,
        "coach/thread.html",
        {"thread": thread, "debrief": debrief, "back_url": _thread_page_url(request.user, debrief)},
    )


@client_required
@require_GET
def conversations(request: HttpRequest) -> HttpResponse:
    """The client's debriefs that have comments, the ones with new comments first."""
    debriefs = (
        Debrief.objects.for_user(request.user)
        .annotate(
            comment_count=Count("comments"),
            unread_count=Count(
                "comments",
                filter=Q(comments__read_by_recipient_at__isnull=True)
                & ~Q(comments__author=request.user),
            ),
            last_comment_at=Max("comments__created_at"),
        )
        .filter(comment_count__gt=0)
        .select_related("meeting__contact")
        .order_by("-unread_count", "-last_comment_at")
    )
    return render(request, "coach/conversations.html", {"debriefs": debriefs})


# The coach's pages


@coach_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    coach = request.user
    query = request.GET.get("q", "").strip()
    clients = coach.clients.with_coaching_figures()
    if query:
        clients = clients.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    clients = clients.order_by("-open_flags", "-awaiting_review", "first_name", "last_name", "pk")
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))

    queue = _shared(coach).review_queue()
    queue_page = list(queue[: QUEUE_SHOWN + 1])
    queue_total = (
        len(queue_page) if len(queue_page) <= QUEUE_SHOWN
        else Debrief.objects.shared_with_coach(coach).awaiting_review().count()
    )
    for debrief in queue_page:
        debrief.flags = flags_for(debrief)

    unread_reply = Comment.objects.filter(debrief=OuterRef("pk")).unread_by(coach)
    replies = (
        _shared(coach)
        .filter(Exists(unread_reply))  # narrow first: most debriefs have nothing new
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
    return render(
        request,
        "coach/home.html",
        {
            "page": page,
            "query": query,
            "queue": queue_page[:QUEUE_SHOWN],
            "queue_total": queue_total,
            "replies": replies,
            "open_invitations": coach.invitations.open().count(),
        },
    )


@coach_required
@require_GET
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    client = get_object_or_404(coach.clients.with_coaching_figures(), pk=pk)
    debriefs = list(
        _shared(coach)
        .filter(owner=client)
        .with_flags()
        .annotate(comment_count=Count("comments"))
        .order_by("-meeting__starts_at")
    )
    for debrief in debriefs:
        debrief.flags = flags_for(debrief)
    return render(request, "coach/client_detail.html", {"client": client, "debriefs": debriefs})


@coach_required
@require_GET
def client_tiers(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(request.user.clients.with_coaching_figures(), pk=pk)
    context = {"client": client, "board_available": False}
    try:
        from contacts.views import tiers_board_context
    except ImportError:  # the tiers board is not built yet
        pass
    else:
        context |= tiers_board_context(client)
        context |= {"client": client, "board_available": True, "read_only": True}
        # The board counts every held meeting; the coach's figures leave out the meetings
        # whose debrief is private, so both pages agree and nothing private is counted.
        context["figures"] = context["figures"] | {
            "held": client.meetings_held,
            "referrals_at_meetings": client.referrals_obtained,
            "referrals_per_meeting": client.referrals_per_meeting,
        }
    return render(request, "coach/client_tiers.html", context)


@coach_required
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    debrief = get_object_or_404(_shared(coach).with_flags().select_related("reviewed_by"), pk=pk)
    DebriefView.objects.create(debrief=debrief, coach=coach)
    queue = Debrief.objects.shared_with_coach(coach).review_queue()
    next_pk = queue.exclude(pk=debrief.pk).values_list("pk", flat=True).first()
    context = {
        "debrief": debrief,
        "meeting": debrief.meeting,
        "client": debrief.owner,
        "flags": flags_for(debrief),
        "suggestions": _suggestions(debrief),
        "competencies": CompetencyCited.objects.filter(debrief=debrief),
        "thread": build_thread(debrief, coach),
        "next_pk": next_pk,
        "queue_total": Debrief.objects.shared_with_coach(coach).awaiting_review().count(),
    }
    return render(request, "coach/review.html", context)


def _suggestions(debrief: Debrief) -> list:
    """The engine's suggestions for the debrief, as the client sees them (read-only here)."""
    try:
        from .suggestions import suggestions_for
    except ImportError:  # the engine is not built yet
        return []
    # "Talk it over with your coach" is addressed to the coach reading this: the flags
    # already say why.
    return [s for s in suggestions_for(debrief) if s.code != "review-with-coach"]


@coach_required
@require_POST
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    coach = request.user
    debrief = get_object_or_404(_shared(coach), pk=pk)
    if debrief.reviewed_at is None:
        debrief.mark_reviewed(by=coach)
        messages.success(request, f"Marked reviewed: {debrief.owner.display_name}'s debrief.")
    queue = Debrief.objects.shared_with_coach(coach).review_queue()
    next_pk = queue.values_list("pk", flat=True).first()
    if next_pk is None:
        messages.info(request, "Your review queue is empty.")
        return redirect("coach:home")
    return redirect("coach:review", pk=next_pk)
