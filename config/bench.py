"""`make bench`: speed and load goals, measured against a real server on this machine.

Steps:
1. Use a separate database (`<DATABASE_URL's name>_bench` on the same server), migrate it
   and fill it once with a large data set: a client with 2,000 contacts over six tiers and
   400 debriefed meetings, and a coach with 1,000 clients (2 shared debriefs each).
2. Start gunicorn (DEBUG off, 2 workers) on a loopback port with that database.
3. For each page, send a bounded number of requests from 4 threads with a signed-in
   session, and report p50 / p95 / max latency and throughput.
4. Exit 1 if any page misses its p95 goal (or answers anything but 200).

Only loopback traffic; every loop is bounded in count and the whole run in time.
"""

import datetime
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "40"))
THREADS = 4
SECRET = "bench-secret-key-not-for-production-0123456789abcdefghijklmnop"

BENCH_CLIENT = "bench-client@example.com"
BENCH_COACH = "bench-coach@example.com"
CONTACTS = 2000
MEETINGS = 400
COACH_CLIENTS = 1000


def bench_database_url() -> str:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/debriefs")
    name = dj_database_url.parse(url)["NAME"]
    head, _, tail = url.rpartition("/" + name)
    return f"{head}/{name}_bench{tail}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
    )
    import django

    django.setup()


def fill() -> None:
    """Create the bench data once (skipped when the bench client already exists)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from contacts.models import Contact
    from debriefs.models import Debrief, Meeting

    if User.objects.filter(email=BENCH_CLIENT).exists():
        return
    rng = random.Random(7)
    now = timezone.now()
    statuses = [choice for choice, _ in Contact.Status.choices]
    print("Filling the bench database (once)...", flush=True)
    with transaction.atomic():
        coach = User.objects.create_coach(BENCH_COACH, "bench-pass", first_name="Bench")
        client = User.objects.create_user(
            BENCH_CLIENT, "bench-pass", first_name="Bench", coach=coach
        )

        # 2,000 contacts over six tiers, each tier referred by the one before.
        previous, made = [], 0
        for tier, size in enumerate([300, 500, 500, 400, 200, 100], start=1):
            batch = [
                Contact(
                    owner=client,
                    name=f"Contact {tier}-{i} {rng.choice(['Ng', 'Ruiz', 'Okafor', 'Berg'])}",
                    organisation=rng.choice(["Medtech Ltd", "Pharma plc", "Health Consulting"]),
                    role_title=rng.choice(["Medical director", "Product lead", "Partner"]),
                    tags=[rng.choice(["pharma", "consulting", "health-tech"])],
                    status=rng.choice(statuses),
                    status_changed_at=now - datetime.timedelta(days=rng.randint(0, 30)),
                    referred_by=rng.choice(previous) if previous else None,
                    tier=tier,
                )
                for i in range(size)
            ]
            previous = Contact.objects.bulk_create(batch)
            made += size
        contacts = list(Contact.objects.filter(owner=client))

        meetings = Meeting.objects.bulk_create(
            Meeting(
                owner=client,
                contact=contact,
                contact_tier=contact.tier,
                starts_at=now - datetime.timedelta(days=rng.randint(1, 365)),
                status=Meeting.Status.HELD,
            )
            for contact in rng.sample(contacts, MEETINGS)
        )
        Debrief.objects.bulk_create(
            Debrief(
                owner=client,
                meeting=meeting,
                notes="Talked about the industry.",
                job_hinted=rng.random() < 0.2,
                wants_job=rng.choice(["yes", "no", "unsure", ""]),
                questions_led_by=rng.choice(["me", "them", "balanced"]),
                is_draft=False,
            )
            for meeting in meetings
        )

        # A coach with 1,000 clients, each with two shared debriefs.
        clients = User.objects.bulk_create(
            User(email=f"bench-c{i}@example.com", first_name=f"Client {i}", coach=coach)
            for i in range(COACH_CLIENTS)
        )
        their_contacts = Contact.objects.bulk_create(
            Contact(owner=c, name=f"Person of {c.first_name}", tier=1) for c in clients
        )
        their_meetings = Meeting.objects.bulk_create(
            Meeting(
                owner=contact.owner,
                contact=contact,
                contact_tier=1,
                starts_at=now - datetime.timedelta(days=rng.randint(1, 60)),
                status=Meeting.Status.HELD,
            )
            for contact in their_contacts
            for _ in range(2)
        )
        Debrief.objects.bulk_create(
            Debrief(
                owner=meeting.owner,
                meeting=meeting,
                notes="A meeting.",
                job_hinted=rng.random() < 0.3,
                wants_job=rng.choice(["no", "unsure", "yes"]),
                is_draft=False,
            )
            for meeting in their_meetings
        )


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pages() -> list[tuple[str, str, str, int]]:
    """(label, who, path, p95 goal in ms). Paths come from the URL names."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from contacts.models import Contact
    from debriefs.models import Debrief

    client = User.objects.get(email=BENCH_CLIENT)
    debrief = Debrief.objects.filter(owner=client).order_by("pk").first()
    # The tier-1 contact who referred the most people: the busiest detail page.
    busiest = (
        Contact.objects.filter(owner=client, tier=1)
        .annotate(referred=Count("referrals"))
        .order_by("-referred")
        .first()
    )
    shared = Debrief.objects.filter(owner__email="bench-c0@example.com").order_by("pk").first()
    wanted = [
        ("client home", BENCH_CLIENT, "home", [], 500),
        ("contacts list", BENCH_CLIENT, "contacts:list", [], 500),
        ("contacts search", BENCH_CLIENT, "contacts:list", [], 500),
        ("tiers board, 2,000 contacts", BENCH_CLIENT, "contacts:tiers", [], 1500),
        ("contact detail", BENCH_CLIENT, "contacts:detail", [busiest.pk], 500),
        ("meetings list", BENCH_CLIENT, "debriefs:meeting_list", [], 500),
        ("follow-ups", BENCH_CLIENT, "debriefs:follow_up_list", [], 500),
        ("new contact form", BENCH_CLIENT, "contacts:create", [], 500),
        ("new meeting form", BENCH_CLIENT, "debriefs:meeting_create", [], 500),
        ("debrief form", BENCH_CLIENT, "debriefs:debrief_edit", [debrief.meeting_id], 500),
        ("coach home, 1,000 clients", BENCH_COACH, "coach:home", [], 1500),
        ("coach review page", BENCH_COACH, "coach:review", [shared.pk], 500),
    ]
    result = []
    for label, who, name, args, goal in wanted:
        try:
            path = reverse(name, args=args)
        except NoReverseMatch as error:
            raise SystemExit(f"The bench names a page that no longer exists: {name}") from error
        if label == "contacts search":
            path += "?q=medical"
        result.append((label, who, path, goal))
    return result


