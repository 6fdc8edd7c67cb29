"""`make bench`: the speed and load goals of issue 10, measured against a real server.

Steps:
1. For each size (1x and 10x), use its own database (`<DATABASE_URL's name>_bench_x1` /
   `_x10` on the same server, or on the embedded one when DATABASE_URL is unset), migrate
   it and fill it once (`fill`: at 1x a client with 2,000 contacts over six tiers and 400
   debriefed meetings, a coach with 1,000 clients; 10x multiplies every count by ten).
2. Start one gunicorn per size (DEBUG off, 2 sync workers each) on free loopback ports,
   with the bare reference view routed (BENCH_BARE_VIEW=1, config/bench_views.py). One
   server is measured at a time; the other waits, idle.
3. Measure the bare view, then each page with wrk: 4 connections on 2 threads, signed
   in, a warm-up then BENCH_SECONDS of load, at 1x then at once at 10x, BENCH_ROUNDS
   times (the run with the most requests a second is kept: `best_run`). The bare view is
   measured again just before each page (BENCH_BARE_SECONDS): a page's share of the bare
   view's throughput is taken against that run, and its growth from 1x to 10x compares
   two runs a few seconds apart, so a machine whose speed drifts during the bench (a
   shared one) moves both figures alike. config/bench_report.lua counts every answer that
   is not a 200 and prints p50/p95/p99 and req/s. The two htmx POSTs of the debrief form
   (live suggestions, autosave) send the form as the page holds it, with its CSRF token.
   Autosave posts each of four debriefs' own text back with the version the last save
   answered, so every request saves (the version goes up, nothing else changes); one
   connection per debrief, so no save is refused as stale.
Then print the table (p50/p95/p99, req/s, share of the bare view's req/s, growth from 1x
to 10x), write it to docs/benchmarks.md with the machine and the date, and exit 1 listing
the goals missed.

Only loopback traffic; every run is bounded in time.
"""

import contextlib
import dataclasses
import datetime
import importlib.metadata
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT_SCRIPT = BASE_DIR / "config" / "bench_report.lua"
DOC = BASE_DIR / "docs" / "benchmarks.md"
SECRET = "bench-secret-key-not-for-production-0123456789abcdefghijklmnop"

SCALES = [int(scale) for scale in os.environ.get("BENCH_SCALES", "1,10").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))  # wrk takes whole seconds
# Each page is measured this many times at each size (1x, 10x, 1x, 10x, ...); the run with
# the most requests a second is kept (`best_run`).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WARMUP_SECONDS = int(os.environ.get("BENCH_WARMUP_SECONDS", "1"))
BARE_SECONDS = int(os.environ.get("BENCH_BARE_SECONDS", "3"))  # beside each page
CONNECTIONS = 4
THREADS = 2

BENCH_CLIENT = "bench-client@example.com"
BENCH_COACH = "bench-coach@example.com"
CONTACTS = 2000
MEETINGS = 400
COACH_CLIENTS = 1000

# The goals (issue 10). Latency goals apply at 10x, throughput at every size.
MAX_GROWTH = 1.5  # 10x p50 / 1x p50
MAX_P95_MS = 100
FAST_PAGES = {"live suggestions": 30, "autosave": 30}  # their own p95 goal at 10x, ms
MIN_SHARE_OF_BARE = 0.25
OWN_MIN_SHARE = {"live suggestions": 0.5}
BARE = "bare view (reference)"


def bench_database_url(scale: int = 1) -> str:
    """The bench's own database for one size: `<DATABASE_URL's name>_bench_x<scale>`."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/debriefs")
    name = dj_database_url.parse(url)["NAME"]
    head, _, tail = url.rpartition("/" + name)
    return f"{head}/{name}_bench_x{scale}{tail}"



def server_env(url: str) -> dict[str, str]:
    """The environment of the bench's Django processes: production settings on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCH_BARE_VIEW": "1",
    }


def setup_django(url: str) -> None:
    os.environ.update(server_env(url))
    import django

    django.setup()


def progress(message: str, started: float) -> None:
    print(f"  {time.perf_counter() - started:6.1f} s  {message}", flush=True)


