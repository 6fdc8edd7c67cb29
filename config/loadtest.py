"""`make loadtest`: the app under load, then through a PostgreSQL restart mid-load.

Steps:
1. Start a throwaway PostgreSQL: pgserver's own binaries, a new data folder in the system's
   temp folder, a unix socket only. Never the development server or any other; it is
   deleted at the end.
2. Migrate, load the demo data (`seed_demo`), collect the static files, and give each
   virtual user its own signed-in session of the demo client, created directly as
   `force_login` does (twenty logins from one address would meet the login throttling).
3. Start gunicorn with production settings (DEBUG off, a SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1) on a loopback port.
4. Steady run: LOADTEST_USERS users for LOADTEST_SECONDS, each going round the main pages,
   a debrief form, its live suggestions (an htmx POST) and its autosave (a POST), with no
   pause between requests.
5. Outage run: the same, with PostgreSQL stopped (`pg_ctl stop -m fast`) a third of the way
   in and started again LOADTEST_OUTAGE_SECONDS later.
6. Print for each run the requests, 503s, errors and p50 / p95 / p99 latency, for the outage
   when the 503s began and ended and how soon pages were served again, and the tracebacks
   the server logged.
7. Exit 1 on any error: a status other than 2xx/3xx, a 503 to a request that neither
   overlapped the outage, or a logged traceback.

Only loopback traffic; every run is bounded in time and in users. Settings (environment):
LOADTEST_USERS (20), LOADTEST_SECONDS (30 per run), LOADTEST_OUTAGE_SECONDS (5),
LOADTEST_WORKERS (gunicorn workers, 2 x CPUs + 1), LOADTEST_PORT (8766).
"""

import contextlib
import datetime
import http.client
import io
import logging
import math
import os
import platform
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "30"))
OUTAGE_SECONDS = float(os.environ.get("LOADTEST_OUTAGE_SECONDS", "5"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOADTEST_PORT", "8766"))
REQUEST_TIMEOUT = 30
SECRET = "loadtest-secret-key-not-for-production-0123456789abcdefghijklmnop"
DEMO_CLIENT = "client@example.com"


class ThrowawayPostgres:
    """A PostgreSQL server of our own in a temp folder, on a unix socket only."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="debriefs-loadtest-"))
        self.root.chmod(0o755)  # the server may run as pgserver's own user (when root)
        # pgserver reads its lock folder from XDG_RUNTIME_DIR when it is imported; the one
        # config/embedded_db.py uses, as pgserver takes the lock again when Python exits.
        runtime = BASE_DIR / ".pgrun"
        runtime.mkdir(exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import pgserver

        self.pgserver = pgserver
        self.data = self.root / "data"
        server = pgserver.get_server(self.data, cleanup_mode=None)
        self.system_user = server.system_user
        self.socket_dir = server.get_postmaster_info().socket_dir
        self.url = f"postgres://postgres@{quote(str(self.socket_dir), safe='')}/debriefs"

    def pg_ctl(self, *args: str) -> None:
        self.pgserver.pg_ctl(["-w", *args], pgdata=self.data, user=self.system_user, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def start(self) -> None:
        self.pg_ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}",
                    "-l", str(self.data / "log"), "start")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback, no proxy in front
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
    )
    import django

    django.setup()


def prepare(database_url: str) -> tuple[list[str], list[int]]:
    """Create, migrate and seed the database; one session per user and the meetings to
    debrief. Returns (session keys, held meeting ids)."""
    subprocess.run([sys.executable, "-m", "config.embedded_db", "--ensure", database_url],
                   check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
    setup_django(database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from accounts.models import User
    from debriefs.models import Meeting

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    user = User.objects.get(email=DEMO_CLIENT)
    logging.getLogger("security").setLevel(logging.WARNING)  # not a line per session
    sessions = []
    for _ in range(USERS):
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    meetings = list(
        Meeting.objects.for_user(user).held().order_by("pk").values_list("pk", flat=True)
    )
    connections.close_all()  # the outage must not find this process holding a connection
    return sessions, meetings


class DebriefFields(HTMLParser):
    """The fields the debrief form would post, as a browser sends them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == "debrief-form"
            return
        name = attrs.get("name")
        if not self.in_form or attrs.get("form", "debrief-form") != "debrief-form":
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self.select, self.select_value = name, None
        elif tag == "option" and self.select and (
            self.select_value is None or "selected" in attrs
        ):
            self.select_value = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            name, value = self.fields[-1]
            self.fields[-1] = (name, value.removeprefix("\n"))  # as a browser reads it
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields.append((self.select, self.select_value or ""))
            self.select = None


@dataclass
class Result:
    label: str
    start: float  # seconds since the run began
    end: float
    status: int  # 0: no answer (refused, reset or timed out)

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class Outage:
    stop_at: float
    stopped: float = math.nan
    start_at: float = math.nan
    ready: float = math.nan


@dataclass
class Run:
    name: str
    results: list[Result] = field(default_factory=list)
    outage: Outage | None = None
    seconds: float = 0.0
    autosaves: list[str] = field(default_factory=list)  # saved, conflict or invalid


class VirtualUser:
    """One signed-in browser going round the pages, then debriefing a meeting."""

    def __init__(self, session_key: str, meeting: int, paths: dict[str, str]) -> None:
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits)
                            for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.meeting = meeting
        self.paths = paths
        self.form: list[tuple[str, str]] | None = None
        self.typed = 0

    def request(self, run: Run, began: float, label: str, path: str,
                form: list[tuple[str, str]] | None = None, htmx: bool = False) -> bytes:
        headers = {"Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": self.csrf})
        if htmx:
            headers["HX-Request"] = "true"
        start = time.monotonic() - began
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("POST" if form is not None else "GET", path, body, headers)
            response = connection.getresponse()
            content, status = response.read(), response.status
        except (OSError, http.client.HTTPException):
            content, status = b"", 0
        finally:
            connection.close()
        run.results.append(Result(label, start, time.monotonic() - began, status))
        return content if status == 200 else b""

    def go(self, run: Run, began: float, deadline: float) -> None:
        pages = ["home", "contacts list", "meetings", "follow-ups", "tiers board"]
        while time.monotonic() < deadline:
            for label in pages:
                self.request(run, began, label, self.paths[label])
            page = self.request(run, began, "debrief form", self.paths["debrief form"])
            if page:
                parser = DebriefFields()
                parser.feed(page.decode())
                self.form = parser.fields
            if self.form is None:
                continue
            self.typed += 1
            typed = [(name, f"Load test, keystroke {self.typed}." if name == "notes" else value)
                     for name, value in self.form]
            self.request(run, began, "suggestions (htmx)", self.paths["suggestions"],
                         typed, htmx=True)
            saved = self.request(run, began, "autosave (htmx)", self.paths["autosave"],
                                 typed, htmx=True)
            if saved:
                run.autosaves.append("conflict" if b"another tab" in saved
                                     else "invalid" if b"Not saved" in saved else "saved")


