"""The coordinator pool in a real browser, at phone and desktop size, with axe on
every page: the manager records a course, an evaluation and a meeting; the
coordinator reads their record and asks to serve another region; that region's
manager says yes from the home page."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coordinators.models import Evaluation, Meeting, RegionRequest, RegionRequestStatus, Training
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_research_accessibility import SIZES, log_in, serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("POOL_SHOTS", SCREENSHOTS))


def check(page, name, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"pool-{name}-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert serious(page) == [], name


@pytest.mark.parametrize("size", SIZES)
def test_pool_flow(
    browser, live_server, size, regional_manager, other_regional_manager, coordinator
):
    today = timezone.localdate()
    context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
    page = context.new_page()

    # The manager: the pool shows the coordinator overdue (no course yet).
    log_in(page, live_server, regional_manager)
    page.goto(f"{live_server.url}/coordinatoren/")
    expect(
        page.get_by_text("1 coördinator moet een opfriscursus of evaluatie krijgen.")
    ).to_be_visible()
    check(page, "list", size)
    page.get_by_role("link", name=coordinator.get_full_name()).click()
    course = page.locator("form:has(button[name=add_training])")
    course.get_by_label("Basiscursus").check()
    course.get_by_label("Datum").fill((today - datetime.timedelta(days=30)).isoformat())
    course.get_by_role("button", name="Cursus vastleggen").click()
    expect(page.get_by_text("De cursus is vastgelegd.")).to_be_visible()
    evaluation = page.locator("form:has(button[name=add_evaluation])")
    evaluation.get_by_label("Datum").fill(today.isoformat())
    evaluation.get_by_label("Korte samenvatting").fill("Loopt goed; wil meer over tolken.")
    evaluation.get_by_role("button", name="Evaluatie vastleggen").click()
    expect(page.get_by_text("De evaluatie is vastgelegd.")).to_be_visible()
    check(page, "record", size)
    assert Training.objects.count() == 1 and Evaluation.objects.count() == 1

    page.goto(f"{live_server.url}/coordinatoren/bijeenkomsten/")
    page.get_by_label("Intervisie").check()
    page.get_by_label("Datum").fill(today.isoformat())
    page.locator("select[name=region]").select_option(label="Overijssel")
    page.get_by_label(coordinator.get_full_name()).check()
    page.get_by_role("button", name="Bijeenkomst vastleggen").click()
    expect(page.get_by_text("De bijeenkomst is vastgelegd.")).to_be_visible()
    check(page, "meetings", size)
    assert list(Meeting.objects.get().attendees.all()) == [coordinator.coordinator_profile]
    context.clear_cookies()

    # The coordinator reads their record (no forms to change it) and asks for Amsterdam.
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/mijn-dossier/")
    expect(page.get_by_text("Loopt goed; wil meer over tolken.")).to_be_visible()
    expect(page.get_by_role("button", name="Cursus vastleggen")).to_have_count(0)
    page.locator("select[name=region]").select_option(label="Amsterdam")
    page.get_by_label("Waarom wil je in deze regio werken?").fill("Ik verhuis naar Amsterdam.")
    page.get_by_role("button", name="Vraag het de regiomanager").click()
    expect(page.get_by_text("Je vraag is verstuurd.")).to_be_visible()
    check(page, "own-record", size)
    context.clear_cookies()

    # The manager of Amsterdam says yes from the home page.
    log_in(page, live_server, other_regional_manager)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Ik verhuis naar Amsterdam.")).to_be_visible()
    check(page, "home-question", size)
    page.get_by_role("button", name="Ja, voeg Amsterdam toe").click()
    expect(page.get_by_text("werkt nu ook in Amsterdam")).to_be_visible()
    assert RegionRequest.objects.get().status == RegionRequestStatus.APPROVED
    assert coordinator.regions.filter(name="Amsterdam").exists()
    context.close()