def fill(scale: int = 1) -> None:
    """Create the bench data once (skipped when the bench client already exists).

    At scale 1: a client with 2,000 contacts over six tiers, 400 debriefed meetings, names
    given in a third of them, 450 follow-ups; a coach with 1,000 clients, two shared
    debriefs each. Scale 10 multiplies every count by ten.
    """
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from contacts.models import Contact
    from debriefs.models import Debrief, FollowUp, Meeting

    if User.objects.filter(email=BENCH_CLIENT).exists():
        return
    rng = random.Random(7)
    now = timezone.now()
    today = timezone.localdate()
    statuses = [choice for choice, _ in Contact.Status.choices]
    started = time.perf_counter()
    print(f"Filling the bench database at {scale}x (once)...", flush=True)
    with transaction.atomic():
        coach = User.objects.create_coach(BENCH_COACH, "bench-pass", first_name="Bench")
        client = User.objects.create_user(
            BENCH_CLIENT, "bench-pass", first_name="Bench", coach=coach
        )

        # 2,000 contacts (times scale) over six tiers, each tier referred by the one before.
        previous = []
        for tier, size in enumerate([300, 500, 500, 400, 200, 100], start=1):
            batch = [
                Contact(
                    owner=client,
                    name=f"Contact {tier}-{i} {rng.choice(['Ng', 'Ruiz', 'Okafor', 'Berg'])}",
                    organisation=rng.choice(["Medtech Ltd", "Pharma plc", "Health Consulting"]),
                    role_title=rng.choice(["Medical director", "Product lead", "Partner"]),
                    email=f"contact-{tier}-{i}@example.com",
                    tags=[rng.choice(["pharma", "consulting", "health-tech", "payer"])],
                    status=rng.choice(statuses),
                    status_changed_at=now - datetime.timedelta(days=rng.randint(0, 60)),
                    referred_by=rng.choice(previous) if previous else None,
                    tier=tier,
                )
                for i in range(size * scale)
            ]
            previous = Contact.objects.bulk_create(batch, batch_size=2000)
            progress(f"tier {tier}: {len(batch):,} contacts", started)
        contacts = list(Contact.objects.filter(owner=client).only("pk", "tier", "name"))

        meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    owner=client,
                    contact=contact,
                    contact_tier=contact.tier,
                    starts_at=now - datetime.timedelta(days=rng.randint(1, 365)),
                    status=Meeting.Status.HELD,
                )
                for contact in rng.sample(contacts, MEETINGS * scale)
            ),
            batch_size=2000,
        )
        names = [contact.name for contact in contacts]
        Debrief.objects.bulk_create(
            (
                Debrief(
                    owner=client,
                    meeting=meeting,
                    notes="Talked about the industry.",
                    learnt="How medical affairs teams hire.",
                    job_hinted=rng.random() < 0.2,
                    wants_job=rng.choice(["yes", "no", "unsure", ""]),
                    questions_led_by=rng.choice(["me", "them", "balanced"]),
                    referral_names="\n".join(rng.sample(names, 2)) if n % 3 == 0 else "",
                    thank_you_sent_on=None if n % 4 == 0 else timezone.localdate(meeting.starts_at),
                    is_draft=False,
                )
                for n, meeting in enumerate(meetings)
            ),
            batch_size=2000,
        )
        progress(f"{len(meetings):,} meetings with their debriefs", started)
        follow_ups = FollowUp.objects.bulk_create(
            (
                FollowUp(
                    owner=client,
                    title=f"Write to {contact.name}",
                    contact=contact,
                    due_on=today + datetime.timedelta(days=rng.randint(-20, 30)),
                    done_at=now if n % 3 == 0 else None,
                )
                for n, contact in enumerate(rng.sample(contacts, 450 * scale))
            ),
            batch_size=2000,
        )
        progress(f"{len(follow_ups):,} follow-ups", started)

        # A coach with 1,000 clients (times scale), each with two shared debriefs.
        clients = User.objects.bulk_create(
            (
                User(email=f"bench-c{i}@example.com", first_name=f"Client {i}", coach=coach)
                for i in range(COACH_CLIENTS * scale)
            ),
            batch_size=2000,
        )
        their_contacts = Contact.objects.bulk_create(
            (Contact(owner=c, name=f"Person of {c.first_name}", tier=1) for c in clients),
            batch_size=2000,
        )
        their_meetings = Meeting.objects.bulk_create(
            (
                Meeting(
                    owner=contact.owner,
                    contact=contact,
                    contact_tier=1,
                    starts_at=now - datetime.timedelta(days=rng.randint(1, 60)),
                    status=Meeting.Status.HELD,
                )
                for contact in their_contacts
                for _ in range(2)
            ),
            batch_size=2000,
        )
        Debrief.objects.bulk_create(
            (
                Debrief(
                    owner=meeting.owner,
                    meeting=meeting,
                    notes="A meeting.",
                    job_hinted=rng.random() < 0.3,
                    wants_job=rng.choice(["no", "unsure", "yes"]),
                    is_draft=False,
                )
                for meeting in their_meetings
            ),
            batch_size=2000,
        )
        progress(f"a coach with {len(clients):,} clients and their debriefs", started)
    progress("done", started)


