"""Every role logs in through the real form and lands on its home page."""

import pytest
from playwright.sync_api import expect
from pytest_playwright_axe import Axe

from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (fixture, the role name shown, where the role applies)
ROLES = [
    ("regional_manager", "Regiomanager", "Overijssel"),
    ("coordinator", "Coördinator", "Overijssel"),
    ("referrer", "Verwijzer", "Bureau Jeugdzorg Overijssel"),
    ("liaison", "Aandachtsfunctionaris", "Bureau Jeugdzorg Overijssel"),
    ("researcher", "Onderzoeker", None),
    ("admin_user", "Beheerder", None),
]


def serious_violations(page):
    results = Axe().run(page, html_report_generated=False, json_report_generated=False)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(("fixture", "role_name", "scope"), ROLES)
def test_role_logs_in_and_sees_home(request, page, login, screenshot, fixture, role_name, scope):
    user = request.getfixturevalue(fixture)
    login(user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    card = page.get_by_role("region", name=role_name)
    expect(card).to_be_visible()
    if scope:
        expect(card).to_contain_text(scope)
    screenshot(f"home-{fixture}")
    assert serious_violations(page) == []


def test_login_page_is_dutch_and_accessible(page, live_server, screenshot):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/inloggen/?next=/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    screenshot("login")
    assert serious_violations(page) == []


def test_wrong_password_five_times_locks_out(page, login, regional_manager, screenshot):
    for _ in range(5):
        login(regional_manager.email, "wrong-password")
    expect(page.get_by_role("heading", name="Account geblokkeerd")).to_be_visible()
    screenshot("locked-out")


def test_home_at_phone_width(browser, live_server, coordinator):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, live_server.url, coordinator.email, PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Welkom")
    # The menu folds away behind a button at phone width and opens on tap.
    phone.get_by_role("button", name="Menu tonen").click()
    expect(phone.get_by_role("button", name="Uitloggen")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "home-phone.png"), full_page=True)
    context.close()