def hit(url: str, cookie: str) -> tuple[int, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - start) * 1000


def wait_for_server(base: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    url = bench_database_url()
    subprocess.run(
        [sys.executable, "-m", "config.embedded_db", "--ensure", url],
        check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL,
    )
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    fill()
    cookies = {who: session_cookie(who) for who in (BENCH_CLIENT, BENCH_COACH)}
    targets = pages()

    base = f"http://127.0.0.1:{PORT}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"127.0.0.1:{PORT}", "--workers", "2", "--log-level", "warning"],
        cwd=BASE_DIR, env=os.environ.copy(),
    )
    failures = []
    try:
        wait_for_server(base, time.time() + 30)
        print(f"\n{'page':<30} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>7}  goal p95")
        for label, who, path, goal in targets:
            started = time.perf_counter()
            page_url, cookie = base + path, cookies[who]
            hit(page_url, cookie)  # warm up
            with ThreadPoolExecutor(THREADS) as pool:
                results = list(
                    pool.map(hit, [page_url] * REQUESTS_PER_PAGE, [cookie] * REQUESTS_PER_PAGE)
                )
            elapsed = time.perf_counter() - started
            times = sorted(ms for _, ms in results)
            bad = [status for status, _ in results if status != 200]
            p95 = times[int(len(times) * 0.95) - 1]
            ok = p95 <= goal and not bad
            print(
                f"{label:<30} {statistics.median(times):>8.0f} {p95:>8.0f} {times[-1]:>8.0f} "
                f"{len(times) / elapsed:>7.1f}  {goal} {'ok' if ok else 'MISSED'}"
                + (f" (statuses {sorted(set(bad))})" if bad else "")
            )
            if not ok:
                failures.append(label)
    finally:
        server.terminate()
        server.wait(10)
    if failures:
        print(f"\nGoals missed: {', '.join(failures)}")
        return 1
    print(f"\nAll {len(targets)} pages met their goals ({THREADS} concurrent clients).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