def run_load(name: str, users: list[VirtualUser], database: ThrowawayPostgres | None) -> Run:
    run = Run(name)
    began = time.monotonic()
    deadline = began + SECONDS
    threads = [threading.Thread(target=user.go, args=(run, began, deadline), daemon=True)
               for user in users]
    if database is not None:
        run.outage = Outage(stop_at=SECONDS / 3)

        def outage() -> None:
            time.sleep(run.outage.stop_at)
            database.stop()
            run.outage.stopped = time.monotonic() - began
            time.sleep(OUTAGE_SECONDS)
            run.outage.start_at = time.monotonic() - began
            database.start()
            run.outage.ready = time.monotonic() - began

        threads.append(threading.Thread(target=outage))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - began
    return run


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return math.nan
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def is_ok(result: Result) -> bool:
    return 200 <= result.status < 400


def excused_503(result: Result, outage: Outage | None) -> bool:
    """A 503 is expected only for a request that was under way while PostgreSQL was down."""
    return (result.status == 503 and outage is not None
            and result.end >= outage.stop_at and result.start <= outage.ready)


def errors_of(run: Run) -> list[Result]:
    return [r for r in run.results if not is_ok(r) and not excused_503(r, run.outage)]


def summary_row(run: Run) -> str:
    times = sorted(r.ms for r in run.results)
    unavailable = sum(1 for r in run.results if r.status == 503)
    return (f"| {run.name} | {len(run.results)} | {unavailable} | {len(errors_of(run))} | "
            f"{percentile(times, 50):.0f} | {percentile(times, 95):.0f} | "
            f"{percentile(times, 99):.0f} | {len(run.results) / run.seconds:.0f} |")


