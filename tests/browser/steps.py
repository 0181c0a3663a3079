"""Steps of the staff workspace that several browser journeys take."""

from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import totp_now
from tests.factories import PASSWORD


def sign_in(context: BrowserContext, user) -> Page:
    page = context.new_page()
    page.goto("/en/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(totp_now(user))
    page.get_by_role("button", name="Sign in", exact=True).click()
    assert urlsplit(page.url).path == "/en/staff/"
    return page


def declare_no_conflict(page: Page, *, unseen: str) -> None:
    """Declares no conflict of interest, checking first that `unseen` (the case's own words)
    is not shown before the declaration."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you read")
    expect(page.locator("main")).not_to_contain_text(unseen)
    page.get_by_label("I declare that I have no").check()
    page.get_by_role("button", name="Declare and read the case").click()


def write(page: Page, kind: str, text: str) -> None:
    """Adds a message of the kind chosen (to the reporter, or an internal note)."""
    page.get_by_label(kind).check()
    page.get_by_role("textbox", name="Message").fill(text)
    page.get_by_role("button", name="Add the message").click()
    expect(page.locator("ol.thread")).to_contain_text(text)


def move_on(page: Page, *steps: str) -> None:
    for step in steps:
        page.get_by_role("button", name=step).click()
        expect(page.get_by_role("status")).to_contain_text("The case was moved on")
