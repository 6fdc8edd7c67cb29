"""The comment thread between a client and their coach: the one place both sides write.

A coach sees a thread only on a debrief they may read (`shared_debriefs`); a client writes
only on their own shared, saved debrief while they have a coach.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from accounts.permissions import client_required

from ..forms import CommentForm
from ..models import Comment, Debrief, DebriefView
from .common import shared_debriefs


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
        return get_object_or_404(shared_debriefs(user), pk=pk)
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
        Comment(debrief=debrief, author=request.user, body=form.cleaned_data["body"],
                submission_token=form.cleaned_data["submission_token"]).save_once()
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
