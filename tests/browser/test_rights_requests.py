"""A destruction request in a real browser, at phone and desktop size: the regional
manager records it for a child (the under-12 rule answers next to the field), sees
its deadline, and carries it out; axe passes on every page."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD
from tests.privacy.test_rights_requests import case, stopped  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name, size):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_records_a_destruction_request_and_carries_it_out(
    browser,
    live_server,
    stopped,  # noqa: F811
    regional_manager,
    size,
):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    page.goto(f"{live_server.url}/aanmeldingen/{stopped.pk}/")
    page.get_by_role("link", name="Verzoeken over het dossier").click()
    expect(page.get_by_role("heading", name="Verzoeken over het dossier")).to_be_visible()

    page.get_by_label("Vernietiging van het dossier").check()
    page.get_by_label("Voor wie?").select_option(label="Sem Jansen (hoofdpersoon)")
    page.get_by_label("De persoon zelf").check()
    page.get_by_label("Wat er gevraagd wordt").fill("Sem wil dat alles weg is.")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    # Sem is 11: his parents ask for him. What was typed stays.
    expect(page.get_by_text("Dit kind is jonger dan 12.")).to_be_visible()
    expect(page.get_by_label("Wat er gevraagd wordt")).to_have_value("Sem wil dat alles weg is.")
    _shot(page, "rights-request-error", size)

    page.get_by_label("Een ouder of voogd, voor een kind").check()
    page.get_by_label("Naam van wie het vroeg").fill("Mevrouw Jansen")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.get_by_role("heading", name="Vernietiging van het dossier")).to_be_visible()
    expect(page.get_by_text("Verzoek vastgelegd. Geef antwoord vóór")).to_be_visible()
    expect(page.get_by_text("Mevrouw Jansen")).to_be_visible()
    # The refusal's grounds and the tick show only for their decision.
    expect(page.get_by_label("Een wettelijke plicht om het dossier te bewaren")).to_be_hidden()
    page.get_by_label("Geweigerd", exact=True).check()
    expect(page.get_by_label("Een wettelijke plicht om het dossier te bewaren")).to_be_visible()
    page.get_by_label("Vernietigd", exact=True).check()
    expect(page.get_by_label("Een wettelijke plicht om het dossier te bewaren")).to_be_hidden()
    _shot(page, "rights-request-decide", size)

    # Without the tick nothing is destroyed.
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_text("Zet het vinkje om het dossier te vernietigen.")).to_be_visible()
    assert Referral.objects.get(pk=stopped.pk).destroyed_at is None
    page.get_by_label("Vernietigd", exact=True).check()
    page.get_by_label("Ik weet dat een vernietigd dossier niet terug te halen is.").check()
    page.get_by_role("button", name="Besluit opslaan").click()

    expect(page.get_by_role("heading", name="Verzoeken over dossiers")).to_be_visible()
    pseudonym = Referral.objects.get(pk=stopped.pk).pseudonym
    registered = f"In het vernietigingsregister staat het als {pseudonym}"
    expect(page.get_by_text(registered)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Jansen")
    _shot(page, "rights-request-destroyed", size)
    page.goto(f"{live_server.url}/aanmeldingen/{stopped.pk}/")
    expect(page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
    context.close()
