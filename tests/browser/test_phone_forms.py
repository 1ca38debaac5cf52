"""The long forms on a phone (390x844): the plan entry page with 18 agreements and
the referral form with its language picker fit the screen's width."""

import pytest
from playwright.sync_api import expect

from plans import services
from tests import factories
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= 390"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


def test_plan_entry_fits_a_phone_with_18_agreements(
    page, live_server, login, screenshot, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    domains = ["social_contacts", "upbringing", "housing", "finances", "health", "safety"]
    services.plan_save(
        plan=plan,
        actor=coordinator,
        version=plan.edit_version,
        fields={
            "contingency": "Tante Esra vangt op.",
            "reconvene": "Iedereen.",
            "contact_person": "Tante Esra",
            "written_language": "nl",
        },
        agreements=[
            {
                "what": f"Afspraak {i + 1}: oma haalt de kinderen op en kookt samen met hen",
                "who": "Oma Ayse en oom Murat",
                "when": "elke woensdag na school",
                "life_domain": domains[i % len(domains)],
                "carried_by": "network",
                "organization_type": "",
            }
            for i in range(18)
        ],
        evaluation_dates=[],
    )
    login(coordinator.email, PASSWORD)
    page.goto(f"{live_server.url}/plannen/{plan.pk}/bewerken/")
    rows = page.locator(".agreement-row")
    expect(rows).to_have_count(18)
    expect(rows.nth(0).locator("summary")).to_contain_text("Afspraak 1 · Sociale contacten")
    expect(rows.nth(0).locator("summary")).to_contain_text("Oma Ayse en oom Murat: Afspraak 1")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    # Folded, 18 agreements take a few screens, not twelve.
    assert page.evaluate("document.documentElement.scrollHeight") < 4 * PHONE["height"]
    screenshot("phone-plan-entry-folded")

    rows.nth(0).locator("summary").click()
    expect(rows.nth(0).get_by_label("Wanneer, of hoe vaak")).to_have_value(
        "elke woensdag na school"
    )
    expect(rows.nth(0).get_by_label("Leefgebied")).to_have_value("social_contacts")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    rows.nth(0).scroll_into_view_if_needed()
    screenshot("phone-plan-entry-open")

    # A new agreement opens unfolded.
    page.get_by_role("button", name="Afspraak toevoegen").click()
    expect(rows).to_have_count(19)
    expect(rows.nth(18).get_by_label("Wat gaat er gebeuren")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    # On a desktop the open agreement's fields sit in rows, none cut off.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    rows.nth(0).locator("summary").click()
    assert page.evaluate("document.documentElement.scrollWidth <= 1280")
    select = rows.nth(0).get_by_label("Uitgevoerd door")
    assert select.evaluate("s => s.scrollWidth <= s.clientWidth")
    screenshot("desktop-plan-entry-open")


def test_referral_form_fits_a_phone_and_the_language_filter_narrows_the_list(
    page, live_server, login, screenshot, referrer
):
    login(referrer.email, PASSWORD)
    page.goto(f"{live_server.url}/aanmeldingen/nieuw/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    picker = page.locator("[data-language-picker]")
    boxes = picker.locator("[data-language-option]:visible")
    expect(boxes).to_have_count(9)  # the common languages; the rest is folded away
    expect(picker.get_by_label("Turks")).to_be_visible()
    screenshot("phone-referral-form")

    search = page.get_by_label("Zoek een taal")
    search.fill("somal")
    expect(boxes).to_have_count(1)
    picker.get_by_label("Somalisch").check()
    search.fill("xyz")
    expect(boxes).to_have_count(0)
    expect(picker.get_by_text("Geen taal met deze naam.")).to_be_visible()
    search.fill("")
    expect(boxes).to_have_count(9)  # "Meer talen" folds again
    picker.get_by_label("Turks").check()
    picker.scroll_into_view_if_needed()
    screenshot("phone-referral-languages")

    # Sent without the bounds: the error shows and the chosen languages stay chosen.
    page.get_by_label("Familienaam").fill("Yilmaz")
    page.get_by_role("button", name="Opslaan en naar de regiomanager sturen").click()
    expect(page.get_by_text("Vul dit in voordat je de aanmelding verstuurt.").first).to_be_visible()
    expect(picker.get_by_label("Turks")).to_be_checked()
    expect(picker.get_by_label("Somalisch")).to_be_checked()
    expect(picker.get_by_label("Somalisch")).to_be_visible()  # "Meer talen" is open
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot("phone-referral-form-errors")
