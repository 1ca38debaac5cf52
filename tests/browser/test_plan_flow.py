"""The plan in a real browser: 18 agreements, the referrer's decision, the PDF,
an evaluation, and closing the case."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import log_in as log_in_form
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAINS = ["Opvoeding", "Wonen", "Financiën", "Onderwijs", "Gezondheid", "Veiligheid"]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(browser, live_server, user, **context_args):
    context = browser.new_context(**context_args)
    page = context.new_page()
    log_in_form(page, live_server.url, user.email, PASSWORD)
    return context, page


def test_plan_from_entry_to_closing(
    browser, live_server, regional_manager, organization, coordinator, referrer
):
    referral = factories.held(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )

    # The coordinator types in 18 agreements, adding rows without reloading.
    context, page = log_in(browser, live_server, coordinator)
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/plan/")
    page.get_by_role("button", name="Beginnen met het plan opschrijven").click()
    expect(page.get_by_role("heading", name="Plan opschrijven")).to_be_visible()
    for index in range(18):
        if index:
            page.get_by_role("button", name="Afspraak toevoegen").click()
        row = page.locator(".agreement-row").nth(index)
        row.get_by_label("Wat gaat er gebeuren").fill(f"Afspraak {index + 1}: oma helpt met koken")
        row.get_by_label("Wie doet het").fill("Oma")
        row.get_by_label("Leefgebied").select_option(label=DOMAINS[index % len(DOMAINS)])
        if index == 3:
            row.get_by_label("Uitgevoerd door").select_option(
                label="Een hulpvraag aan een professionele organisatie"
            )
            row.get_by_label("Gevraagde organisatie").select_option(label="Gemeente")
    assert page.locator(".agreement-row").count() == 18  # no reload happened
    page.get_by_label("Als hulp niet meteen geleverd kan worden", exact=False).first.fill(
        "Tante vangt op"
    )
    page.get_by_label("Evaluatiedatum").first.fill("2027-01-15")
    shot(page, "plan-entry")
    page.get_by_role("button", name="Opslaan en naar de verwijzer sturen").click()
    expect(page.get_by_text("Het plan is naar de verwijzer gestuurd")).to_be_visible()
    context.close()

    # The referrer reads it beside the bounds and accepts it with conditions.
    context, page = log_in(browser, live_server, referrer)
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/plan/")
    expect(page.get_by_text("De kinderen wonen niet bij vader zolang hij drinkt.")).to_be_visible()
    page.get_by_label("Geaccepteerd met voorwaarden").check()
    page.get_by_role("textbox", name="Voorwaarden").fill("Vader blijft in behandeling.")
    shot(page, "plan-decision")
    page.get_by_role("button", name="Mijn besluit opslaan").click()
    expect(page.get_by_text("Je besluit is opgeslagen.")).to_be_visible()

    # The PDF downloads, with the agreements in it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Downloaden als PDF").click()
    target = SCREENSHOTS.parent / "plan.pdf"
    download_info.value.save_as(target)
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    text = " ".join(text.split())
    assert "Afspraak 18: oma helpt met koken" in text
    assert "Vader blijft in behandeling." in text
    context.close()

    # The coordinator records an evaluation (on a phone).
    context, page = log_in(
        browser, live_server, coordinator, viewport={"width": 390, "height": 844}
    )
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/plan/")
    page.get_by_role("link", name="Evaluatie vastleggen").click()
    page.get_by_label("Wie waren er").fill("Moeder, oma en tante")
    for group in page.get_by_role("radiogroup").all():
        group.get_by_text("Gedaan", exact=True).click()
    page.get_by_label("Doorgaan met het plan").check()
    shot(page, "evaluation-phone")
    page.get_by_role("button", name="Evaluatie opslaan").click()
    expect(page.get_by_text("De evaluatie is opgeslagen.")).to_be_visible()
    context.close()

    # The regional manager closes the case with outcomes.
    context, page = log_in(browser, live_server, regional_manager)
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/")
    page.get_by_role("link", name="Zaak afsluiten").click()
    page.get_by_label("Uithuisplaatsing voorkomen").check()
    page.get_by_role("button", name="Zaak afsluiten").click()
    expect(page.get_by_text("De zaak is afgesloten.")).to_be_visible()
    shot(page, "case-closed")
    context.close()

    referral.refresh_from_db()
    assert referral.status == "closed"
    assert list(referral.outcomes.values_list("code", flat=True)) == ["placement_prevented"]
    plan = referral.plans.get()
    assert plan.agreements.count() == 18
    assert (
        plan.agreements.filter(carried_by="professional", organization_type="municipality").count()
        == 1
    )
