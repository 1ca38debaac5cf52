"""Research in a real browser: a family member answers on a phone; a researcher filters."""

import pytest
from playwright.sync_api import expect

from research import surveys
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_family_member_answers_on_a_phone(
    browser, live_server, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    (invitation,) = surveys.invitations_create(
        conference=referral.conferences.get(), actor=coordinator, respondent="family", printed=1
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/vragenlijst/")
    page.get_by_label("De code op je brief").fill(invitation.short_code)
    page.get_by_role("button", name="Naar de vragenlijst").click()
    expect(page.get_by_role("heading", name="Wat vond je van de conferentie?")).to_be_visible()
    expect(page.get_by_text(f"voorbereid met coördinator {coordinator.first_name}")).to_be_visible()
    page.get_by_label("Ja").first.check()
    page.get_by_role("radiogroup", name="Jouw cijfer voor de conferentie (1 tot 10)").get_by_text(
        "8", exact=True
    ).click()
    page.get_by_role("radiogroup", name="Jouw cijfer voor het plan (1 tot 10)").get_by_text(
        "7", exact=True
    ).click()
    page.get_by_role("radiogroup", name="Jouw cijfer voor de coördinator (1 tot 10)").get_by_text(
        "9", exact=True
    ).click()
    page.get_by_label("Wil je nog iets kwijt?").fill("Het was een mooie dag.")
    shot(page, "survey-phone")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("heading", name="Dank je wel!")).to_be_visible()
    shot(page, "survey-thanks-phone")
    context.close()
    response = referral.survey_responses.get()
    assert (response.grade_conference, response.grade_plan, response.grade_coordinator) == (8, 7, 9)


def test_researcher_filters_the_dashboard(
    page, login, live_server, researcher, regional_manager, organization, coordinator
):
    factories.held(regional_manager, organization, coordinator.coordinator_profile)
    factories.registered(regional_manager, organization, occasion="crisis")
    login(researcher.email, PASSWORD)
    page.get_by_role("link", name="Onderzoek").click()
    expect(page.get_by_role("heading", name="Resultaten en tevredenheid")).to_be_visible()
    page.get_by_label("Aanleiding").select_option(label="Dreigende uithuisplaatsing")
    page.get_by_role("button", name="Filteren").click()
    first_row = page.locator("#h-result + table tbody tr").first
    expect(first_row).to_contain_text("Aanmeldingen")
    expect(first_row.locator("td").first).to_have_text("1")
    expect(page.locator("img[src^='data:image/svg+xml']").first).to_be_visible()
    shot(page, "research-dashboard")


def test_researcher_downloads_the_pdf_report_and_the_sav_file(
    page, login, live_server, researcher, regional_manager, organization, coordinator, tmp_path
):
    import io

    import pyreadstat
    from pypdf import PdfReader

    factories.held(regional_manager, organization, coordinator.coordinator_profile)
    login(researcher.email, PASSWORD)
    page.get_by_role("link", name="Onderzoek").click()
    page.get_by_role("button", name="PDF-rapport maken").click()
    expect(page.get_by_text("Het rapport is klaar.")).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF downloaden").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Tevredenheid en resultaten" in text and "Kerncijfers" in text

    page.get_by_role("link", name="Onderzoek", exact=True).click()
    with page.expect_download() as sav_download:
        page.get_by_role("link", name="Zaken (gepseudonimiseerd) SPSS").click()
    sav_path = tmp_path / "cases.sav"
    sav_download.value.save_as(sav_path)
    frame, meta = pyreadstat.read_sav(str(sav_path))
    assert len(frame) == 1
    assert meta.column_names_to_labels["conference"] == "Conferentie gehouden (1 = ja)"
    shot(page, "research-downloads")
