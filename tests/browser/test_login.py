"""Staff sign-in through the real pages: password, then the second factor."""

import base64
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from playwright.sync_api import Page, expect

from core.models import Role, User
from tests.conftest import totp_device_of, totp_now
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def sign_in_with_password(page: Page, user: User) -> None:
    page.goto("/en/")
    page.get_by_role("link", name="Staff sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def fact(page: Page, term: str) -> str:
    """The value next to a term in the workspace's list of facts."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").inner_text()


def wrong_code(user: User) -> str:
    """Six digits that no time step near now accepts for the user's device."""
    device = totp_device_of(user)
    near = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
        for drift in range(-3, 4)
    }
    return next(f"{n:06d}" for n in range(10**6) if n not in near)


def test_counselor_signs_in_with_password_and_authenticator(page, make_staff, screenshot):
    user = make_staff(Role.COUNSELOR, username="counselor", first_name="สมหญิง", last_name="ใจดี")

    sign_in_with_password(page, user)
    assert path_of(page) == "/en/staff/login/verify/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor check")
    page.get_by_label("Code").fill(totp_now(user))
    page.get_by_role("button", name="Sign in", exact=True).click()

    assert path_of(page) == "/en/staff/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff workspace")
    assert fact(page, "Signed in as") == "สมหญิง ใจดี"
    assert fact(page, "Role") == "Ethics counselor"
    assert fact(page, "Organisation") == user.organisation.name_en
    screenshot(page, "workspace")


def test_thai_sign_in_lands_on_the_thai_workspace(page, make_staff):
    user = make_staff(Role.COUNSELOR)
    page.goto("/staff/login/")
    page.locator("main [name=username]").fill(user.username)
    page.locator("main [name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert path_of(page) == "/staff/login/verify/"
    page.locator("main [name=token]").fill(totp_now(user))
    page.locator("main form button[type=submit]").click()

    assert path_of(page) == "/staff/"
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("dl.facts")).to_contain_text(user.username)


def test_a_wrong_code_is_refused_and_the_workspace_stays_closed(page, make_staff):
    user = make_staff(Role.COUNSELOR)

    sign_in_with_password(page, user)
    assert path_of(page) == "/en/staff/login/verify/"
    page.get_by_label("Code").fill(wrong_code(user))
    page.get_by_role("button", name="Sign in", exact=True).click()

    assert path_of(page) == "/en/staff/login/verify/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor check")
    expect(page.get_by_role("alert")).to_contain_text("That code was not accepted")
    page.goto("/en/staff/")
    assert path_of(page) == "/en/staff/login/verify/"


def test_first_sign_in_enrols_an_authenticator_and_shows_backup_codes(page, live_server):
    user = UserFactory(role=Role.COUNSELOR)  # no authenticator yet

    sign_in_with_password(page, user)
    assert path_of(page) == "/en/staff/login/setup/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text().strip()
    code = totp(base64.b32decode(secret))  # what an authenticator app computes from the key
    page.get_by_label("Code").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    shown = page.locator("ul.codes li").all_inner_texts()
    assert len(shown) == 10
    stored = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert sorted(shown) == sorted(stored)
    assert totp_device_of(user).confirmed

    page.get_by_role("link", name="Continue").click()
    assert path_of(page) == "/en/staff/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff workspace")
    assert fact(page, "Role") == "Ethics counselor"
