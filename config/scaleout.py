"""`make scaleout-demo`: two app servers and task workers on one PostgreSQL, behind nginx.

Steps:
1. Start a throwaway PostgreSQL (config/loadtest.py's: a temp folder, a unix socket, deleted
   at the end; never the development server or any other), migrate, load the demo data and
   collect the static files.
2. Start two gunicorn app servers with production settings (DEBUG off) on two free loopback
   ports, one task worker (`manage.py db_worker`, emails printed to its log), and nginx
   (Debian's, `nginx -c` with a config in the temp folder, no daemon) on a third port,
   balancing over both servers and retrying an idempotent request on the other server when
   one fails to answer.
3. Check with real HTTP requests, each through one server and then the other:
   - a session made by signing in through server A works through server B;
   - an import previewed through A is confirmed through B;
   - a debrief draft autosaved through A is read through B, where the stale version is
     refused;
   - the daily digest, queued by cron on both servers, and an invitation made through A, are
     sent exactly once by the worker, then again with a second worker running;
   - failed logins through A and B count together towards the lockout;
   - with load running through nginx, server B is killed (SIGKILL): every request is
     answered (nginx retries on A); the counts are printed.
4. Print a table of the checks and exit 1 if any failed.

SCALEOUT_WORKERS sets gunicorn workers per app server (2).
"""

import contextlib
import http.client
import http.cookies
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from config.loadtest import BASE_DIR, DebriefFields, ThrowawayPostgres, setup_django

GUNICORN_WORKERS = int(os.environ.get("SCALEOUT_WORKERS", "2"))
CLIENT, COACH, PASSWORD = "client@example.com", "coach@example.com", "debrief-demo"
TIMEOUT = 30
INVITATIONS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install nginx-light (the Makefile's "
                         "scaleout-demo target does it).")
    return found


@dataclass
class Answer:
    status: int
    body: str
    headers: http.client.HTTPMessage | None = None


class Browser:
    """One browser's cookies, sending requests to whichever port it is told."""

    def __init__(self) -> None:
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        self.cookies = {"csrftoken": self.csrf}

    def request(self, port: int, path: str, form: dict | None = None,
                file: tuple[str, bytes] | None = None, htmx: bool = False) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if file is not None:
            boundary = uuid.uuid4().hex
            name, content = file
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                    f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + \
                content + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]  # signing in rotates it
        if htmx:
            headers["HX-Request"] = "true"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            connection.request("GET" if body is None else "POST", path, body, headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            return Answer(0, "")
        finally:
            connection.close()
        for line in response.msg.get_all("Set-Cookie") or []:
            for morsel in http.cookies.SimpleCookie(line).values():
                self.cookies[morsel.key] = morsel.value
        return Answer(response.status, text, response.msg)

    def sign_in(self, port: int, email: str, password: str = PASSWORD) -> Answer:
        return self.request(port, "/accounts/login/", {"username": email, "password": password})


class Cluster:
    """The processes of the demo, all stopped at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = (self.root / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            command, cwd=BASE_DIR, env=env or os.environ.copy(), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    def app_server(self, name: str, port: int) -> None:
        self.start(name, [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                          "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS),
                          "--timeout", str(TIMEOUT), "--log-level", "warning",
                          "--no-control-socket"],
                   os.environ | {"TRUSTED_PROXIES": "1"})  # nginx in front

    def task_worker(self, name: str) -> None:
        env = os.environ | {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                            "PYTHONUNBUFFERED": "1"}
        self.start(name, [sys.executable, "manage.py", "db_worker", "--no-reload",
                          "--no-startup-delay", "--interval", "0.2", "--worker-id", name],
                   env)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)

    def stop_all(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")


def nginx_config(root: Path, port: int, upstreams: list[int]) -> Path:
    temp = root / "nginx"
    temp.mkdir()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;"
                        for p in upstreams)
    path = root / "nginx.conf"
    path.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  client_max_body_size 3m;
  upstream app {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://app;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # A request that got no answer is sent to the other server (nginx never resends a
      # POST that may have reached the first one).
      proxy_next_upstream error timeout http_502;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
""")
    return path