# Preparing one size: run in a child process, since Django serves one database at a time.


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def targets() -> list[dict]:
    """What to measure, in order. `kind` is "get" (`path`), "post" (the live suggestions:
    the debrief form `forms[0]` is read, its fields posted to `paths[0]`) or "autosave"
    (one debrief per connection: `forms[n]` is read for its fields and version, then
    posted to `paths[n]`; the warm-up uses the second half). Paths come from the URL
    names."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from contacts.models import Contact
    from debriefs.models import Debrief, Meeting

    def url(name: str, *args) -> str:
        try:
            return reverse(name, args=args)
        except NoReverseMatch as error:
            raise SystemExit(f"The bench names a page that no longer exists: {name}") from error

    client = User.objects.get(email=BENCH_CLIENT)
    # Autosave: one debrief per connection, and others for the warm-up (its last saves may
    # land after the measured run has read the versions).
    debriefs = list(Debrief.objects.filter(owner=client, is_draft=False)
                    .order_by("pk")[:2 * CONNECTIONS])
    meeting = debriefs[0].meeting_id  # names were given there: it has suggestions
    # The tier-1 contact who referred the most people: the busiest detail page.
    busiest = (
        Contact.objects.filter(owner=client, tier=1)
        .annotate(referred=Count("referrals"))
        .order_by("-referred", "pk")
        .first()
    )
    latest = Meeting.objects.filter(owner=client).order_by("-starts_at", "pk").first()
    shared = Debrief.objects.filter(owner__email="bench-c0@example.com").order_by("pk").first()

    def get(label: str, path: str, who: str = "client") -> dict:
        return {"label": label, "who": who, "kind": "get", "path": path}

    return [
        get(BARE, url("bench_bare")),
        get("client home", url("home")),
        get("contacts list", url("contacts:list")),
        get("contacts search", url("contacts:list") + "?q=medical"),
        get("tiers board", url("contacts:tiers")),
        get("contact detail", url("contacts:detail", busiest.pk)),
        get("meetings list", url("debriefs:meeting_list")),
        get("follow-ups", url("debriefs:follow_up_list")),
        get("new contact form", url("contacts:create")),
        get("new meeting form", url("debriefs:meeting_create")),
        get("debrief form", url("debriefs:debrief_edit", meeting)),
        {"label": "live suggestions", "who": "client", "kind": "post",
         "forms": [url("debriefs:debrief_edit", meeting)],
         "paths": [url("debriefs:debrief_suggestions", meeting)]},
        {"label": "autosave", "who": "client", "kind": "autosave",
         "forms": [url("debriefs:debrief_edit", d.meeting_id) for d in debriefs],
         "paths": [url("debriefs:debrief_autosave", d.meeting_id) for d in debriefs]},
        get("prep sheet", url("debriefs:meeting_prep", latest.pk)),
        get("coach home", url("coach:home"), who="coach"),
        get("coach review page", url("coach:review", shared.pk), who="coach"),
    ]


def dataset() -> dict:
    from django.db import connection

    from accounts.models import User
    from contacts.models import Contact
    from debriefs.models import Debrief, FollowUp

    client = User.objects.get(email=BENCH_CLIENT)
    coach = User.objects.get(email=BENCH_COACH)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "postgres": postgres,
        "contacts": Contact.objects.filter(owner=client).count(),
        "debriefs": Debrief.objects.filter(owner=client).count(),
        "follow_ups": FollowUp.objects.filter(owner=client).count(),
        "coach_clients": User.objects.filter(coach=coach).count(),
    }


def tidy() -> None:
    """VACUUM ANALYZE before each run: fresh planner statistics, and a visibility map that
    lets index-only scans skip the table (a server may run without autovacuum; autosaves
    of earlier runs leave dead rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def prepare(scale: int, into: Path) -> None:
    """Migrate and fill (once) this size's database (DATABASE_URL, set by `start_size`),
    sign the two users in and write what to measure into `into` (JSON)."""
    setup_django(os.environ["DATABASE_URL"])
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    fill(scale)
    tidy()
    into.write_text(json.dumps({
        "targets": targets(),
        "cookies": {"client": session_cookie(BENCH_CLIENT), "coach": session_cookie(BENCH_COACH)},
        "dataset": dataset(),
    }))


# Measuring: plain HTTP and wrk, no Django in this process.


class FormFields(HTMLParser):
    """The fields a browser (or htmx's hx-include) sends for one form, without a submit
    button: enabled named inputs, checked boxes, selected options and textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self.inside = False
        self.select: tuple[str, bool] | None = None  # (name, multiple)
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.option_text = ""
        self.selected = False
        self.textarea: str | None = None
        self.text = ""

    def belongs(self, attrs: dict) -> bool:
        owner = attrs.get("form")
        return owner == self.form_id if owner else self.inside

    def handle_starttag(self, tag: str, attributes) -> None:
        attrs = {key: value if value is not None else "" for key, value in attributes}
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if tag not in {"input", "select", "textarea", "option"}:
            return
        if tag == "option" and self.select is not None:
            self.end_option()
            self.option_value, self.option_text = attrs.get("value"), ""
            self.selected = "selected" in attrs
            return
        if not attrs.get("name") or "disabled" in attrs or not self.belongs(attrs):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((attrs["name"], attrs.get("value", default)))
        elif tag == "select":
            self.select, self.options = (attrs["name"], "multiple" in attrs), []
        else:
            self.textarea, self.text = attrs["name"], ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data
        elif self.option_value is not None or self.select is not None:
            self.option_text += data

    def end_option(self) -> None:
        if self.select is not None and (self.option_value is not None or self.option_text):
            value = self.option_value if self.option_value is not None else self.option_text
            self.options.append((value, self.selected))
        self.option_value, self.option_text, self.selected = None, "", False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option":
            self.end_option()
        elif tag == "select" and self.select is not None:
            self.end_option()
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A newline right after <textarea> is not part of its value.
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.fields.append((self.textarea, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    parser.close()
    return parser.fields


def parse_result(output: str) -> dict:
    """The figures config/bench_report.lua prints on its BENCH_RESULT line."""
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise ValueError("wrk printed no BENCH_RESULT line")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, cookie: str) -> tuple[str, str]:
    """GET a page signed in: its HTML and the cookies to send next (with the CSRF one)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    # Long enough to wait for the requests the last wrk run left on the workers.
    with urllib.request.urlopen(request, timeout=120) as response:
        html = response.read().decode()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    known = dict(part.split("=", 1) for part in cookie.split("; "))
    known.update({name: morsel.value for name, morsel in jar.items()})
    return html, "; ".join(f"{name}={value}" for name, value in known.items())


def post_lines(base: str, target: dict, cookie: str, warmup: bool) -> tuple[list[str], str]:
    """For each of the target's forms, as the page holds it now: the line the Lua script
    posts ("path<TAB>body", or "path<TAB>version<TAB>body" for autosave), and the cookies
    (with the CSRF cookie the form's token belongs to)."""
    lines = []
    pairs = list(zip(target["forms"], target["paths"], strict=True))
    if target["kind"] == "autosave":
        pairs = pairs[CONNECTIONS:] if warmup else pairs[:CONNECTIONS]
    for form, path in pairs:
        html, cookie = fetch(base + form, cookie)
        fields = form_fields(html, "debrief-form")
        if target["kind"] == "autosave":
            version = dict(fields)["version"]
            body = urlencode([(name, value) for name, value in fields if name != "version"])
            lines.append(f"{path}\t{version}\t{body}")
        else:
            lines.append(f"{path}\t{urlencode(fields)}")
    return lines, cookie


def run_wrk(base: str, target: dict, cookie: str, seconds: int, warmup: bool = False) -> dict:
    threads, extra = THREADS, []
    with tempfile.TemporaryDirectory() as folder:
        if target["kind"] != "get":
            lines, cookie = post_lines(base, target, cookie, warmup)
            spec = Path(folder) / "requests.tsv"
            spec.write_text("\n".join(lines) + "\n")
            extra = ["--", target["kind"], str(spec)]
            if target["kind"] == "autosave":
                threads = CONNECTIONS  # one connection, hence one debrief, per thread
        path = target.get("path") or target["paths"][0]
        command = [
            "wrk", "--threads", str(threads), "--connections", str(CONNECTIONS),
            "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(REPORT_SCRIPT),
            "--header", f"Cookie: {cookie}", base + path, *extra,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    try:
        return parse_result(done.stdout)
    except ValueError:
        raise SystemExit(f"wrk failed on {target['label']}:\n{done.stdout}{done.stderr}") from None


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    """gunicorn on loopback, its errors (a 500's traceback) into `log`."""
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
             "--log-level", "warning"],
            cwd=BASE_DIR, env=server_env(url), stdout=output, stderr=subprocess.STDOUT,
        )
    deadline = time.time() + 30
    while time.time() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    # SIGINT: gunicorn's quick shutdown, without waiting for the requests wrk left behind.
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def unmeasured(why: str) -> dict:
    """The figures of a page that could not be measured at all: a failure."""
    return {"p50_ms": 0, "p95_ms": 0, "p99_ms": 0, "requests": 0, "non_200": 0,
            "not_saved": 0, "socket_errors": 0, "req_per_s": 0, "error": why}


