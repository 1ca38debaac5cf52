"""The access report in a real browser, at phone and desktop size: the regional manager
chooses the person, reads the report and its list of who opened the file; axe passes."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD
from tests.privacy.test_access_report import case  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_makes_an_access_report(browser, live_server, case, regional_manager, size):  # noqa: F811
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    page.goto(f"{live_server.url}/aanmeldingen/{case.pk}/")
    page.get_by_role("link", name="Inzage").click()
    expect(page.get_by_role("heading", name="Inzage")).to_be_visible()
    # No person chosen: a message next to the field, no report.
    page.get_by_role("button", name="Tonen", exact=True).click()
    expect(page.get_by_text("Kies een persoon uit deze zaak.")).to_be_visible()
    expect(page.get_by_role("heading", name="Wie heeft het dossier geopend")).to_have_count(0)
    page.get_by_label("Persoon").select_option(label="Sem Jansen (hoofdpersoon)")
    page.get_by_role("button", name="Tonen", exact=True).click()
    report = page.get_by_role("region", name="Inzage")
    expect(report).to_contain_text("Waar kunnen de kinderen veilig wonen?")
    expect(report.get_by_role("heading", name="Wie heeft het dossier geopend")).to_be_visible()
    expect(report).to_contain_text("Regiomanager")
    expect(report).not_to_contain_text("06-11112222")
    expect(page.get_by_label("Persoon")).to_have_value(f"main-{case.main_persons.get().pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"access-report-{size}.png"), full_page=True)
    assert serious(page) == []
    context.close()
