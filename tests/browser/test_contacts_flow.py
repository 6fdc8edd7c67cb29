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


def test_the_referrer_picker_searches_the_server_as_you_type_and_enter_selects(
        page, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    for i in range(30):
        ContactFactory(owner=priya, name=f"Person {i:02d}", organisation="Elsewhere")
    ContactFactory(owner=priya, name="Sarah Chen", organisation="Medwise")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto("/contacts/new/")

    picker = page.get_by_role("combobox", name="Referred by")
    listbox = page.get_by_role("listbox")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(page.locator("select[name=referred_by] option")).to_have_count(1)  # "Nobody"
    expect(page.get_by_role("button", name="Search")).to_have_count(0)  # for no JavaScript

    picker.press_sequentially("medw", delay=30)
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(1)
    sarah = listbox.get_by_role("option", name="Sarah Chen · Medwise (tier 1)")
    expect(sarah).to_have_attribute("aria-selected", "true")
    picker.press("Enter")
    expect(listbox).to_be_hidden()
    expect(picker).to_have_value("Sarah Chen · Medwise (tier 1)")
    expect(picker).to_be_focused()
    page.wait_for_timeout(500)  # a late answer to the last keystroke does not reopen it
    expect(listbox).to_be_hidden()

    page.get_by_label("Name", exact=True).fill("Ethan Brooks")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tier 2")
    expect(page.locator(".chain")).to_contain_text("Sarah Chen")


def test_the_picker_takes_arrows_escape_and_a_click(page, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    for i in range(30):
        ContactFactory(owner=priya, name=f"Person {i:02d}", organisation="Elsewhere")
    log_in(page, "priya@example.com", PASSWORD)
    page.goto("/meetings/new/")

    picker = page.get_by_role("combobox", name="Who you are meeting")
    listbox = page.get_by_role("listbox")
    picker.focus()
    picker.press("ArrowDown")  # opens the list: the first 20 by name
    expect(listbox.get_by_role("option")).to_have_count(21)  # and "more match"
    expect(listbox.get_by_role("option", name="Person 00")).to_have_attribute(
        "aria-selected", "true")
    picker.press("ArrowDown")
    person_01 = listbox.get_by_role("option", name="Person 01 · Elsewhere (tier 1)")
    expect(person_01).to_have_attribute("aria-selected", "true")
    expect(picker).to_have_attribute("aria-activedescendant",
                                     person_01.get_attribute("id"))
    picker.press("Escape")
    expect(listbox).to_be_hidden()
    expect(picker).to_have_value("")  # Escape chose nothing

    picker.press_sequentially("person 2", delay=30)
    listbox.get_by_role("option", name="Person 25 · Elsewhere (tier 1)").click()
    expect(picker).to_have_value("Person 25 · Elsewhere (tier 1)")
    expect(page.locator("select[name=contact]")).to_have_value(
        str(priya.contacts.get(name="Person 25").pk))


def test_the_referrer_picker_works_without_javascript(browser, live_server, transactional_db):
    priya = UserFactory(email="priya@example.com", first_name="Priya")
    for i in range(30):
        ContactFactory(owner=priya, name=f"Person {i:02d}", organisation="Elsewhere")
    ContactFactory(owner=priya, name="Sarah Chen", organisation="Medwise")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "priya@example.com", PASSWORD)
        page.goto("/contacts/new/")
        page.get_by_label("Name", exact=True).fill("Ethan Brooks")
        page.get_by_label("Search your contacts").fill("medw")
        page.get_by_role("button", name="Search").first.click()

        picker = page.get_by_label("Referred by")
        expect(picker.locator("option")).to_have_count(2)  # "Nobody" and Sarah
        expect(page.get_by_text("1 match for “medw”")).to_be_visible()
        expect(page.get_by_label("Name", exact=True)).to_have_value("Ethan Brooks")
        picker.select_option(label="Sarah Chen · Medwise (tier 1)")
        page.get_by_role("button", name="Add contact").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Tier 2")
    finally:
        context.close()


def test_an_open_picker_passes_axe_in_light_and_dark_mode(browser, live_server,
                                                         transactional_db):
    from axe_playwright_python.sync_playwright import Axe

    priya = UserFactory(email="priya@example.com", first_name="Priya")
    for i in range(30):
        ContactFactory(owner=priya, name=f"Person {i:02d}", organisation="Elsewhere")
    for scheme in ("light", "dark"):
        # bypass_csp lets axe inject its script; the page itself runs under our CSP.
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme,
                                      bypass_csp=True)
        page = context.new_page()
        try:
            log_in(page, "priya@example.com", PASSWORD)
            page.goto("/contacts/new/")
            picker = page.get_by_role("combobox", name="Referred by")
            picker.press_sequentially("person", delay=20)
            expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(21)
            picker.press("ArrowDown")
            violations = [
                (violation["id"], violation["impact"])
                for violation in Axe().run(page).response["violations"]
                if violation["impact"] != "minor"
            ]
            assert violations == [], scheme
        finally:
            context.close()
