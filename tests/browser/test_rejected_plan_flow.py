"""A plan that was not accepted, in a real browser, on a phone and on a desktop: the
referrer does not accept it, the coordinator makes a new version and sends it
again, and the referrer accepts that one. Each page passes axe."""

import pytest
from playwright.sync_api import expect

from plans.models import PlanStatus
from referrals.lifecycle import CaseStatus
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import log_in as log_in_form
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits_and_passes_axe(page, size):
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_a_plan_not_accepted_is_revised_and_accepted(
    browser, live_server, regional_manager, organization, coordinator, referrer, size
):
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    referral = plan.referral
    plan_url = f"{live_server.url}/aanmeldingen/{referral.pk}/plan/"

    def as_user(user):
        context = browser.new_context(viewport=SIZES[size])
        page = context.new_page()
        log_in_form(page, live_server.url, user.email, PASSWORD)
        return context, page

    # The referrer does not accept the plan: a bound is not met.
    context, page = as_user(referrer)
    page.goto(plan_url)
    page.get_by_label("Niet geaccepteerd").check()
    page.get_by_label("Aan welk kader voldoet het plan niet?").select_option(label="Veiligheid")
    page.get_by_role("textbox", name="Reden").fill("Niemand is 's nachts bij de kinderen.")
    page.get_by_role("button", name="Mijn besluit opslaan").click()
    expect(page.get_by_text("Je besluit is opgeslagen.", exact=False)).to_be_visible()
    expect(page.get_by_text("Wat gebeurt er nu?")).to_be_visible()
    shot(page, f"rejected-plan-referrer-{size}")
    fits_and_passes_axe(page, size)
    # Her home page tells this case apart from a plan that was accepted.
    page.goto(f"{live_server.url}/")
    card = page.locator("section[aria-labelledby=h-org-cases]")
    expect(card.locator(".status-plan_not_accepted")).to_have_text("Plan niet geaccepteerd")
    shot(page, f"rejected-plan-referrer-home-{size}")
    fits_and_passes_axe(page, size)
    context.close()
    referral.refresh_from_db()
    assert referral.status == CaseStatus.PLAN_NOT_ACCEPTED

    # The coordinator sees the case page say so, makes a new version and sends it.
    context, page = as_user(coordinator)
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/")
    expect(page.get_by_text("De verwijzer heeft het plan niet geaccepteerd.")).to_be_visible()
    expect(page.locator(".status-plan_not_accepted").first).to_be_visible()
    shot(page, f"rejected-plan-case-{size}")
    fits_and_passes_axe(page, size)
    page.get_by_role("link", name="De reden, en wat er nu gebeurt").click()
    expect(page.get_by_text("Niemand is 's nachts bij de kinderen.")).to_be_visible()
    shot(page, f"rejected-plan-coordinator-{size}")
    fits_and_passes_axe(page, size)
    page.get_by_role("button", name="Nieuwe versie maken").click()
    expect(page.get_by_text("Versie 2", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Afspraak toevoegen").click()
    row = page.locator(".agreement-row").last
    row.get_by_label("Wat gaat er gebeuren").fill("Oom Murat slaapt bij de kinderen.")
    row.get_by_label("Wie doet het").fill("Oom Murat")
    row.get_by_label("Leefgebied").select_option(label="Veiligheid")
    page.get_by_role("button", name="Opslaan en naar de verwijzer sturen").click()
    expect(page.get_by_text("Het plan is naar de verwijzer gestuurd")).to_be_visible()
    context.close()

    # The referrer accepts the revised plan; the earlier version keeps its decision.
    context, page = as_user(referrer)
    page.goto(plan_url)
    expect(page.get_by_text("Oom Murat slaapt bij de kinderen.")).to_be_visible()
    page.get_by_label("Geaccepteerd", exact=True).check()
    page.get_by_role("button", name="Mijn besluit opslaan").click()
    expect(page.get_by_text("Je besluit is opgeslagen.", exact=False)).to_be_visible()
    expect(page.get_by_text("Wat gebeurt er nu?")).to_have_count(0)
    versions = page.get_by_role("navigation", name="Versies")
    expect(versions).to_contain_text("niet geaccepteerd")
    shot(page, f"revised-plan-accepted-{size}")
    fits_and_passes_axe(page, size)
    context.close()

    referral.refresh_from_db()
    assert referral.status == CaseStatus.PLAN_DECIDED
    latest = referral.plans.order_by("-version").first()
    assert (latest.version, latest.status, latest.decision.decision) == (
        2,
        PlanStatus.DECIDED,
        "accepted",
    )
