"""Browser tests: the system chromium (see tests/conftest.py) against pytest-django's live server.

`page.goto("/...")` resolves against the live server, and every test that opens a browser
therefore runs with a transactional database the server thread can see.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

# Pages here answer in milliseconds; a missing element should fail the test soon, not in 30 s.
ACTION_TIMEOUT_MS = 5_000

# Set to a folder (outside the repository, e.g. /tmp/shots) to keep screenshots for a look.
SCREENSHOTS_ENV = "HOTLINE_SCREENSHOTS"


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def new_context(new_context) -> Callable[..., BrowserContext]:
    def make(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        return context

    return make


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """Saves a full-page screenshot when HOTLINE_SCREENSHOTS names a folder; else does nothing."""
    folder = os.environ.get(SCREENSHOTS_ENV)

    def take(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)

    return take


# Screenshots of every page a journey passes through, written under test-results/ only when
# the test fails, so a red run shows what the reporter saw.
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


class PageShots:
    def __init__(self) -> None:
        self.shots: list[tuple[str, bytes]] = []

    def take(self, page: Page, name: str) -> None:
        self.shots.append((name, page.screenshot(full_page=True)))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for number, (name, png) in enumerate(self.shots, start=1):
            (folder / f"{number:02d}-{name}.png").write_bytes(png)


@pytest.fixture
def page_shots(request: pytest.FixtureRequest):
    shots = PageShots()
    yield shots
    if request.node.stash.get(_FAILED, False):
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        shots.save(RESULTS / safe)
