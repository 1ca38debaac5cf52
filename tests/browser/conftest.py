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


def log_in(page, base_url, email, password):
    """Log in through the real login form, and give the second factor's code when the
    user's role needs one (the user gets an app with the test secret if they have none).
    Every browser test logs in through here."""
    from ekc.models import User
    from tests.second_factor import current_code, needs_code

    user = User.objects.filter(email__iexact=email).first()
    page.goto(f"{base_url}/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    asks_code = user is not None and user.check_password(password) and needs_code(user)
    page.get_by_role("button", name="Inloggen").click()
    if asks_code:
        page.get_by_role("textbox", name="Code").fill(current_code(user))
        page.get_by_role("button", name="Bevestigen").click()


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form (and the second step, when asked)."""

    def do(email, password):
        log_in(page, live_server.url, email, password)

    return do
