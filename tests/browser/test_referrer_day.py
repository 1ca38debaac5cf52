"""The referrer's day in a real browser, at phone and desktop size: the plan that
waits for her decision comes first, her list shows the conference and fits the
screen, and the decision form shows only the fields of the chosen decision."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_research_accessibility import SIZES, log_in, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_the_referrers_day(
    browser, live_server, regional_manager, organization, coordinator, referrer, size
):
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    factories.draft(referrer, organization, family_name="De Vries")
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server, referrer)

    waiting = page.get_by_role("heading", name="Plan wacht op jouw besluit")
    expect(waiting).to_be_visible()
    # First on the page: above the cards of her roles.
    first_heading = page.locator("main h2").first
    expect(first_heading).to_have_text("Plan wacht op jouw besluit")
    shot(page, f"referrer-home-{size}")
    assert serious(page) == []

    page.goto(f"{live_server.url}/aanmeldingen/")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("Plan wacht op jouw besluit")
    expect(first_row).to_contain_text(plan.referral.display_reference)
    expect(page.locator("thead")).not_to_contain_text("Organisatie")
    expect(page.locator("body")).not_to_contain_text("Geen coördinator na")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    shot(page, f"referrer-list-{size}")
    assert serious(page) == []

    first_row.get_by_role("link", name="Plan wacht op jouw besluit").click()
    conditions = page.get_by_label("Voorwaarden", exact=True)
    reason = page.get_by_label("Reden", exact=True)
    # Nothing chosen yet: only the choice.
    expect(conditions).to_be_hidden()
    expect(reason).to_be_hidden()
    page.get_by_label("Geaccepteerd met voorwaarden").check()
    expect(conditions).to_be_visible()
    expect(reason).to_be_hidden()
    expect(page.get_by_label("Aan welk kader", exact=False)).to_be_hidden()
    page.get_by_label("Niet geaccepteerd").check()
    expect(conditions).to_be_hidden()
    expect(reason).to_be_visible()
    page.get_by_label("Geaccepteerd met voorwaarden").check()
    conditions.fill("Wekelijks contact met de voogd")
    shot(page, f"referrer-decision-{size}")
    assert serious(page) == []
    page.get_by_role("button", name="Mijn besluit opslaan").click()
    expect(page.get_by_text("Je besluit is opgeslagen", exact=False)).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Plan wacht op jouw besluit")).to_have_count(0)
    context.close()
