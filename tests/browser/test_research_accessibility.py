"""The research dashboard and the accessibility statement in a real browser, at phone
and desktop size: no serious axe violation, no sideways scrolling, and figures that
arrive by themselves (a polite live region) while a worker computes them."""

import pytest
from playwright.sync_api import expect
from pytest_playwright_axe import Axe

from research import dashboard
from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import log_in as log_in_form
from tests.conftest import PASSWORD
from tests.research.test_views import FIXTURE, QueuedTasks, load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def serious(page):
    results = Axe().run(page, html_report_generated=False, json_report_generated=False)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, live_server, user):
    log_in_form(page, live_server.url, user.email, PASSWORD)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_fits_the_screen_and_passes_axe(browser, live_server, researcher, size):
    load(FIXTURE)
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    log_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/onderzoek/")
    grades = page.get_by_role("heading", name="Tevredenheid (rapportcijfers 1 tot 10)")
    expect(grades).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"research-dashboard-{size}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"]
    assert serious(page) == []
    page.goto(f"{live_server.url}/toegankelijkheid/")
    expect(page.get_by_role("heading", name="Toegankelijkheidsverklaring")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"accessibility-statement-{size}.png"), full_page=True)
    assert serious(page) == []
    context.close()


def test_figures_being_computed_arrive_without_a_reload(page, live_server, researcher, monkeypatch):
    monkeypatch.setattr(dashboard, "refresh_dashboard", tasks := QueuedTasks())
    load(FIXTURE)
    log_in(page, live_server, researcher)
    page.goto(f"{live_server.url}/onderzoek/")
    status = page.locator("[data-figures-pending]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("link", name="Vernieuwen")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert serious(page) == []
    page.evaluate("window.notReloaded = true")
    monkeypatch.undo()
    dashboard.refresh_dashboard.call(tasks.queued[0])
    expect(page.get_by_role("heading", name="Resultaat")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("De cijfers zijn klaar.")).to_be_attached()
    assert page.evaluate("window.notReloaded") is True
