"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Locally the tests skip, saying how to install the browser; in CI (CI=true) a
missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}. Install it with "
            "`sudo apt-get install chromium` (or set CHROMIUM_PATH) to run the browser tests."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/screenshots/<name>.png."""

    def take(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form."""

    def do(email, password):
        page.goto(f"{live_server.url}/inloggen/")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()

    return do