def drain(bare_url: str, cookie: str, result: dict) -> None:
    """Let the workers finish the requests wrk left behind (up to one per connection), so
    that a slow page does not weigh on the next one."""
    started = time.perf_counter()
    if result["requests"]:
        time.sleep(min(2 * result["p99_ms"] / 1000, 30))
    # Queued behind what is left, answered once a worker is free. Its failure shows in the
    # bare view's own figures.
    with contextlib.suppress(OSError):
        fetch(bare_url, cookie)
    if not result["requests"]:
        time.sleep(min(time.perf_counter() - started, 30))  # the other worker's share


@dataclasses.dataclass
class Size:
    """One size being measured: its plan (`prepare`), its server and where it logs."""

    scale: int
    plan: dict
    base: str
    server: subprocess.Popen
    log: Path

    @property
    def bare(self) -> dict:
        return self.plan["targets"][0]

    def drain(self, result: dict) -> None:
        drain(self.base + self.bare["path"], self.plan["cookies"]["client"], result)


def start_size(scale: int) -> Size:
    """Prepare one size's database and plan, and start its server."""
    url = bench_database_url(scale)
    subprocess.run(
        [sys.executable, "-m", "config.embedded_db", "--ensure", url],
        check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as folder:
        plan_file = Path(folder) / "plan.json"
        subprocess.run(
            [sys.executable, "-m", "config.bench", "--prepare", str(scale), str(plan_file)],
            check=True, cwd=BASE_DIR, env=server_env(url),
        )
        plan = json.loads(plan_file.read_text())
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"bench-gunicorn-x{scale}.log"
    return Size(scale, plan, f"http://127.0.0.1:{port}", start_server(url, port, log), log)


def measure_page(size: Size, target: dict, results: dict) -> dict:
    """One page at one size: a warm-up, the bare view (but for the bare view itself), then
    the page; its figures, with `bare_req_per_s` from the bare run beside it."""
    cookie = size.plan["cookies"][target["who"]]
    beside = None
    try:
        warm = run_wrk(size.base, target, cookie, WARMUP_SECONDS, warmup=True)
        size.drain(warm)
        if target["label"] != BARE:
            beside = run_wrk(size.base, size.bare, size.plan["cookies"]["client"],
                             BARE_SECONDS)
        result = run_wrk(size.base, target, cookie, SECONDS)
    except urllib.error.HTTPError as error:  # the form the POSTs come from
        result = unmeasured(f"its form answered {error.code}: {urlsplit(error.url).path}")
    if beside is not None:
        result["bare_req_per_s"] = beside["req_per_s"]
        results[BARE].setdefault("beside", []).append(beside["req_per_s"])
    size.drain(result)
    return result


def measure_sizes(scales: list[int]) -> tuple[dict, dict]:
    """Every page at every size, the sizes back to back for each page:
    ({scale: {label: figures}}, {scale: its data set})."""
    sizes: list[Size] = []
    results: dict[int, dict] = {scale: {} for scale in scales}
    try:
        for scale in scales:
            sizes.append(start_size(scale))
        labels = [target["label"] for target in sizes[0].plan["targets"]]
        print(f"\n{SECONDS} s per page after a {WARMUP_SECONDS} s warm-up and "
              f"{BARE_SECONDS} s of the bare view, at {' then '.join(f'{s}x' for s in scales)}"
              f", {ROUNDS} rounds (the best kept)", flush=True)
        for position, label in enumerate(labels):
            runs: dict[int, list[dict]] = {size.scale: [] for size in sizes}
            for _ in range(ROUNDS):
                for size in sizes:
                    target = size.plan["targets"][position]
                    assert target["label"] == label, "every size measures the same pages"
                    runs[size.scale].append(measure_page(size, target, results[size.scale]))
            for size in sizes:
                result = results[size.scale][label] = best_run(runs[size.scale])
                print_figures(f"{label} {size.scale}x", result,
                              share_of_bare(results[size.scale], label)
                              if "bare_req_per_s" in result else None)
    finally:
        for size in sizes:
            stop_server(size.server)
    for size in sizes:
        if size.log.stat().st_size:
            print(f"  The server logged errors: {size.log}", flush=True)
    return results, {size.scale: size.plan["dataset"] for size in sizes}


def best_run(runs: list[dict]) -> dict:
    """The run of a page to keep among its rounds at one size: a failing one if any (a
    failure is never hidden by a clean run), else the one with the most requests a
    second. On a shared machine, neighbours only ever slow a run down: the best run is
    the nearest to what the code costs. Its bare view is the one measured beside it."""
    failing = [run for run in runs if run.get("error") or run["non_200"]
               or run["socket_errors"] or run["not_saved"]]
    return failing[0] if failing else max(runs, key=lambda run: run["req_per_s"])


def print_figures(label: str, result: dict, share: float | None) -> None:
    wrong = [result.get("error", "")] + [f"{result[key]} {what}" for key, what in [
        ("non_200", "not 200"), ("socket_errors", "socket errors"),
        ("not_saved", "not saved")] if result[key]]
    print(f"  {label:<28} p50 {result['p50_ms']:7.1f} ms  "
          f"p95 {result['p95_ms']:7.1f} ms  {result['req_per_s']:7.1f} req/s  "
          + (f"({share:.0%} of bare) " if share is not None else "")
          + f"{result['requests']:5} requests  {', '.join(filter(None, wrong))}".rstrip(),
          flush=True)


# The report.


def share_of_bare(run: dict[str, dict], label: str) -> float | None:
    """The page's req/s as a share of the bare view's: the run just before the page's
    (`bare_req_per_s`), or else the bare view's own."""
    bare = run[label].get("bare_req_per_s") or run[BARE]["req_per_s"]
    return run[label]["req_per_s"] / bare if bare else None


def growth_factor(results: dict[int, dict[str, dict]], label: str) -> float | None:
    """10x p50 / 1x p50 (None when a size gave no answer)."""
    small, large = results[1][label], results[10][label]
    if not (small["requests"] and large["requests"] and small["p50_ms"]):
        return None
    return large["p50_ms"] / small["p50_ms"]


def missed_goals(results: dict[int, dict[str, dict]]) -> list[tuple[str, list[str]]]:
    """Each goal with the pages that miss it (an empty list: met). Growth needs 1x and
    10x, latency is judged at 10x; a size not measured leaves its goals unchecked."""
    scales = sorted(results)
    labels = list(results[scales[0]])
    pages = [label for label in labels if label != BARE]
    answers, growth, latency, throughput = [], [], [], []
    for scale in scales:
        for label in labels:
            figures = results[scale][label]
            wrong = figures["non_200"] + figures["socket_errors"] + figures["not_saved"]
            if "error" in figures:
                answers.append(f"{label} at {scale}x: not measured, {figures['error']}")
            elif not figures["requests"]:
                answers.append(f"{label} at {scale}x: no answer within the run")
            elif wrong:
                answers.append(f"{label} at {scale}x: {figures['non_200']} not 200, "
                               f"{figures['socket_errors']} socket errors, "
                               f"{figures['not_saved']} autosaves refused")
        for label in pages:
            share = share_of_bare(results[scale], label)
            least = OWN_MIN_SHARE.get(label, MIN_SHARE_OF_BARE)
            if share is None or share < least:
                shown = "unknown" if share is None else f"{share:.0%}"
                throughput.append(f"{label} at {scale}x: {shown} (goal {least:.0%})")
    if 1 in results and 10 in results:
        for label in pages:
            factor = growth_factor(results, label)
            if factor is None or factor > MAX_GROWTH:
                growth.append(f"{label}: {'unknown' if factor is None else f'{factor:.2f}'}")
    if 10 in results:
        for label in pages:
            p95, goal = results[10][label]["p95_ms"], FAST_PAGES.get(label, MAX_P95_MS)
            if p95 >= goal:
                latency.append(f"{label}: {p95:.1f} ms (goal < {goal} ms)")
    goals = [("Every answer a 200 (autosave: saved)", answers)]
    if 1 in results and 10 in results:
        goals.append((f"Bounded work: 10x p50 at most {MAX_GROWTH}x the 1x p50", growth))
    if 10 in results:
        fast = ", ".join(FAST_PAGES)
        goals.append((f"p95 under {MAX_P95_MS} ms at 10x ({fast}: under 30 ms)", latency))
    goals.append((f"Throughput at least {MIN_SHARE_OF_BARE:.0%} of the bare view's req/s "
                  "(live suggestions: 50%), at every size", throughput))
    return goals


def table(results: dict[int, dict[str, dict]]) -> list[str]:
    """The results as a Markdown table: one row per page, the sizes side by side."""
    scales = sorted(results)
    labels = list(results[scales[0]])
    growing = 1 in results and 10 in results
    head = ["page"]
    for column in ["p50 ms", "p95 ms", "p99 ms", "req/s", "of bare"]:
        head += [f"{column} {scale}x" for scale in scales]
    if growing:
        head.append("growth")
    rows = [head, ["---"] + ["---:"] * (len(head) - 1)]
    for label in labels:
        row = [label]
        for key in ["p50_ms", "p95_ms", "p99_ms"]:
            row += [f"{results[scale][label][key]:.1f}" if results[scale][label]["requests"]
                    else "no answer" for scale in scales]
        row += [f"{results[scale][label]['req_per_s']:.0f}" for scale in scales]
        shares = [None if label == BARE else share_of_bare(results[scale], label)
                  for scale in scales]
        row += ["" if share is None else f"{share:.0%}" for share in shares]
        if growing:
            factor = growth_factor(results, label)
            row.append("" if factor is None else f"{factor:.2f}")
        rows.append(row)
    return ["| " + " | ".join(row) + " |" for row in rows]


def bare_drift(results: dict[int, dict[str, dict]]) -> list[str]:
    """How far the bare view's req/s moved over the runs beside the pages, per size."""
    spans = [f"{scale}x {min(beside):.0f}-{max(beside):.0f}"
             for scale, run in sorted(results.items()) if (beside := run[BARE].get("beside"))]
    if not spans:
        return []
    return [f"The bare view beside the pages ran at (req/s): {'; '.join(spans)}."]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    ram = ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                   if line.startswith("model name"))
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
        ram = f", {kib / 1024 ** 2:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores{ram}; load average at the start {load}"


