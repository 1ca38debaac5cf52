"""A case transferred to another coordinator, in a real browser, on a phone and on a
desktop: the regional manager asks, the new coordinator says yes on the home page,
and the case goes on in preparation with its contact log. Each page passes axe."""

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences.services import contact_log
from referrals.lifecycle import CaseStatus
from tests import factories
from tests.browser.conftest import log_in as log_in_form
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("TRANSFER_SHOTS", "/tmp/shots-transfer"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits_and_passes_axe(page, size):
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_case_is_transferred_and_keeps_its_log(
    browser,
    live_server,
    regional_manager,
    organization,
    coordinator,
    other_coordinator,
    referrer,
    size,
):
    referral = factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate(),
        method="phone",
        minutes=20,
        professional="Wijkteam",
        note="Eerste gesprek met moeder",
    )
    case_url = f"{live_server.url}/aanmeldingen/{referral.pk}/"
    new_name = other_coordinator.get_full_name()

    def as_user(user):
        context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
        page = context.new_page()
        log_in_form(page, live_server.url, user.email, PASSWORD)
        return context, page

    # The manager asks another coordinator, with a reason; a missing reason is an error.
    context, page = as_user(regional_manager)
    page.goto(case_url)
    page.get_by_role("link", name="Overdragen aan een andere coördinator").click()
    expect(
        page.get_by_role("heading", name="Overdragen aan een andere coördinator")
    ).to_be_visible()
    shot(page, f"transfer-page-{size}")
    fits_and_passes_axe(page, size)
    page.get_by_label(new_name, exact=False).check()
    page.get_by_role("button", name="Vraag om over te nemen").click()
    expect(page.get_by_text("Zeg waarom de zaak een andere coördinator krijgt.")).to_be_visible()
    expect(page.get_by_label(new_name, exact=False)).to_be_checked()
    shot(page, f"transfer-page-error-{size}")
    fits_and_passes_axe(page, size)
    page.get_by_label("Waarom krijgt de zaak een andere coördinator?").fill(
        "De coördinator verhuist naar een andere regio."
    )
    page.get_by_role("button", name="Vraag om over te nemen").click()
    expect(page.get_by_text("blijft", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Overdracht stoppen")).to_be_visible()
    shot(page, f"transfer-case-waiting-{size}")
    fits_and_passes_axe(page, size)
    context.close()

    # The new coordinator says yes on the home page.
    context, page = as_user(other_coordinator)
    page.goto(f"{live_server.url}/")
    card = page.locator("section[aria-labelledby=h-transfers]")
    expect(card.get_by_text(referral.reference)).to_be_visible()
    expect(card.get_by_text("De coördinator verhuist naar een andere regio.")).to_be_visible()
    shot(page, f"transfer-home-{size}")
    fits_and_passes_axe(page, size)
    card.get_by_role("button", name="Ja, ik neem de zaak over").click()
    expect(page.get_by_text("Je bent nu de coördinator van", exact=False)).to_be_visible()
    # The case goes on in preparation, with its contact log.
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/voorbereiding/")
    expect(page.get_by_text("Eerste gesprek met moeder")).to_be_visible()
    shot(page, f"transfer-preparation-new-{size}")
    fits_and_passes_axe(page, size)
    context.close()
    referral.refresh_from_db()
    assert referral.status == CaseStatus.PREPARING
