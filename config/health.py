"""`/healthz` for the load balancer: is this app server up, and can it reach PostgreSQL?

Cheap enough to poll every few seconds: no session, no template, one `SELECT 1`.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.errors import DATABASE_ERRORS


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS:
        return JsonResponse({"app": "ok", "database": "unreachable"}, status=503)
    return JsonResponse({"app": "ok", "database": "ok"})
