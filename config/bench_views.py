"""`make bench`'s throughput reference: the smallest signed-in page.

It passes through the same middleware as every page (session, user, CSRF, CSP, messages…)
and does nothing else, so a page's req/s divided by this view's is the share left after
the fixed cost of a request. Routed only when BENCH_BARE_VIEW is set (config/urls.py).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
