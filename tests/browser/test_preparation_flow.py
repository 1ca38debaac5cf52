"""The coordinator's preparation on a phone: contacts, network, schedule, the day."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK = [
    ("Oma Ayse", "Opa of oma"),
    ("Opa Kemal", "Opa of oma"),
    ("Tante Esra", "Andere familie"),
    ("Oom Murat", "Andere familie"),
    ("Zus Elif", "Broer of zus"),
    ("Buurvrouw Ria", "Buur"),
    ("Vriendin Lotte", "Vriend of vriendin"),
    ("Trainer Rob", "Anders"),
    ("Moeder Hatice", "Ouder"),
    ("Neef Can", "Andere familie"),
]


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_coordinator_prepares_and_logs_the_day_on_a_phone(
    browser, live_server, regional_manager, organization, coordinator, referrer
):
    referral = factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL")
    page = context.new_page()
    log_in(page, live_server.url, coordinator.email, PASSWORD)
    page.get_by_role("link", name=f"{referral.reference} · Jansen").click()
    expect(page.get_by_role("heading", name="Voorbereiding · Jansen")).to_be_visible()

    # Two contact moments (one with a professional, one with the known network).
    for who, minutes in [("Wijkcoach Karin", "30"), ("Juf Anja", "45")]:
        page.get_by_text("Contact vastleggen").first.click()
        page.get_by_label("Of met een professional").fill(who)
        page.get_by_role("radio", name="Telefoon").check()
        page.get_by_label("Minuten").fill(minutes)
        page.get_by_role("button", name="Contact opslaan").click()
        expect(page.get_by_text("Contactmoment opgeslagen.")).to_be_visible()
    expect(page.get_by_text("2 contacten, 1,2 uur in totaal.")).to_be_visible()
    shot(page, "preparation-log-phone")

    # A network of 10; the drawing follows.
    for name, relation in NETWORK:
        page.get_by_text("Iemand toevoegen aan het netwerk").click()
        form = page.locator("form[action$='/netwerk/']")
        form.get_by_label("Naam").fill(name)
        form.get_by_label("Relatie").select_option(label=relation)
        form.get_by_label("Uitnodiging").select_option(label="Komt")
        form.get_by_role("button", name="Toevoegen").click()
        expect(page.get_by_text(f"{name} is toegevoegd aan het netwerk.")).to_be_visible()
    drawing = page.locator("svg.network-drawing")
    expect(drawing.locator("title").first).to_contain_text("10 mensen")
    expect(drawing).to_contain_text("Oma Ayse")
    shot(page, "network-drawing-phone")

    # Schedule the conference.
    page.get_by_role("link", name="Conferentie plannen").click()
    page.get_by_label("Datum").fill("2026-11-21")
    page.get_by_label("Begintijd").fill("19:00")
    page.get_by_label("Plek").select_option(label="Buurthuis")
    page.get_by_label("Adres").fill("Buurthuis De Kern, Zwolle")
    page.get_by_label("Eten en drinken dat de familie koos").fill("Soep van oma")
    page.get_by_role("button", name="Plannen").click()
    expect(page.get_by_text("De conferentie is gepland.")).to_be_visible()
    shot(page, "scheduled-phone")

    # The day: three phases and the attendance checklist.
    page.get_by_role("link", name="Conferentiedag vastleggen").click()
    expect(page.get_by_text("Geen professionals, geen coördinator.")).to_be_visible()
    times = ["19:00", "19:40", "19:50", "21:10", "21:20", "21:50"]
    starts, ends = page.get_by_label("Begin").all(), page.get_by_label("Einde").all()
    for index in range(3):
        starts[index].fill(times[2 * index])
        ends[index].fill(times[2 * index + 1])
    page.get_by_role("radiogroup", name="Trainer Rob").get_by_text("Kwam niet").click()
    shot(page, "conference-day-phone")
    page.get_by_role("button", name="Conferentiedag opslaan").click()
    expect(page.get_by_text("De conferentiedag is opgeslagen.")).to_be_visible()
    expect(page.get_by_text("170 minuten")).to_be_visible()
    shot(page, "conference-held-phone")
    context.close()

    referral.refresh_from_db()
    assert referral.status == "conference_held"
    conference = referral.conferences.get()
    attendance = dict(conference.participants.values_list("member__name", "attendance"))
    assert attendance["Trainer Rob"] == "absent"
    assert attendance["Oma Ayse"] == "attended"
