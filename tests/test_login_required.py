"""Every URL of the project sends an anonymous visitor to the login page.

The walk covers every pattern, so a view added later cannot forget its login guard.
Public pages are listed explicitly below.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages an anonymous visitor may open (named as namespace:name).
PUBLIC = {
    "accounts:login",
    "accounts:signup",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # The calendar feed is protected by its secret token instead of a session.
    "debriefs:calendar_feed",
    # A coach's invitation link shows what it is before asking the visitor to log in.
    "accounts:invitation",
    # The method in plain words: general reading, no user data.
    "debriefs:method",
    # The load balancer's health check: up or not, no user data.
    "healthz",
}

SAMPLE_VALUES = {"int": "1", "str": "sample", "slug": "sample", "path": "sample", "uuid": None}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def sample_url(route: str) -> str:
    def replace(match):
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter) or str(uuid.uuid4())

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", replace, route)


ROUTES = [
    (route, name)
    for route, name in walk(get_resolver().url_patterns)
    if not route.startswith("admin/") and name not in PUBLIC and "^" not in route
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name or route for route, name in ROUTES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_login(client, route, name, method):
    response = getattr(client, method)(sample_url(route))
    assert response.status_code == 302, f"{name} answered {response.status_code}"
    assert response.url.startswith("/accounts/login/")


def test_the_walk_finds_the_project_pages():
    names = {name for _, name in ROUTES}
    assert {"home", "contacts:list", "debriefs:meeting_list", "accounts:account"} <= names


@pytest.mark.django_db
def test_public_pages_open_without_login(client):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        assert client.get(url).status_code == 200
