"""Next steps you can trust, in the browser: a step accepted on the home page is neither
offered again on the debrief nor doubled among the follow-ups; after Accept, keyboard
focus lands on the next suggestion, not on the page itself."""

from playwright.sync_api import expect

from debriefs.models import FollowUp
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ContactFactory, DebriefFactory, MeetingFactory, UserFactory


def test_a_step_accepted_on_the_home_page_is_not_offered_again_or_doubled(page, db):
    alice = UserFactory(email="alice@example.com", first_name="Alice")
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena),
                             referral_names="Paul Nguyen", thank_you_sent_on="2026-11-20")
    ContactFactory(owner=alice, name="Paul Nguyen", referred_by=lena,
                   referred_in=debrief.meeting)
    log_in(page, "alice@example.com", PASSWORD)

    page.goto("/")
    step = page.locator('.suggestions [data-suggestion="contact-referral"]')
    expect(step).to_contain_text("Write to Paul Nguyen")
    expect(step.get_by_role("button", name="Dismiss")).to_be_visible()
    step.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Added to your follow-ups")
    expect(page.locator('.suggestions [data-suggestion="contact-referral"]')).to_have_count(0)

    page.goto(f"/meetings/{debrief.meeting.pk}/")
    expect(page.locator('[data-suggestion="contact-referral"]')).to_have_count(0)
    page.goto(f"/meetings/{debrief.meeting.pk}/debrief/")
    expect(page.locator('#suggestions [data-suggestion="contact-referral"]')).to_have_count(0)

    page.goto("/follow-ups/")
    expect(page.locator("[data-follow-up]", has_text="Write to Paul Nguyen")).to_have_count(1)
    assert FollowUp.objects.filter(contact__name="Paul Nguyen").count() == 1


def test_after_accepting_by_keyboard_focus_moves_to_the_next_suggestion(page, db):
    alice = UserFactory(email="alice@example.com", first_name="Alice")
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena),
                             thank_you_sent_on=None, referral_names="",
                             questions_led_by="them", impression="positive")
    log_in(page, "alice@example.com", PASSWORD)
    page.goto(f"/meetings/{debrief.meeting.pk}/debrief/")
    first = page.locator("#suggestions [data-suggestion]").first
    expect(first).to_be_visible()
    first.get_by_role("button", name="Accept").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#suggestions .message-success")).to_be_visible()
    # htmx settles the swap a moment after the new panel shows.
    page.wait_for_function("document.activeElement !== document.body")
    assert page.evaluate("!!document.activeElement.closest('#suggestions')")
