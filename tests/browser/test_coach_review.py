import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CoachFactory, DebriefFactory, UserFactory


def test_a_coach_reviews_a_flagged_debrief_and_the_client_replies(page, db):
    carol = CoachFactory(email="carol@example.com", first_name="Carol", last_name="Whitfield")
    alice = UserFactory(
        email="alice@example.com", first_name="Alice", last_name="Moreau", coach=carol
    )
    flagged = DebriefFactory(
        meeting__owner=alice,
        meeting__contact__name="Omar Haddad",
        stump_speech_delivered="no",
        questions_led_by="me",
        referral_names="Grace Liu",
        notes="We went straight into their reorganisation.",
    )
    clean = DebriefFactory(
        meeting__owner=alice,
        meeting__contact__name="Sarah Chen",
        stump_speech_delivered="yes",
        questions_led_by="me",
        referral_names="Ethan Brooks",
    )
    DebriefFactory(
        meeting__owner=alice,
        meeting__contact__name="Secret Recruiter",
        is_private=True,
        stump_speech_delivered="no",
    )

    # The coach lands on their home and opens the review queue's first (flagged) debrief.
    log_in(page, "carol@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Secret Recruiter")
    queue = page.locator(".queue-item")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text("Omar Haddad")
    expect(queue.first).to_contain_text("No stump speech")
    queue.first.get_by_role("link", name=re.compile("Alice Moreau · Omar Haddad")).click()

    # The debrief, read-only, with its flag and why.
    expect(page).to_have_url(re.compile(rf"/coach/debriefs/{flagged.pk}/$"))
    expect(page.get_by_role("heading", name="No stump speech")).to_be_visible()
    expect(page.locator(".debrief-read")).to_contain_text(
        "We went straight into their reorganisation."
    )

    # A comment, posted through htmx without leaving the page.
    page.get_by_label("Your comment").fill("Open with your stump speech next time.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".comment")).to_contain_text("Open with your stump speech next time.")
    expect(page).to_have_url(re.compile(rf"/coach/debriefs/{flagged.pk}/$"))

    # Mark reviewed opens the next debrief in the queue.
    page.get_by_role("button", name=re.compile("Mark reviewed")).click()
    expect(page).to_have_url(re.compile(rf"/coach/debriefs/{clean.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Marked reviewed")

    # The private debrief is nowhere: not on the client's overview either.
    page.get_by_role("link", name="Alice Moreau").first.click()
    expect(page.get_by_role("heading", name="Shared debriefs")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Secret Recruiter")
    page.get_by_role("button", name="Log out").click()

    # The client sees the comment count, reads the comment and replies.
    log_in(page, "alice@example.com", PASSWORD)
    coach_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Coach")
    )
    expect(coach_link).to_contain_text("1")
    coach_link.click()
    page.get_by_role("link", name="Omar Haddad").click()
    thread = page.locator("#thread")
    expect(thread).to_contain_text("Open with your stump speech next time.")
    expect(thread).to_contain_text("Carol Whitfield viewed this debrief on")
    thread.get_by_label("Your comment").fill("Thanks, I will practise it.")
    thread.get_by_role("button", name="Reply to your coach").click()
    expect(page.locator("#thread .comment-mine")).to_contain_text("Thanks, I will practise it.")
    expect(coach_link).not_to_contain_text("1")