def wait_until_up(port: int, deadline: float) -> None:
    while time.time() < deadline:
        if Browser().request(port, "/healthz").status == 200:
            return
        time.sleep(0.3)
    raise SystemExit(f"nothing answered /healthz on port {port}")


def wait_for_queue(deadline: float) -> None:
    from django_tasks_db.models import DBTaskResult

    while time.time() < deadline:
        if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            return
        time.sleep(0.2)
    raise SystemExit("the task worker did not finish the queued tasks")


# ---------------------------------------------------------------------------------------
# The checks: each returns (passed, what it saw)


def check_session(a: int, b: int) -> tuple[bool, str]:
    browser = Browser()
    signed_in = browser.sign_in(a, CLIENT)
    home_on_b = browser.request(b, "/")
    stranger_on_b = Browser().request(b, "/")
    passed = (signed_in.status == 302 and home_on_b.status == 200
              and 'action="/accounts/logout/"' in home_on_b.body
              and stranger_on_b.status == 302)
    return passed, (f"sign-in via A {signed_in.status}, home via B {home_on_b.status}, "
                    f"without the cookie {stranger_on_b.status}")


def check_import(a: int, b: int) -> tuple[bool, str]:
    browser = Browser()
    browser.sign_in(a, CLIENT)
    name = f"Scaleout Person {secrets.token_hex(3)}"
    csv = f"name,email\n{name},{name.replace(' ', '.').lower()}@example.org\n".encode()
    preview = browser.request(a, "/contacts/import/", file=("people.csv", csv))
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.body)
    if preview.status != 200 or not token:
        return False, f"preview via A {preview.status}, no token: {preview.body[:300]!r}"
    confirm = browser.request(b, "/contacts/import/confirm/", {"token": token.group(1)})
    listed = browser.request(b, "/contacts/?" + urlencode({"q": name}))
    passed = confirm.status == 302 and "/contacts/import/" not in (
        confirm.headers.get("Location", "") if confirm.headers else "") and name in listed.body
    return passed, (f"preview via A {preview.status}, confirm via B {confirm.status}, "
                    f"contact listed via B: {name in listed.body}")


def check_autosave(a: int, b: int, meeting: int) -> tuple[bool, str]:
    browser = Browser()
    browser.sign_in(a, CLIENT)
    page = browser.request(a, f"/meetings/{meeting}/debrief/")
    parser = DebriefFields()
    parser.feed(page.body)
    opened = dict(parser.fields)
    text = f"Autosaved through server A ({secrets.token_hex(3)})."
    saved = browser.request(a, f"/meetings/{meeting}/debrief/autosave/",
                            opened | {"notes": text}, htmx=True)
    read = browser.request(b, f"/meetings/{meeting}/debrief/")
    stale = browser.request(b, f"/meetings/{meeting}/debrief/autosave/",
                            opened | {"notes": "Typed in an older tab."}, htmx=True)
    was_saved = "saved" in saved.body.lower() and "Not saved" not in saved.body
    refused = "another tab" in stale.body
    passed = was_saved and text in read.body and refused
    return passed, (f"autosave via A saved: {was_saved}, read via B: {text in read.body}, "
                    f"stale version via B refused: {refused}")


def sent_emails(cluster: Cluster, workers: list[str]) -> Counter:
    """(recipient, subject start) -> how many times the workers sent it."""
    sent = Counter()
    for worker in workers:
        for block in cluster.log(worker).split("-" * 79):
            to = re.search(r"^To: (.+)$", block, re.M)
            subject = re.search(r"^Subject: (.+)$", block, re.M)
            if to and subject:
                sent[(to.group(1).strip(), subject.group(1).strip()[:30])] += 1
    return sent


