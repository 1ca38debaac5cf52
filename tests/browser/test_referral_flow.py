"""The first half of the lifecycle in a real browser: register, consent, match, accept."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import coordinator as make_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_from_registration_to_accepted_coordinator(
    page, browser, live_server, login, screenshot, regional_manager, referrer, region
):
    speaker = make_coordinator(region, "C900", languages=["nl", "tr"], max_active_cases=3)
    make_coordinator(region, "C901", languages=["nl"], max_active_cases=3)

    # The regional manager registers a referral: first with errors, then right.
    login(regional_manager.email, PASSWORD)
    page.get_by_role("link", name="Zaken").click()
    page.get_by_role("link", name="Nieuwe aanmelding").click()
    page.get_by_label("Verwijzende organisatie").select_option(label="Bureau Jeugdzorg Overijssel")
    page.get_by_label("Vraag die het plan moet beantwoorden").fill(
        "Waar kan Emre veilig wonen en naar school gaan?"
    )
    page.get_by_label("Familienaam").fill("Yilmaz")
    page.get_by_role("button", name="Opslaan en registreren").click()
    expect(page.get_by_text("Vul dit in voordat je de aanmelding verstuurt.").first).to_be_visible()
    expect(page.get_by_label("Vraag die het plan moet beantwoorden")).to_have_value(
        "Waar kan Emre veilig wonen en naar school gaan?"
    )
    screenshot("referral-form-errors")

    page.get_by_label("Aanleiding").select_option(label="Dreigende uithuisplaatsing")
    page.get_by_label("Kaders").fill("Emre woont niet bij vader zolang hij drinkt.")
    page.get_by_label("Verwijzer", exact=True).select_option(index=1)
    page.get_by_label("Turks").check()
    persons = page.locator("#rows-main_persons")
    persons.get_by_label("Naam").fill("Emre Yilmaz")
    persons.get_by_label("Geboortedatum").fill("2012-03-14")
    page.get_by_role("button", name="Opslaan en registreren").click()
    expect(page.get_by_text("De aanmelding is geregistreerd als EK-")).to_be_visible()
    screenshot("referral-registered")

    # Consent, then the ranking, then the top-ranked coordinator.
    page.get_by_label("Gegeven door").fill("Moeder, mevrouw Yilmaz")
    page.get_by_label("Gegeven op").fill("2026-11-20")
    page.get_by_label("Toestemming voor").fill("Delen met een coördinator")
    page.locator("#consent").get_by_role("button", name="Toestemming vastleggen").click()
    expect(page.get_by_text("De toestemming van de familie is vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Coördinator zoeken").click()
    first = page.get_by_role("listitem").filter(has_text="C900").first
    expect(first).to_contain_text("spreekt Turks")
    screenshot("matching")
    first.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_text("heeft een e-mail met de vraag gekregen")).to_be_visible()
    assert any(speaker.user.email in m.to for m in mail.outbox)

    # The coordinator logs in and accepts.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, live_server.url, speaker.user.email, PASSWORD)
    expect(phone.get_by_text("Gevraagd om te coördineren")).to_be_visible()
    phone.screenshot(path=str(_shot("proposal-phone")), full_page=True)
    phone.get_by_role("button", name="Ja, ik coördineer").click()
    expect(phone.get_by_text("Je bent nu de coördinator van")).to_be_visible()
    context.close()

    # The referrer sees the coordinator's name on the case.
    other = browser.new_context()
    ref_page = other.new_page()
    log_in(ref_page, live_server.url, referrer.email, PASSWORD)
    ref_page.get_by_role("link", name="Yilmaz").first.click()
    expect(ref_page.get_by_text(speaker.user.get_full_name()).first).to_be_visible()
    ref_page.screenshot(path=str(_shot("referrer-sees-coordinator")), full_page=True)
    other.close()


def _shot(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
