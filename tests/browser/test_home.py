"""The public home page as a reporter on a small phone with JavaScript switched off sees it."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, Response, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def csp_directives(response: Response | None) -> list[str]:
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    return [directive.strip() for directive in policy.split(";")]


def assert_fits_width(page: Page) -> None:
    # Playwright's evaluate still runs when the context disables the page's own scripts.
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert client_width == PHONE["width"]
    assert scroll_width <= client_width, f"{page.url} scrolls sideways: {scroll_width}px wide"


def test_home_on_a_phone_without_javascript(new_context, live_server, screenshot):
    context = new_context(java_script_enabled=False, viewport=PHONE)
    requests: list[Request] = []
    context.on("request", lambda request: requests.append(request))
    page = context.new_page()

    response = page.goto("/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("nav.languages")).to_contain_text("ไทย")
    assert "default-src 'none'" in csp_directives(response)
    assert page.locator("script").count() == 0
    assert_fits_width(page)
    screenshot(page, "home-th-360")

    with page.expect_navigation() as navigation:
        page.locator("nav.languages").get_by_role("link", name="English").click()
    response = navigation.value
    assert response is not None
    assert response.status == 200
    assert urlsplit(page.url).path == "/en/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ethics Hotline")
    expect(page.locator("nav.languages").get_by_role("link", name="ไทย")).to_be_visible()
    assert "default-src 'none'" in csp_directives(response)
    assert page.locator("script").count() == 0
    assert_fits_width(page)

    urls = [request.url for request in requests]
    assert any(urlsplit(url).path.endswith(".css") for url in urls), urls  # we did record
    assert {origin(url) for url in urls} == {live_server.url}, urls
