"""What a keyboard or screen-reader user gets from the htmx updates, the segmented
buttons, the Copy buttons and the tiers graph on a phone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    CoachFactory,
    ContactFactory,
    DebriefFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)


def test_a_status_change_is_announced_and_focus_stays_on_the_pressed_button(
        page, transactional_db):
    priya = UserFactory(email="priya@example.com")
    sarah = ContactFactory(owner=priya, name="Sarah Chen")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto(f"/contacts/{sarah.pk}/")

    page.get_by_role("button", name="Reached out").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#htmx-announcer")).to_contain_text("Status: Reached out.")
    expect(page.get_by_role("button", name="Reached out")).to_be_focused()
    expect(page.get_by_role("button", name="Reached out")).to_have_attribute(
        "aria-pressed", "true")


def test_the_number_of_matching_contacts_is_announced_while_searching(page, transactional_db):
    priya = UserFactory(email="priya@example.com")
    ContactFactory(owner=priya, name="Sarah Chen", organisation="Medwise")
    ContactFactory(owner=priya, name="James Patel", organisation="Halden Consulting")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto("/contacts/")

    page.get_by_label("Search").press_sequentially("medw", delay=30)
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page.locator("#htmx-announcer")).to_contain_text("1 of 2 contacts match")
    expect(page.get_by_label("Search")).to_be_focused()


def test_a_coach_comment_is_announced_and_focus_returns_to_the_comment_box(
        page, transactional_db):
    carol = CoachFactory(email="carol@example.com")
    alice = UserFactory(email="alice@example.com", coach=carol)
    debrief = DebriefFactory(meeting__owner=alice)
    log_in(page, "carol@example.com", PASSWORD)
    page.goto(f"/coach/debriefs/{debrief.pk}/")

    page.get_by_label("Your comment").fill("Ask for two names next time.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment")).to_contain_text("Ask for two names next time.")
    expect(page.locator("#htmx-announcer")).to_have_text("Comment posted.")
    expect(page.get_by_role("button", name="Post comment")).to_be_focused()


def test_segmented_buttons_are_a_radio_group_named_by_their_question(page, transactional_db):
    priya = UserFactory(email="priya@example.com")
    meeting = MeetingFactory(owner=priya, status="held")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto(f"/meetings/{meeting.pk}/debrief/")

    group = page.get_by_role("radiogroup", name="Did you deliver your stump speech?")
    expect(group.get_by_role("radio")).to_have_count(3)
    group.get_by_role("radio", name="Yes").check()
    page.keyboard.press("ArrowRight")  # arrow keys move the choice, as in any radio group
    expect(group.get_by_role("radio", name="Partly")).to_be_checked()
    expect(group.get_by_role("radio", name="Partly")).to_be_focused()


def test_the_calendar_and_invitation_links_show_in_full_with_a_copy_button(
        page, transactional_db):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    carol = CoachFactory(email="carol@example.com")
    InvitationFactory(coach=carol, email="new@example.com")
    log_in(page, "carol@example.com", PASSWORD)

    page.goto("/accounts/invitations/")
    link = page.locator(".copy-value").first
    expect(link).to_contain_text(re.compile(r"/accounts/invite/[0-9a-f-]{36}/"))
    page.get_by_role("button", name=re.compile("Copy the invitation link")).click()
    expect(page.locator(".copy-status").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link.inner_text().strip()

    page.context.clear_cookies()
    UserFactory(email="priya@example.com")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto("/accounts/")
    page.get_by_role("button", name="Copy the calendar link").click()
    expect(page.locator("#calendar .copy-status")).to_have_text("Copied")
    assert "/calendar/" in page.evaluate("navigator.clipboard.readText()")


def test_on_a_phone_the_referral_tree_is_a_list_of_chains_with_no_clipped_names(
        page, transactional_db):
    priya = UserFactory(email="priya@example.com")
    sarah = ContactFactory(owner=priya, name="Sarah Chen")
    ethan = ContactFactory(owner=priya, name="Ethan Brooks-Montgomery", referred_by=sarah)
    ContactFactory(owner=priya, name="Grace Liu-Fairweather", referred_by=ethan)
    log_in(page, "priya@example.com", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/contacts/tiers/")

    expect(page.locator(".referral-tree-scroll")).to_be_hidden()
    chains = page.get_by_role("list", name="Referral tree as a list")
    expect(chains).to_be_visible()
    deepest = chains.get_by_role("link", name="Grace Liu-Fairweather")
    expect(deepest).to_be_visible()
    box = deepest.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator(".referral-tree-scroll")).to_be_visible()
    expect(chains).to_be_hidden()