def report(runs: list[Run], log_path: Path) -> int:
    print(f"\n{USERS} users, {SECONDS:g} s per run, gunicorn with {WORKERS} sync workers, "
          f"{os.cpu_count()} CPUs ({platform.machine()}), {datetime.date.today()}\n")
    print("| run | requests | 503 | errors | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(summary_row(run))

    steady = runs[0]
    print(f"\n{steady.name}, per request:\n")
    print("| request | count | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for label in dict.fromkeys(r.label for r in steady.results):
        times = sorted(r.ms for r in steady.results if r.label == label)
        print(f"| {label} | {len(times)} | {percentile(times, 50):.0f} | "
              f"{percentile(times, 95):.0f} | {percentile(times, 99):.0f} |")

    failed = False
    for run in runs:
        print(f"\n{run.name}:")
        if run.outage:
            outage = run.outage
            answered = [r for r in run.results if r.status == 503]
            after = [r for r in run.results if r.start > outage.ready]
            first_ok = min((r.end for r in after if is_ok(r)), default=math.nan)
            print(f"- PostgreSQL stopped at {outage.stop_at:.1f} s "
                  f"(down at {outage.stopped:.1f} s), started again at {outage.start_at:.1f} s, "
                  f"accepting connections at {outage.ready:.1f} s.")
            if answered:
                print(f"- 503s: {len(answered)}, answered from {min(r.end for r in answered):.1f} s"
                      f" to {max(r.end for r in answered):.1f} s "
                      f"(p95 {percentile(sorted(r.ms for r in answered), 95):.0f} ms).")
            print(f"- Recovery: first page served {first_ok - outage.ready:.2f} s after "
                  f"PostgreSQL was ready; requests sent after that: {len(after)}, "
                  f"not OK: {sum(1 for r in after if not is_ok(r))}.")
        outcomes = Counter(run.autosaves)
        print(f"- Autosaves answered: {outcomes['saved']} saved, {outcomes['conflict']} refused "
              f"as edited elsewhere (users share meetings), {outcomes['invalid']} invalid.")
        if outcomes["invalid"]:
            failed = True  # the load would not be exercising the save
        errors = errors_of(run)
        if errors:
            failed = True
            kinds = Counter((r.label, r.status) for r in errors)
            print(f"- {len(errors)} errors (request, status): {dict(kinds.most_common(10))}")
        else:
            print("- Errors: none.")

    log = log_path.read_text(errors="replace")
    tracebacks = log.count("Traceback (most recent call last)")
    causes = Counter(re.sub(r'"[^"]*"', "…", line.rpartition(" (")[2].rstrip(")"))
                     for line in log.splitlines() if "database unreachable" in line)
    print(f"\nServer log: {tracebacks} tracebacks, {causes.total()} 'database unreachable' "
          f"warnings (one line each, no traceback):")
    for cause, count in causes.most_common(6):
        print(f"  {count:>5}  {cause[:110]}")
    if tracebacks:
        failed = True
        start = log.index("Traceback (most recent call last)")
        print(log[max(0, start - 300):start + 3000])
    print("\nFAILED: see the errors above." if failed else "\nOK: no errors.")
    return 1 if failed else 0


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for_server(base_path: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", base_path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    if not port_is_free(PORT):
        raise SystemExit(f"Port {PORT} is in use; set LOADTEST_PORT.")
    print("Starting a throwaway PostgreSQL and loading the demo data...", flush=True)
    database = ThrowawayPostgres()
    server = None
    try:
        sessions, meetings = prepare(database.url)
        from django.urls import reverse

        paths = {
            "home": reverse("home"),
            "contacts list": reverse("contacts:list"),
            "meetings": reverse("debriefs:meeting_list"),
            "follow-ups": reverse("debriefs:follow_up_list"),
            "tiers board": reverse("contacts:tiers"),
        }
        users = []
        for index, session_key in enumerate(sessions):
            meeting = meetings[index % len(meetings)]
            users.append(VirtualUser(session_key, meeting, paths | {
                "debrief form": reverse("debriefs:debrief_edit", args=[meeting]),
                "suggestions": reverse("debriefs:debrief_suggestions", args=[meeting]),
                "autosave": reverse("debriefs:debrief_autosave", args=[meeting]),
            }))

        log_path = database.root / "gunicorn.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                 "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS),
                 "--timeout", str(REQUEST_TIMEOUT), "--log-level", "warning",
                 "--no-control-socket"],
                cwd=BASE_DIR, env=os.environ.copy(), stdout=log, stderr=log,
            )
        wait_for_server(reverse("accounts:login"), time.time() + 30)
        warm_up = Run("warm-up")  # every worker compiles its templates first; not counted
        for user in users[:WORKERS]:
            for label, path in paths.items():
                user.request(warm_up, time.monotonic(), label, path)
        print(f"Steady run: {USERS} users for {SECONDS:g} s...", flush=True)
        steady = run_load("steady", users, None)
        print(f"Outage run: {USERS} users for {SECONDS:g} s, PostgreSQL down for "
              f"{OUTAGE_SECONDS:g} s from {SECONDS / 3:.0f} s...", flush=True)
        outage = run_load("PostgreSQL restart", users, database)
        server.terminate()
        server.wait(15)
        return report([steady, outage], log_path)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(15)
        database.remove()


if __name__ == "__main__":
    sys.exit(main())
