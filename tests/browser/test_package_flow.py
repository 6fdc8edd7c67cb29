import datetime

from django.utils import timezone
from playwright.sync_api import expect

from debriefs.models import Meeting, Package
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ContactFactory, MeetingFactory, UserFactory


def test_a_client_fills_the_package_in_place_and_reads_it_on_the_prep_sheet(
        page, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    nadia = ContactFactory(owner=priya, name="Nadia Karim", organisation="Brightline")
    meeting = MeetingFactory(owner=priya, contact=nadia, status=Meeting.Status.PLANNED,
                             starts_at=timezone.now() + datetime.timedelta(days=3))
    log_in(page, "priya@example.com", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Package").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Package")
    expect(page.locator("#package-gaps")).to_contain_text("“What I want to do” is empty")

    page.get_by_label("What I want to do").fill(
        "Clinical product work in health tech, translating between the ward and engineers.")
    page.get_by_label("Competency", exact=True).first.fill("Clinical safety")
    page.get_by_label("Example story").first.fill("I ran the hazard log for our alerts.")
    page.get_by_role("button", name="Save the Package").click()
    expect(page.locator(".form-actions")).to_contain_text("Saved ")  # swapped in place
    expect(page.locator("#package-gaps")).not_to_contain_text("“What I want to do” is empty")
    expect(page.get_by_role("button", name="Save the Package")).to_be_visible()
    assert Package.objects.get(owner=priya).competencies.get().name == "Clinical safety"

    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Prepare").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nadia Karim")
    expect(page.locator("#stump-speech")).to_contain_text("translating between the ward")
    expect(page.locator("#competencies")).to_contain_text("I ran the hazard log")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
