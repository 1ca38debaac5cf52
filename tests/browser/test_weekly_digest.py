"""The weekly digest's switch on the profile page, at phone and desktop size."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_switches_the_weekly_digest_off_and_on(
    browser, live_server, regional_manager, size
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    page.goto(f"{live_server.url}/profiel/")
    section = page.get_by_role("region", name="Weekoverzicht")
    box = section.get_by_role("checkbox", name="Stuur mij het weekoverzicht per e-mail")
    expect(box).to_be_checked()
    page.screenshot(path=str(SCREENSHOTS / f"profile-weekly-digest-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []

    box.uncheck()
    section.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Het weekoverzicht staat uit.")).to_be_visible()
    expect(box).not_to_be_checked()
    page.screenshot(path=str(SCREENSHOTS / f"profile-weekly-digest-off-{size}.png"), full_page=True)
    assert serious(page) == []
    regional_manager.refresh_from_db()
    assert regional_manager.wants_weekly_digest is False

    box.check()
    section.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Je krijgt het weekoverzicht elke maandag.")).to_be_visible()
    regional_manager.refresh_from_db()
    assert regional_manager.wants_weekly_digest is True
    context.close()
