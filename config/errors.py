"""How the app answers and logs errors: a 503 page while the database is down, the 500
page, and 4xx warnings without a traceback.

While PostgreSQL restarts, every query fails with OperationalError or InterfaceError.
Django would turn each into a 500 and log its traceback (the AttributeError shown above it
is only the context the session store was in when its load failed). Here the request gets
the 503 page instead, "try again in a moment", rendered from a template with no request and
so no query, and the log gets one warning line.

Django converts an exception into a response inside the middleware layer that raised it,
so no outer middleware sees it as an exception. The database errors are therefore caught
where they happen:

1. `DatabaseUnavailableMiddleware`, placed right after AuthenticationMiddleware, loads the
   session and the user before any later middleware or view needs them (every request
   from a signed-in browser loads them anyway), where a failure can still be caught;
2. its `process_exception`: any query in a view or while rendering the view's template;
3. `server_error` (handler500): the rest, such as a middleware's query after the view.
   That rare case still logs Django's error line, but the visitor sees the 503 page too.

Django saves no session on a 5xx response, so a 503 writes nothing on its way out.
"""

import logging
import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.log import log_response
from django.views import defaults

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def service_unavailable() -> HttpResponse:
    """The 503 page. Rendered without a request: no context processor, no query."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 instead of 500 while the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.user.is_authenticated  # noqa: B018 (loads the lazy session and user)
        except DATABASE_ERRORS as error:
            return self.unavailable(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return self.unavailable(request, exception)
        return None

    @staticmethod
    def unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
        response = service_unavailable()
        # One warning line, no traceback. log_response marks the response as logged, so
        # Django's handler does not log the 503 again at ERROR.
        log_response(
            "Service unavailable, database unreachable: %s (%s)",
            request.path,
            next(iter(str(error).splitlines()), type(error).__name__),
            response=response,
            request=request,
            level="warning",
        )
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the 503 page when the error was the database, else the 500 page."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return service_unavailable()
    return defaults.server_error(request)


class NoTracebackForClientErrors(logging.Filter):
    """Keep django.request's one-line warning for a 4xx but drop its traceback.

    A 403 for a coach who tries to change a client's data is a rule at work, not a bug;
    Django logs it with the PermissionDenied traceback, which buries real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
