from functools import cache

from django.http import HttpRequest

from .models import Comment, Debrief


def unread_comments(request: HttpRequest) -> dict:
    """The number of comments waiting for the signed-in user, for the nav.

    Lazy: templates call the function, so the query runs only on pages that show the
    count, and once per page however often it is shown.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        if user.is_coach:
            # Only what the coach may see: current clients, shared debriefs.
            debriefs = Debrief.objects.shared_with_coach(user)
        else:
            debriefs = Debrief.objects.for_user(user)
        return Comment.objects.filter(debrief__in=debriefs).unread_by(user).count()

    return {"unread_comment_count": count}
