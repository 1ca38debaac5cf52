"""The work queue's search in a real browser, at phone and desktop size: a regional
manager types a child's first name and finds the family's ended case, marked as
ended, beside the open one; axe passes."""

import pytest
from playwright.sync_api import expect

from plans.services import case_close
from tests import factories
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_finds_an_ended_case_by_a_childs_first_name(
    browser, live_server, regional_manager, organization, coordinator, size
):
    children = [{**factories.MAIN_PERSON, "name": "Esra Özdemir"}]
    closed = case_close(
        referral=factories.held(
            regional_manager,
            organization,
            coordinator.coordinator_profile,
            family_name="Özdemir",
            main_persons=children,
        ),
        actor=regional_manager,
    )
    open_case = factories.registered(
        regional_manager, organization, family_name="Özdemir", main_persons=children
    )
    factories.registered(regional_manager, organization, family_name="De Vries")
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    page.goto(f"{live_server.url}/aanmeldingen/")
    # The queue itself lists open cases only.
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text(closed.reference)

    page.get_by_label("Zoek op kenmerk, familienaam, naam van een kind").fill("  esra ")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("2 zaken (ook beëindigde zaken)")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(open_case.reference)
    expect(rows.first).not_to_contain_text("Beëindigd")
    expect(rows.last).to_contain_text(closed.reference)
    expect(rows.last).to_contain_text("Afgesloten")
    expect(rows.last.get_by_text("Beëindigd", exact=True)).to_be_visible()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"case-search-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []

    rows.last.get_by_role("link", name=closed.reference).click()
    expect(page.get_by_role("heading", name=closed.reference, exact=False)).to_be_visible()
    context.close()