def check_emails(cluster: Cluster, a: int, b: int) -> list[tuple[str, bool, str]]:
    from django.utils import timezone

    from debriefs.models import DigestSent

    def cron() -> None:  # the documented cron line: it only enqueues
        subprocess.run([sys.executable, "manage.py", "send_reminders"], cwd=BASE_DIR,
                       check=True, stdout=subprocess.DEVNULL)

    coach = Browser()
    coach.sign_in(a, COACH)
    rows = []
    # One worker: cron fires on both servers, and a coach invites through server A.
    cron()
    cron()
    invited = coach.request(a, "/accounts/invitations/", {"email": "first@example.org"})
    wait_for_queue(time.time() + 60)
    sent = sent_emails(cluster, ["worker-1"])
    digests = {to: n for (to, subject), n in sent.items() if subject.startswith("Your next")}
    recorded = set(DigestSent.objects.filter(day=timezone.localdate())
                   .values_list("client__email", flat=True))
    invitation = sum(n for (to, _), n in sent.items() if to == "first@example.org")
    passed = (bool(digests) and set(digests) == recorded and set(digests.values()) == {1}
              and invited.status == 302 and invitation == 1)
    rows.append(("reminders, one worker", passed,
                 f"digest queued twice: {len(digests)} client(s), each sent "
                 f"{sorted(set(digests.values()))} time(s); invitation via A "
                 f"({invited.status}) sent {invitation} time(s)"))

    # A second worker joins; cron fires again on both, a coach invites through server B.
    cluster.task_worker("worker-2")
    time.sleep(1)
    cron()
    cron()
    coach_b = Browser()
    coach_b.sign_in(b, COACH)
    for n in range(INVITATIONS):
        coach_b.request(b, "/accounts/invitations/", {"email": f"second{n}@example.org"})
    wait_for_queue(time.time() + 60)
    sent = sent_emails(cluster, ["worker-1", "worker-2"])
    digests = {to: n for (to, subject), n in sent.items() if subject.startswith("Your next")}
    invitations = {to: n for (to, _), n in sent.items() if to.startswith("second")}
    by_worker = [sum(sent_emails(cluster, [w]).values()) for w in ("worker-1", "worker-2")]
    passed = (set(digests.values()) == {1} and len(invitations) == INVITATIONS
              and set(invitations.values()) == {1})
    rows.append(("reminders, two workers", passed,
                 f"digest queued twice more: still once each; {INVITATIONS} invitations via "
                 f"B, each sent {sorted(set(invitations.values()))} time(s); emails sent by "
                 f"worker 1 and 2 in all: {by_worker}"))
    return rows


def check_throttling(a: int, b: int) -> tuple[bool, str]:
    account = f"nobody-{secrets.token_hex(3)}@example.org"
    statuses = []
    for attempt in range(6):
        port = a if attempt % 2 == 0 else b
        statuses.append(Browser().sign_in(port, account, "wrong password").status)
    first_refusal = statuses.index(429) + 1 if 429 in statuses else None
    refused_on_both = statuses[-2:] == [429, 429]
    passed = first_refusal is not None and first_refusal <= 6 and refused_on_both \
        and 429 not in statuses[:4]
    return passed, (f"wrong passwords alternating A, B: {statuses} "
                    f"(locked after {first_refusal} attempts in all)")


