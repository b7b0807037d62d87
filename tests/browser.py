"""Debian's Chromium driven by Playwright, for the explorer's browser tests and screenshots.

Never `playwright install`: it downloads a browser build, which fails here. The set-up
installs Debian's chromium (scripts/setup.sh); this launches that binary.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]


def browser_missing() -> str | None:
    """Why no browser test can run here, or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make setup installs the test extra)"
    if not (CHROMIUM.exists() or shutil.which("chromium")):
        return f"no Chromium at {CHROMIUM} (make setup installs Debian's chromium)"
    return None


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@contextmanager
def chromium():
    """A headless Chromium browser (Playwright), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, path: Path, width: int = 1280, height: int = 800):
    """A new page at that viewport with the file loaded and the explorer ready; page errors collected."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=15000)
    return page


def browser_fixture(what: str):
    """The module-scoped Chromium of a page test file: skipped where it can't run, a failure in CI.
    `what` names the tests in the CI message ("the explorer's", "the notebook's")."""
    missing = browser_missing()

    @pytest.fixture(scope="module")
    def browser():
        if missing:
            if running_in_ci():
                pytest.fail(f"CI=true but {what} browser tests cannot run: {missing}")
            pytest.skip(missing)
        with chromium() as launched:
            yield launched

    return browser
