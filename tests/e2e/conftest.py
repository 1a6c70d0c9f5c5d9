"""Browser journeys: Playwright (sync) driving Debian's chromium against live_server.

Without /usr/bin/chromium the journeys are skipped and the summary says so plainly,
unless CI=true, where a missing browser fails them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SKIP_NOTE = f"Browser tests skipped: chromium not found at {CHROMIUM}"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
# the test itself (factories) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_skipped: list[str] = []


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and chromium is missing at {CHROMIUM}", pytrace=False)
        _skipped.append(SKIP_NOTE)
        pytest.skip(SKIP_NOTE)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    """A page in a phone-sized context, in Chinese, collecting console errors."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    # the skips as reported (by this process, or by the workers of ``-n``)
    skipped = terminalreporter.stats.get("skipped", [])
    if _skipped or any(SKIP_NOTE in str(r.longrepr) for r in skipped):
        terminalreporter.write_line(SKIP_NOTE, yellow=True, bold=True)
