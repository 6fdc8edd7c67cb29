import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ContactFactory, UserFactory


def test_a_client_searches_updates_a_status_adds_a_referral_and_reaches_the_tiers_board(
        page, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    sarah = ContactFactory(owner=priya, name="Sarah Chen", organisation="Medwise",
                           email="sarah@medwise.example")
    ContactFactory(owner=priya, name="Ethan Brooks", organisation="CarePath", referred_by=sarah)
    ContactFactory(owner=priya, name="James Patel", organisation="Halden Consulting")
    log_in(page, "priya@example.com", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(page.locator(".contact-row")).to_have_count(3)

    # Search as you type: the results narrow and the address bar keeps the query.
    page.get_by_label("Search").press_sequentially("carep", delay=30)
    expect(page.locator(".contact-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=carep"))
    expect(page.locator("#result-count")).to_contain_text("1 of 3 contacts match")

    page.get_by_role("link", name="Ethan Brooks").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ethan Brooks")
    expect(page.locator(".chain")).to_contain_text("Sarah Chen")

    # Quick status change without leaving the page.
    page.get_by_role("button", name="Reached out").click()
    expect(page.locator("#contact-status")).to_contain_text("Status: Reached out.")
    expect(page.get_by_role("button", name="Reached out")).to_have_attribute(
        "aria-pressed", "true")

    # Someone Ethan referred: the form checks the email on blur, then the tier follows.
    page.get_by_role("link", name="Add someone Ethan Brooks referred").click()
    page.get_by_label("Name", exact=True).fill("Grace Liu")
    page.get_by_label("Email").fill("sarah@medwise.example")
    page.get_by_label("Phone").click()
    expect(page.locator("#field-email")).to_contain_text("Sarah Chen already has this email")
    page.get_by_label("Email").fill("grace@brightline.example")
    page.get_by_label("Phone").click()
    expect(page.locator("#field-email .errorlist")).to_have_count(0)
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grace Liu")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tier 3")

    page.get_by_role("link", name="Tiers board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiers board")
    expect(page.get_by_role("heading", name="Tier 3", exact=True)).to_be_visible()
    expect(page.locator(".board-figures")).to_contain_text("Tier 3")
    tree = page.locator("svg.referral-tree")
    expect(tree).to_contain_text("Grace Liu")
    expect(tree.locator(".on-key-path")).to_have_count(3)


def test_the_referrer_picker_narrows_as_you_type(page, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    for i in range(30):
        ContactFactory(owner=priya, name=f"Person {i:02d}", organisation="Elsewhere")
    ContactFactory(owner=priya, name="Sarah Chen", organisation="Medwise")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto("/contacts/new/")

    page.get_by_label("Find the referrer").press_sequentially("medw", delay=30)
    picker = page.get_by_label("Referred by")
    expect(picker.locator("option")).to_have_count(2)  # "Nobody" and Sarah
    picker.select_option(label="Sarah Chen · Medwise (tier 1)")
    page.get_by_label("Name", exact=True).fill("Ethan Brooks")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tier 2")
    expect(page.locator(".chain")).to_contain_text("Sarah Chen")
