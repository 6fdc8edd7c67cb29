"""axe-core over every page of each role, on a laptop and a phone, in light and dark mode.

One seeded world (`seed_demo`) and one browser context per role, size and colour scheme
keep it to a few minutes. The bar: no violation of impact serious or critical anywhere;
a moderate one is fixed, or listed in MODERATE_ACCEPTED with its reason (minor ones are
not counted). Found and fixed when this test was written: colour contrast of the tier-4
badge and column heading, the dormant pill and the dark-mode buttons; the tier columns'
scrollable region (not focusable, then a duplicate landmark name).
"""

import io

from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Invitation, User
from contacts.models import Contact
from debriefs.models import Debrief, Meeting
from tests.browser.conftest import log_in

PASSWORD = "debrief-demo"
SIZES = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")

# Moderate violations we keep, by axe rule id, with the reason. Empty: none is accepted.
MODERATE_ACCEPTED: dict[str, str] = {}


def client_pages(client: User) -> list[str]:
    contact = Contact.objects.for_user(client).order_by("pk").first()
    held = Meeting.objects.for_user(client).held().order_by("pk").first()
    planned = Meeting.objects.for_user(client).planned().order_by("pk").first()
    return [
        reverse("home"),
        reverse("contacts:list"),
        reverse("contacts:create"),
        reverse("contacts:detail", args=[contact.pk]),
        reverse("contacts:edit", args=[contact.pk]),
        reverse("contacts:delete", args=[contact.pk]),
        reverse("contacts:tiers"),
        reverse("contacts:import"),
        reverse("debriefs:meeting_list"),
        reverse("debriefs:meeting_create"),
        reverse("debriefs:meeting_detail", args=[held.pk]),
        reverse("debriefs:meeting_detail", args=[planned.pk]),
        reverse("debriefs:meeting_edit", args=[planned.pk]),
        reverse("debriefs:meeting_prep", args=[planned.pk]),
        reverse("debriefs:debrief_edit", args=[held.pk]),
        reverse("debriefs:follow_up_list"),
        reverse("debriefs:follow_up_create"),
        reverse("debriefs:package"),
        reverse("debriefs:method"),
        reverse("coach:conversations"),
        reverse("accounts:account"),
        reverse("accounts:password_change"),
        reverse("debriefs:account_delete"),
    ]


def coach_pages(coach: User) -> list[str]:
    client = coach.clients.order_by("pk").first()
    debrief = Debrief.objects.shared_with_coach(coach).order_by("pk").first()
    return [
        reverse("coach:home"),
        reverse("coach:client_detail", args=[client.pk]),
        reverse("coach:client_tiers", args=[client.pk]),
        reverse("coach:review", args=[debrief.pk]),
        reverse("accounts:invitation_list"),
        reverse("accounts:account"),
    ]


def anonymous_pages() -> list[str]:
    invitation = Invitation.objects.order_by("pk").first()
    pages = [
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("accounts:password_reset"),
    ]
    if invitation:
        pages.append(reverse("accounts:invitation", args=[invitation.token]))
    return pages


def axe_findings(page, axe: Axe, path: str, where: str) -> list[str]:
    response = page.goto(path)
    assert response.status == 200, f"{where} {path}: {response.status}"
    page.wait_for_load_state("networkidle")
    results = axe.run(page)
    findings = []
    for violation in results.response["violations"]:
        impact = violation["impact"]
        if impact == "minor" or (
            impact == "moderate" and violation["id"] in MODERATE_ACCEPTED
        ):
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        findings.append(f"{where} {path}: {impact} {violation['id']} {targets}")
    return findings


def test_no_serious_or_moderate_axe_violations_on_any_page(browser, live_server, db):
    call_command("seed_demo", stdout=io.StringIO())
    client = User.objects.get(email="client@example.com")
    coach = User.objects.get(email="coach@example.com")
    roles = {
        "client": (client.email, client_pages(client)),
        "coach": (coach.email, coach_pages(coach)),
        "anonymous": (None, anonymous_pages()),
    }
    axe = Axe()
    findings = []
    for role, (email, paths) in roles.items():
        for size_name, viewport in SIZES.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    base_url=live_server.url,
                    viewport=viewport,
                    color_scheme=scheme,
                    bypass_csp=True,
                )
                page = context.new_page()
                page.set_default_timeout(10_000)
                if email:
                    log_in(page, email, PASSWORD)
                for path in paths:
                    findings += axe_findings(page, axe, path, f"{role} {size_name} {scheme}")
                context.close()
    assert not findings, "axe-core violations:\n" + "\n".join(findings)
