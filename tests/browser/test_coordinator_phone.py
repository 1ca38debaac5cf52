"""The coordinator on a phone (390 x 844): the network of ten readable as a list with
full names, the drawing one tap away and big enough to read, every invitation set
with one save, and after the conference each person's status is whether they came."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences import services
from referrals.models import NetworkMember
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_research_accessibility import SIZES, serious
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = SIZES["phone"]
NETWORK = [
    ("Fatma Aydın", "grandparent"),
    ("Mehmet Aydın", "grandparent"),
    ("Esra Yılmaz-Karaca", "other_family"),
    ("Murat Yılmaz", "other_family"),
    ("Elif Aydın", "sibling"),
    ("Ria van den Berg", "neighbour"),
    ("Lotte de Vries", "friend"),
    ("Rob Jansen", "other"),
    ("Hatice Aydın", "parent"),
    ("Can Özdemir", "other_family"),
]
PHASES = {
    "information_start": datetime.time(19, 0),
    "information_end": datetime.time(19, 40),
    "private_time_start": datetime.time(19, 50),
    "private_time_end": datetime.time(21, 10),
    "presentation_start": datetime.time(21, 20),
    "presentation_end": datetime.time(21, 50),
}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "nl-NL"}


@pytest.fixture
def case_of_ten(regional_manager, organization, coordinator, referrer):
    referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    for name, relation in NETWORK:
        services.member_save(referral=referral, actor=coordinator, name=name, relation=relation)
    return referral, conference


def sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth") > page.viewport_size["width"]


def test_coordinator_reads_the_network_and_saves_all_invitations_at_once_on_a_phone(
    page, live_server, login, screenshot, coordinator, case_of_ten
):
    referral, conference = case_of_ten
    login(coordinator.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/voorbereiding/")
    expect(page.get_by_role("heading", name="Netwerk", exact=True)).to_be_visible()

    # The list comes first, every name in full and not cut off.
    network = page.locator("#network")
    for name, _relation in NETWORK:
        link = network.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), name
        assert float(link.evaluate("e => getComputedStyle(e).fontSize")[:-2]) >= 12
    assert not sideways_scroll(page)
    screenshot("coordinator-phone-network-list")

    # The drawing is one tap away; its labels are 12 px or more (it scrolls sideways).
    drawing = page.locator("svg.network-drawing")
    expect(drawing).to_be_hidden()
    page.get_by_text("Tekening van het netwerk", exact=True).click()
    expect(drawing).to_be_visible()
    label = drawing.locator("text", has_text="Fatma").first
    assert label.evaluate("e => e.getBoundingClientRect().height") >= 12
    expect(drawing.locator("text", has_text="Aydın").first).to_be_attached()
    # Opened, the box shows the middle of the drawing: the family.
    assert page.locator(".network-scroll").evaluate("e => e.scrollLeft") > 0
    assert not sideways_scroll(page)  # only the drawing's own box scrolls
    screenshot("coordinator-phone-drawing-open")
    page.locator(".network-scroll").screenshot(
        path=str(SCREENSHOTS / "coordinator-phone-drawing.png")
    )
    assert serious(page) == []

    # Several statuses, one save.
    choices = {"Fatma Aydın": "Komt", "Mehmet Aydın": "Uitgenodigd", "Rob Jansen": "Komt niet"}
    for name, status in choices.items():
        page.get_by_label(f"Uitnodiging van {name}").select_option(label=status)
    screenshot("coordinator-phone-statuses-chosen")
    with page.expect_navigation():
        page.get_by_role("button", name="Uitnodigingen opslaan").click()
    expect(page.get_by_text("3 uitnodigingen opgeslagen.")).to_be_visible()
    saved = dict(NetworkMember.objects.filter(referral=referral).values_list("name", "invitation"))
    assert saved["Fatma Aydın"] == "confirmed"
    assert saved["Mehmet Aydın"] == "invited"
    assert saved["Rob Jansen"] == "declined"
    assert saved["Can Özdemir"] == "to_invite"
    expect(page.get_by_label("Uitnodiging van Fatma Aydın")).to_have_value("confirmed")
    screenshot("coordinator-phone-invitations-saved")

    # After the conference: who came is the status; no invitations to change.
    fatma = NetworkMember.objects.get(referral=referral, name="Fatma Aydın")
    mehmet = NetworkMember.objects.get(referral=referral, name="Mehmet Aydın")
    services.conference_hold(
        conference=conference,
        actor=coordinator,
        held_on=timezone.localdate(),
        phases=PHASES,
        attendance={fatma.pk: "attended", mehmet.pk: "absent"},
    )
    page.reload()
    row = network.locator("li", has=page.get_by_role("link", name="Mehmet Aydın", exact=True))
    expect(row).to_contain_text("Kwam niet")
    expect(row).not_to_contain_text("Uitgenodigd")
    expect(page.get_by_role("button", name="Uitnodigingen opslaan")).to_have_count(0)
    assert not sideways_scroll(page)
    screenshot("coordinator-phone-after-conference")
    assert serious(page) == []


def test_preparation_page_passes_axe_on_a_desktop(
    page, live_server, login, screenshot, coordinator, case_of_ten
):
    referral, _conference = case_of_ten
    page.set_viewport_size(SIZES["desktop"])
    login(coordinator.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/voorbereiding/")
    # Wide enough: the drawing opens by itself.
    expect(page.locator("svg.network-drawing")).to_be_visible()
    assert not sideways_scroll(page)
    screenshot("coordinator-desktop-preparation")
    assert serious(page) == []
