"""The second factor in the browser, at phone size: set it up, then log in with a code."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_research_accessibility import serious
from tests.conftest import PASSWORD
from tests.second_factor import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _password(page, base_url, user):
    page.goto(f"{base_url}/inloggen/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_regional_manager_sets_up_the_second_step_and_logs_in_with_a_code(
    browser, live_server, regional_manager
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _password(page, live_server.url, regional_manager)

    # Straight after the password: the setup page, and nothing else opens.
    expect(page.get_by_role("heading", name="Tweede stap instellen")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tweede-stap/instellen/"))
    page.screenshot(path=str(SCREENSHOTS / "second-factor-setup-phone.png"), full_page=True)
    assert serious(page) == []
    page.goto(f"{live_server.url}/aanmeldingen/")
    expect(page.get_by_role("heading", name="Tweede stap instellen")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_role("heading", name="Je herstelcodes")).to_be_visible()
    expect(page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")).to_have_count(10)
    page.screenshot(path=str(SCREENSHOTS / "second-factor-codes-phone.png"), full_page=True)
    assert serious(page) == []
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page.get_by_role("heading", name="Zaken")).to_be_visible()
    context.close()

    # The next login asks for a code from the app.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _password(page, live_server.url, regional_manager)
    expect(page.get_by_role("heading", name="Tweede stap")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "second-factor-code-phone.png"), full_page=True)
    assert serious(page) == []
    page.get_by_role("textbox", name="Code").fill(current_code(regional_manager, secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    context.close()
