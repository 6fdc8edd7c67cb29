"""Drafting a note in the browser: from the debrief's next steps, the thank-you opens in
place, "I sent it" records it, and the thank-you step is gone."""

import re

from playwright.sync_api import expect

from debriefs.models import Debrief
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ContactFactory, DebriefFactory, MeetingFactory, UserFactory


def test_a_thank_you_drafted_from_the_debrief_and_marked_sent_leaves_the_steps(page, db):
    alice = UserFactory(email="alice@example.com", first_name="Alice", last_name="Martin")
    lena = ContactFactory(owner=alice, name="Lena Fischer", email="lena@halden.example")
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena),
                             thank_you_sent_on=None, referral_names="Paul Nguyen",
                             learnt="Halden hires clinicians for short advisory work.")
    log_in(page, "alice@example.com", PASSWORD)

    page.goto(f"/meetings/{debrief.meeting.pk}/debrief/")
    card = page.locator('#suggestions [data-suggestion="send-thank-you"]')
    card.get_by_role("link", name="Draft the note").click()
    note = card.get_by_label("Note", exact=True)
    expect(note).to_be_focused()
    expect(note).to_have_value(
        re.compile(r"Dear Lena,.*Halden hires clinicians", re.S)
    )
    expect(card.get_by_role("button", name="Copy")).to_be_visible()
    mail = card.get_by_role("link", name="Open in my mail")
    expect(mail).to_have_attribute("href", re.compile(r"^mailto:lena@halden"))
    note.fill("Dear Lena,\n\nThank you, really.\n\nAlice")
    expect(mail).to_have_attribute("href", re.compile("Thank%20you%2C%20really"))

    card.get_by_role("button", name="I sent it").click()
    expect(page.locator(".messages")).to_contain_text("Thank-you noted as sent")
    expect(page).to_have_url(f"{page.url.split('/meetings/')[0]}/meetings/"
                             f"{debrief.meeting.pk}/debrief/")
    expect(page.locator('#suggestions [data-suggestion="send-thank-you"]')).to_have_count(0)
    assert Debrief.objects.get(pk=debrief.pk).thank_you_sent_on is not None
