"""The second factor in the browser: set it up and log in with a code (phone size), and
replace the app from the profile page after a new phone (phone and desktop size)."""

import re

import pyotp
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ekc import second_factor
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD
from tests.second_factor import TEST_SECRET, current_code, give_device

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


def _age_second_factor(context, minutes):
    """Make the browser's last code ``minutes`` old (the step-up asks again after 15)."""
    key = next(c["value"] for c in context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[second_factor.SESSION_KEY] = {
        **session[second_factor.SESSION_KEY],
        "at": session[second_factor.SESSION_KEY]["at"] - minutes * 60,
    }
    session.save()


def _fits(page, size):
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_new_phone_links_a_new_app_from_the_profile_page(
    browser, live_server, regional_manager, size
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    give_device(regional_manager)
    context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    page.goto(f"{live_server.url}/profiel/")
    section = page.get_by_role("region", name="Tweede stap")
    expect(section).to_contain_text("De tweede stap is ingesteld")
    page.screenshot(path=str(SCREENSHOTS / f"profile-second-step-{size}.png"), full_page=True)
    _fits(page, size)

    # The last code is older than 15 minutes: the current app's code first.
    _age_second_factor(context, 16)
    section.get_by_role("link", name="Nieuwe app koppelen").click()
    expect(page.get_by_text("Geef opnieuw een code")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(current_code(regional_manager))
    page.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_role("heading", name="Nieuwe app koppelen")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"second-factor-new-app-{size}.png"), full_page=True)
    _fits(page, size)
    new_secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    assert new_secret != TEST_SECRET

    # A wrong code keeps the old app.
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    assert second_factor.base32_secret(TOTPDevice.objects.get(user=regional_manager)) == (
        TEST_SECRET
    )

    page.get_by_role("textbox", name="Code").fill(pyotp.TOTP(new_secret).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Je nieuwe app is gekoppeld")).to_be_visible()
    expect(page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")).to_have_count(10)
    page.screenshot(
        path=str(SCREENSHOTS / f"second-factor-new-app-codes-{size}.png"), full_page=True
    )
    _fits(page, size)
    assert second_factor.base32_secret(TOTPDevice.objects.get(user=regional_manager)) == (
        new_secret
    )
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page.get_by_role("heading", name="Mijn gegevens")).to_be_visible()
    expect(section).to_contain_text("Je hebt nog 10 ongebruikte herstelcodes.")

    # New recovery codes, from the same section.
    section.get_by_role("link", name="Nieuwe herstelcodes maken").click()
    expect(page.get_by_role("heading", name="Nieuwe herstelcodes")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"second-factor-new-codes-{size}.png"), full_page=True)
    _fits(page, size)
    page.get_by_role("button", name="Nieuwe herstelcodes maken").click()
    expect(page.get_by_text("Er zijn nieuwe herstelcodes gemaakt")).to_be_visible()
    expect(page.get_by_role("list", name="Herstelcodes").get_by_role("listitem")).to_have_count(10)
    context.close()

    # The next login takes a code from the new app, not the old one.
    context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
    page = context.new_page()
    _password(page, live_server.url, regional_manager)
    page.get_by_role("textbox", name="Code").fill(pyotp.TOTP(TEST_SECRET).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_text("Deze code klopt niet")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(current_code(regional_manager, new_secret))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    context.close()
