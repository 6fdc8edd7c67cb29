import re

from playwright.sync_api import expect


def test_a_visitor_signs_up_logs_out_and_logs_back_in(page, db):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="New here? Create an account").click()

    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Email").fill("priya@example.com")
    page.get_by_label("Password", exact=True).fill("sturdy-horse-battery")
    page.get_by_label("Password again").fill("sturdy-horse-battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Email").fill("priya@example.com")
    page.get_by_label("Password").fill("sturdy-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Priya")
