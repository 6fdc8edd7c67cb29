"""A client logs a meeting and its debrief, watching the next steps respond as they type."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Contact
from debriefs.models import Debrief, FollowUp
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ContactFactory, MeetingFactory, UserFactory


def suggestion(page, code):
    return page.locator(f'#suggestions [data-suggestion="{code}"]')


def test_a_client_logs_a_meeting_debriefs_it_and_follows_the_next_steps(page, db):
    alice = UserFactory(email="alice@example.com", first_name="Alice")
    lena = ContactFactory(owner=alice, name="Lena Fischer", organisation="Halden")
    log_in(page, "alice@example.com", PASSWORD)

    # Log the meeting that just happened.
    page.goto(f"/meetings/new/?contact={lena.pk}")
    expect(page.get_by_role("combobox", name="Who you are meeting")).to_have_value(
        "Lena Fischer · Halden (tier 1)")
    expect(page.locator("select[name=contact]")).to_have_value(str(lena.pk))
    page.locator("#field-status label", has_text="Held").click()
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/debrief/$"))
    expect(page.get_by_role("heading", name=re.compile("Debrief: Lena Fischer"))).to_be_visible()
    expect(suggestion(page, "send-thank-you")).to_be_visible()

    # The hard case: a job was hinted at that Alice does not want.
    page.locator("#field-job_hinted label", has_text="Yes").click()
    page.locator("#field-wants_job label", has_text="No").click()
    expect(suggestion(page, "treat-as-informational")).to_be_visible()
    expect(suggestion(page, "prepare-job-interview")).to_have_count(0)
    # She changes her mind: now it is a job interview to prepare.
    page.locator("#field-wants_job label", has_text="Yes").click()
    expect(suggestion(page, "prepare-job-interview")).to_be_visible()
    expect(suggestion(page, "treat-as-informational")).to_have_count(0)
    page.locator("#field-wants_job label", has_text="No").click()
    expect(suggestion(page, "treat-as-informational")).to_be_visible()

    # Typing is saved as a draft without pressing anything.
    page.get_by_label("In a few lines: what happened?").fill("She may offer me a role.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved")
    for _ in range(50):  # the last autosave may still be on its way
        if Debrief.objects.get().notes == "She may offer me a role.":
            break
        page.wait_for_timeout(100)
    assert Debrief.objects.get().notes == "She may offer me a role."

    # A name given in the meeting becomes a contact at the next tier, without leaving.
    page.get_by_label("Names you were given").fill("Tom Becker")
    expect(suggestion(page, "add-referrals")).to_be_visible()
    # Its action opens the mini-form with the name already filled in.
    suggestion(page, "add-referrals").get_by_role("link", name="Add Tom Becker").click()
    expect(page.locator("#id_referral-name")).to_have_value("Tom Becker")
    page.locator("#id_referral-organisation").fill("Halden")
    page.get_by_role("button", name="Add referral").click()
    added = page.locator('#referrals [data-referral]', has_text="Tom Becker")
    expect(added).to_contain_text("Tier 2")
    expect(suggestion(page, "add-referrals")).to_have_count(0)
    expect(suggestion(page, "contact-referral")).to_be_visible()
    tom = Contact.objects.get(name="Tom Becker")
    assert (tom.tier, tom.referred_by) == (2, lena)

    # Accept the thank-you suggestion: it becomes a follow-up.
    suggestion(page, "send-thank-you").get_by_role("button", name=re.compile("Accept")).click()
    expect(page.locator("#suggestions .panel-follow-ups")).to_contain_text(
        "Send Lena Fischer a thank-you note")
    expect(suggestion(page, "send-thank-you")).to_have_count(0)
    assert FollowUp.objects.get().suggestion_code == "send-thank-you"

    page.get_by_role("button", name="Save debrief").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Debrief saved")
    assert not Debrief.objects.get().is_draft

    # The accepted follow-up shows on the home page.
    page.goto("/")
    thank_you = page.locator(".follow-up", has_text="Send Lena Fischer a thank-you note")
    expect(thank_you).to_be_visible()

    # And Tom sits on the tiers board in the tier 2 column.
    page.goto(reverse("contacts:tiers"))
    tier_2 = page.locator(".tier-column", has=page.locator("#tier-2-heading"))
    expect(tier_2.locator(".tier-person-name", has_text="Tom Becker")).to_be_visible()


def test_typing_the_notes_asks_nothing_of_the_next_steps_and_a_choice_does(page, db):
    alice = UserFactory(email="alice@example.com", first_name="Alice")
    meeting = MeetingFactory(owner=alice, contact__name="Lena Fischer")
    asked = []
    page.on("request", lambda request: asked.append(request.url)
            if request.url.endswith("/debrief/suggestions/") else None)
    log_in(page, "alice@example.com", PASSWORD)
    page.goto(reverse("debriefs:debrief_edit", args=[meeting.pk]))

    page.get_by_label("In a few lines: what happened?").fill("She may offer me a role.")
    page.get_by_label("What did you learn?").fill("Regulation is the bottleneck.")
    expect(page.locator("#save-status")).to_contain_text("Draft saved")
    page.wait_for_timeout(1000)  # twice the panel's pause after typing
    assert asked == []

    page.locator("#field-job_hinted label", has_text="Yes").click()
    expect(suggestion(page, "reconsider-interest")).to_be_visible()
    assert len(asked) == 1
