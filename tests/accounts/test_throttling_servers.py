"""Login throttling counts are shared by every app server: failures spread over two
gunicorn servers (on one database) lock the account on both."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = urllib.parse.quote(db["HOST"] or "", safe="")
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def two_servers(transactional_db):
    env = os.environ | {"DATABASE_URL": database_url(), "DEBUG": "true", "LOG_LEVEL": "ERROR"}
    ports, servers = [free_port(), free_port()], []
    for port in ports:
        servers.append(subprocess.Popen(
            [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--log-level", "error"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
    deadline = time.monotonic() + 30
    for port in ports:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:  # refused, reset or timed out while the server starts
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    yield [f"http://127.0.0.1:{port}" for port in ports]
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def try_login(base: str, email: str, password: str) -> int:
    """A fresh browser: fetch the login form (for its CSRF token), post it, return status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data,
                                     headers={"Referer": f"{base}/accounts/login/"})
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as error:
        return error.code


def test_failures_on_two_servers_add_up_and_lock_the_account_on_both(two_servers, settings):
    alice = UserFactory(email="alice@example.com")
    first, second = two_servers
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [try_login((first, second)[n % 2], alice.email, "wrong") for n in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]
    assert try_login(first, alice.email, PASSWORD) == 429
    assert try_login(second, alice.email, PASSWORD) == 429