def check_failover(cluster: Cluster, balancer: int, session_cookie: dict) -> tuple[bool, str]:
    """Eight users load pages through nginx while B is killed (SIGKILL). Every request must
    be answered but those B was in the middle of answering at that instant: nginx resends
    a request that got no answer, but an answer B had begun to send is cut, as it would be
    for a browser. Each user has at most one such request."""
    results: list[tuple[float, float, int, str]] = []  # started, ended, status, upstream
    began = time.monotonic()
    stop = threading.Event()

    def user() -> None:
        browser = Browser()
        browser.cookies |= session_cookie
        paths = ["/healthz", "/", "/contacts/", "/meetings/", "/accounts/login/"]
        n = 0
        while not stop.is_set():
            started = time.monotonic() - began
            answer = browser.request(balancer, paths[n % len(paths)])
            upstream = answer.headers.get("X-Upstream", "") if answer.headers else ""
            results.append((started, time.monotonic() - began, answer.status, upstream))
            n += 1

    threads = [threading.Thread(target=user) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    kill_began = time.monotonic() - began
    cluster.kill("app-b")
    kill_ended = time.monotonic() - began
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    failed = [r for r in results if not 200 <= r[2] < 400]
    cut = [r for r in failed if r[0] <= kill_ended and r[1] >= kill_began]
    after = [r for r in results if r[0] > kill_ended]
    retried = sum(1 for r in results if "," in r[3])
    servers = Counter(r[3].split(",")[-1].strip().rsplit(":", 1)[-1] for r in results)
    passed = len(failed) == len(cut) <= len(threads) and len(after) > 0 and len(results) > 50
    return passed, (f"{len(results)} requests, {len(failed)} failed ({len(cut)} in flight at "
                    f"the kill); {len(after)} after B was killed; {retried} retried on the "
                    f"other server; answered by port {dict(servers)}")


def report(rows: list[tuple[str, bool, str]]) -> int:
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'check'.ljust(width)}  result  what was seen")
    print(f"{'-' * width}  ------  {'-' * 60}")
    for name, passed, seen in rows:
        print(f"{name.ljust(width)}  {'PASS' if passed else 'FAIL':6}  {seen}")
    failed = [name for name, passed, _ in rows if not passed]
    print(f"\nFAILED: {', '.join(failed)}" if failed else "\nOK: every check passed.")
    return 1 if failed else 0


def main() -> int:
    nginx = find_nginx()
    print("Starting a throwaway PostgreSQL and loading the demo data...", flush=True)
    database = ThrowawayPostgres()
    cluster = Cluster(database.root)
    try:
        subprocess.run([sys.executable, "-m", "config.embedded_db", "--ensure", database.url],
                       check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
        setup_django(database.url)
        import io

        from django.core.management import call_command
        from django.db import connections

        from accounts.models import User
        from debriefs.models import Meeting

        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        call_command("collectstatic", verbosity=0, interactive=False)
        client = User.objects.get(email=CLIENT)
        meeting = Meeting.objects.for_user(client).held().order_by("pk").first().pk
        connections.close_all()

        a, b, balancer = free_port(), free_port(), free_port()
        cluster.app_server("app-a", a)
        cluster.app_server("app-b", b)
        cluster.task_worker("worker-1")
        cluster.start("nginx", [nginx, "-e", str(database.root / "nginx-error.log"),
                                "-p", str(database.root),
                                "-c", str(nginx_config(database.root, balancer, [a, b]))])
        for port in (a, b, balancer):
            wait_until_up(port, time.time() + 30)
        print(f"App servers on 127.0.0.1:{a} (A) and :{b} (B), nginx on :{balancer}, "
              f"{GUNICORN_WORKERS} gunicorn workers each, one task worker.", flush=True)

        health = Browser().request(balancer, "/healthz")
        rows = [("health via nginx", health.status == 200 and '"database": "ok"' in health.body,
                 f"{health.status} {health.body}")]
        rows.append(("session across servers", *check_session(a, b)))
        rows.append(("import across servers", *check_import(a, b)))
        rows.append(("autosave across servers", *check_autosave(a, b, meeting)))
        rows.extend(check_emails(cluster, a, b))
        signed_in = Browser()  # before the throttling check locks out this address
        signed_in.sign_in(a, CLIENT)
        rows.append(("login throttling across servers", *check_throttling(a, b)))
        rows.append(("one server killed mid-load",
                     *check_failover(cluster, balancer, {"sessionid":
                                                         signed_in.cookies["sessionid"]})))
        tracebacks = [name for name in cluster.processes
                      if "Traceback (most recent call last)" in cluster.log(name)]
        rows.append(("no traceback in any log", not tracebacks, ", ".join(tracebacks) or "none"))
        return report(rows)
    finally:
        cluster.stop_all()
        database.remove()


if __name__ == "__main__":
    sys.exit(main())
