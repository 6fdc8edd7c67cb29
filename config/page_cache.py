"""Pages kept per user and per process, keyed on the user's data version (issue 10).

A page opened again shows the same thing until something it shows changes. What it shows
changes in two ways, and the key follows both:

- **The data.** Every write to a user's rows, or to a coach's clients' rows, adds one to
  the user's version at the commit (`accounts.DataVersion`, kept by triggers whatever
  writes: a form, an import, a task, a bulk UPDATE). The version is read from the database
  on every request, before the page is built, so no process ever serves a page older than
  the data: each process keeps its own pages and several servers need no shared cache.
- **The clock.** A planned meeting passes, a follow-up falls due at midnight: the key holds
  the current period of `PAGE_CACHE_SECONDS` (a minute), so such a change shows within it.

What a response must not share with another is never kept: the CSP nonce and the CSRF
tokens and the forms' submission tokens (one per rendering, so that a double submit is
caught) are put back fresh into each answer; a page showing a message is not kept, nor is
anything but a whole-page 200 for a signed-in GET. The key holds the user, the
path with its query and the time zone. Pages are built the ordinary way on a miss; the
decorator wraps views whose GET has no effect to repeat on each visit.
"""

import hashlib
import re
import secrets
import time
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

# Stand-ins for what each answer gets fresh: random per process, as the pages are.
NONCE_MARK = f"nonce-{secrets.token_hex(16)}"
CSRF_MARK = f"csrf-{secrets.token_hex(16)}"

# Where the templates write a CSRF token: {% csrf_token %} and base.html's hx-headers.
CSRF_TOKENS = re.compile(
    r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]+)(")')

# A form's submission token is one per rendering, so that a double submit is caught
# (contacts, meetings, the debrief page's referral form): each answer gets new ones.
TOKEN_MARK = f"token-{secrets.token_hex(16)}"
SUBMISSION_TOKENS = re.compile(
    r'(name="[\w-]*submission_token" value=")[0-9a-f]{8}-[0-9a-f-]{27}(")')
SUBMISSION_FIELDS = re.compile(r'name="[\w-]*submission_token"')


def _cache():
    return caches["pages"]


def data_version(user_id: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM accounts_dataversion WHERE user_id = %s", [user_id])
        row = cursor.fetchone()
    return row[0] if row else None


def current_period() -> int:
    """Which period of `PAGE_CACHE_SECONDS` it is: a kept page lasts until the next."""
    return int(time.time() // settings.PAGE_CACHE_SECONDS)


def page_key(request: HttpRequest) -> str | None:
    """The key of this request's page, or None when it must be built afresh."""
    seconds = settings.PAGE_CACHE_SECONDS
    if (not seconds or request.method != "GET" or not request.user.is_authenticated
            or "HX-Request" in request.headers or messages.get_messages(request)):
        return None
    version = data_version(request.user.pk)
    if version is None:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return (f"page:{request.user.pk}:{version}:{current_period()}:"
            f"{timezone.get_current_timezone_name()}:{path}")


def _keepable(request: HttpRequest, response: HttpResponse) -> str | None:
    """The page with the nonce and the CSRF tokens taken out, or None when it must not
    be kept."""
    if (response.status_code != 200 or response.streaming or response.cookies
            or not response.get("Content-Type", "").startswith("text/html")
            or getattr(messages.get_messages(request), "used", False)):
        return None
    body, tokens = SUBMISSION_TOKENS.subn(rf"\g<1>{TOKEN_MARK}\g<2>",
                                          response.content.decode(response.charset))
    if len(SUBMISSION_FIELDS.findall(body)) != tokens:  # one written some other way
        return None
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:  # generated, hence written into the page
        body = body.replace(str(nonce), NONCE_MARK)
    return CSRF_TOKENS.sub(rf"\g<1>{CSRF_MARK}\g<3>", body)


def _served(request: HttpRequest, kept: dict) -> HttpResponse:
    body = kept["body"].replace(CSRF_MARK, get_token(request))
    if TOKEN_MARK in body:
        parts = body.split(TOKEN_MARK)
        body = "".join(part + str(uuid.uuid4()) for part in parts[:-1]) + parts[-1]
    if NONCE_MARK in body:
        body = body.replace(NONCE_MARK, str(request._csp_nonce))
    return HttpResponse(body, headers=kept["headers"])


def cached_page(view):
    """Serve the view's page from the cache while the user's data and the minute are the
    same (see the module's docstring). Put it under the access decorators."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        key = page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        kept = _cache().get(key)
        if kept is not None:
            return _served(request, kept)
        response = view(request, *args, **kwargs)
        body = _keepable(request, response)
        if body is not None:
            _cache().set(key, {"body": body, "headers": dict(response.headers)},
                         settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped
