"""A family who comes back, in a real browser at phone and desktop size: the
regional manager registers the new referral, EKC shows the family's earlier case
(spelt differently), she links it, and the coordinator who declared a conflict
of interest on the earlier case is not ranked. axe passes on each page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coordinators.models import ConflictOfInterest
from plans.services import case_close
from referrals import services
from referrals.models import Referral
from tests import factories
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BORN = datetime.date(2014, 3, 2)


def _shot(page, name, size):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"returning-family-{name}-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_manager_links_a_returning_family_and_the_conflict_is_not_ranked(
    browser,
    live_server,
    regional_manager,
    organization,
    referrer,
    coordinator,
    other_coordinator,
    size,
):
    earlier = case_close(
        referral=factories.held(
            regional_manager,
            organization,
            other_coordinator.coordinator_profile,
            family_name="Özdemir",
            main_persons=[{"name": "Elif Özdemir", "birth_date": BORN, "sex": "f"}],
        ),
        actor=regional_manager,
    )
    Referral.objects.filter(pk=earlier.pk).update(referred_on=datetime.date(2022, 5, 3))
    ConflictOfInterest.objects.create(
        coordinator=coordinator.coordinator_profile,
        referral=earlier,
        reason="Kent de familie uit de buurt",
        recorded_by=regional_manager,
    )
    draft = factories.draft(
        referrer,
        organization,
        referrer=referrer,
        family_name="Ozdemir",
        main_persons=[{"name": "Elif Ozdemir", "birth_date": BORN, "sex": "f"}],
    )
    services.consent_record(
        referral=draft,
        actor=referrer,
        given_by="Moeder",
        given_on=timezone.localdate(),
        scope="Delen met een coördinator",
    )
    new = services.referral_submit(referral=draft, actor=referrer)

    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server.url, regional_manager.email, PASSWORD)
    page.goto(f"{live_server.url}/aanmeldingen/{new.pk}/")
    # EKC looks for the family as soon as the referral comes in, and while she
    # takes it in.
    expect(page.locator("#family")).to_contain_text("Elif Özdemir, geboren 2 maart 2014")
    page.get_by_role("button", name="In behandeling nemen").click()
    expect(page.get_by_text("De aanmelding is in behandeling genomen")).to_be_visible()
    family = page.locator("#family")
    expect(family).to_contain_text("EKC vond een eerdere aanmelding die van dit gezin kan zijn.")
    expect(family).to_contain_text("Elif Özdemir, geboren 2 maart 2014")
    expect(family).to_contain_text("Afgesloten")
    _shot(page, "found", size)

    family.get_by_role("button", name=f"Koppel aan {earlier.reference}").click()
    expect(page.get_by_text("De aanmelding is gekoppeld aan de eerdere aanmelding")).to_be_visible()
    family = page.locator("#family")
    expect(family.get_by_role("link", name=earlier.reference)).to_be_visible()
    expect(family).to_contain_text(other_coordinator.get_full_name())
    expect(page.locator("main")).to_contain_text(
        f"Gekoppeld aan een eerdere aanmelding van het gezin: {earlier.reference}"
    )
    _shot(page, "linked", size)

    page.get_by_role("link", name="Coördinator zoeken").click()
    candidates = page.locator("ol")
    expect(candidates).to_contain_text("(C002)")
    expect(candidates).not_to_contain_text("(C001)")
    expect(page.locator("main")).to_contain_text(
        "Niet op de lijst door een belangenconflict met dit gezin bij een eerdere aanmelding:"
        f" {coordinator.get_full_name()} (C001)."
    )
    _shot(page, "match", size)
    context.close()