def versions(postgres: str) -> str:
    said = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    wrk = (said.stdout + said.stderr).split()
    return (f"PostgreSQL {postgres}, Python {platform.python_version()}, "
            f"Django {importlib.metadata.version('django')}, "
            f"gunicorn {importlib.metadata.version('gunicorn')}, "
            f"wrk {wrk[1] if len(wrk) > 1 else 'unknown'}")


def write_report(results: dict, datasets: dict, goals: list, started: datetime.datetime,
                 host: str) -> str:
    sizes = "; ".join(
        f"{scale}x: {data['contacts']:,} contacts, {data['debriefs']:,} debriefs, "
        f"{data['follow_ups']:,} follow-ups for the client, {data['coach_clients']:,} clients "
        f"for the coach" for scale, data in sorted(datasets.items())
    )
    postgres = next(iter(datasets.values()))["postgres"]
    overrides = " ".join(f"{name}={os.environ[name]}" for name in
                         ["BENCH_SCALES", "BENCH_SECONDS", "BENCH_WARMUP_SECONDS",
                          "BENCH_BARE_SECONDS", "BENCH_ROUNDS"]
                         if name in os.environ)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`config/bench.py`) on every run; the goals are issue 10's.",
        "",
        f"- **Date:** {started:%Y-%m-%d %H:%M %Z}".rstrip(),
        f"- **Command:** `{(overrides + ' ') if overrides else ''}make bench`",
        f"- **Machine:** {host}",
        f"- **Software:** {versions(postgres)}",
        "- **Server:** gunicorn, 2 sync workers, DEBUG off, on loopback, on the same machine "
        "as PostgreSQL and wrk; one server per size, measured one at a time",
        f"- **Load:** wrk, {CONNECTIONS} connections on {THREADS} threads (autosave: "
        f"{CONNECTIONS} threads, one debrief per connection), signed in, {SECONDS} s per "
        f"page after a {WARMUP_SECONDS} s warm-up, the bare view again for {BARE_SECONDS} s "
        "just before each page, each page at 1x then at once at 10x; that "
        f"{ROUNDS} times, and the run with the most requests a second kept for each page and "
        "size (a failing run if any); every answer must be a 200",
        f"- **Data sets:** {sizes}",
        "- **Page cache:** on, as in production: wrk opens the same page again and again, "
        "so the GET pages' figures are those of a kept page (docs/architecture.md, \"The "
        "page cache\"); the live suggestions and autosave are built every time, the "
        "live suggestions from what was read around the debrief within the minute (kept "
        "while the client's network does not change: autosave leaves it)",
        "",
        "Times in ms; *of bare*: the page's req/s as a share of the bare view's (a "
        "signed-in `HttpResponse` through the same middleware), measured just before the "
        "page on the same server; *growth*: 10x p50 / 1x p50. The bare view's row is its "
        "own first run.",
        "",
        *table(results),
        "",
        *bare_drift(results),
        "",
        "## Goals",
        "",
    ]
    for goal, misses in goals:
        lines.append(f"- {'missed' if misses else 'met'}: {goal}")
        lines += [f"  - {miss}" for miss in misses]
    if set(results) != {1, 10}:
        lines += ["", "Not every size was measured: the goals that need 1x and 10x were not "
                  "checked."]
    text = "\n".join(lines) + "\n"
    DOC.write_text(text)
    return text


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk, the load generator: install Debian's package "
                         "(sudo apt-get install wrk; `make bench` tries it) or put wrk on PATH.")
    started, host = datetime.datetime.now().astimezone(), machine()
    results, datasets = measure_sizes(SCALES)
    goals = missed_goals(results)
    print("\n" + write_report(results, datasets, goals, started, host))
    missed = [goal for goal, misses in goals if misses]
    if missed:
        print(f"Goals missed ({len(missed)}): see the list above; written to {DOC.name}.")
        return 1
    print(f"All goals met; written to docs/{DOC.name}.")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(int(sys.argv[2]), Path(sys.argv[3]))
        sys.exit(0)
    sys.exit(main())
