from functools import cache

from django.db import connection
from django.http import HttpRequest

from accounts.models import User

from .models import Comment, Debrief

# Stands for the signed-in user while the count's statement is compiled (no user has it).
_ANY_USER = -424_242


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
        sql, params = _unread_count_statement(connection.alias, user.role)
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk if param == _ANY_USER else param for param in params])
            return cursor.fetchone()[0]

    return {"unread_comment_count": count}


@cache
def _unread_count_statement(alias: str, role: str) -> tuple[str, tuple]:
    """The COUNT of `unread_comment_count` for a user of `role`, compiled once per process
    (it runs on nearly every page): only the user's id changes between requests."""
    user = User(pk=_ANY_USER, role=role)
    if user.is_coach:
        # Only what the coach may see: current clients, shared debriefs.
        debriefs = Debrief.objects.shared_with_coach(user)
    else:
        debriefs = Debrief.objects.for_user(user)
    unread = Comment.objects.filter(debrief__in=debriefs).unread_by(user).order_by()
    sql, params = unread.values("pk").query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) AS unread", params
