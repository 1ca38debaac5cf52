"""The regional manager looks on, in a real browser, on a phone and on a desktop: she
comments on a contact in the log, the coordinator answers from her home page, the
coordinator asks for advice and the manager answers it from hers. Each page passes
axe and fits the screen."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences.models import NoteStatus, OversightNote
from conferences.services import contact_log
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
def test_manager_comments_on_a_contact_log_and_the_coordinator_answers(
    browser, live_server, regional_manager, organization, coordinator, referrer, size
):
    referral = factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate() - datetime.timedelta(days=2),
        method="visit",
        minutes=90,
        professional="Wijkcoach Karin",
        note="Kennismaking met moeder",
    )

    def as_user(user):
        context = browser.new_context(viewport=SIZES[size], locale="nl-NL")
        page = context.new_page()
        log_in_form(page, live_server.url, user.email, PASSWORD)
        return context, page

    # The manager opens the case, then its preparation, and comments on the contact.
    context, page = as_user(regional_manager)
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/")
    page.get_by_role("link", name="Voorbereiding", exact=True).click()
    notes = page.locator("#overleg")
    notes.get_by_text("Schrijf een opmerking").click()
    # Sent empty: a Dutch error, the chosen contact kept.
    notes.get_by_label("Over welk contact?").select_option(index=1)
    notes.get_by_role("button", name="Opmerking versturen").click()
    expect(page.get_by_text("Schrijf een korte tekst.")).to_be_visible()
    expect(page.get_by_label("Over welk contact?")).not_to_have_value("")
    shot(page, f"oversight-comment-error-{size}")
    fits_and_passes_axe(page, size)
    page.get_by_label("Je opmerking").fill(
        "Fijn dat je moeder al sprak. Vraag je ook wie de kinderen erbij willen?"
    )
    page.get_by_role("button", name="Opmerking versturen").click()
    expect(page.get_by_text("Je opmerking is naar de coördinator gestuurd.")).to_be_visible()
    expect(page.locator("#log").get_by_text("Opmerking van de regiomanager")).to_be_visible()
    shot(page, f"oversight-comment-sent-{size}")
    fits_and_passes_axe(page, size)
    context.close()

    # The coordinator finds it on her home page and answers it.
    context, page = as_user(coordinator)
    card = page.locator("section[aria-labelledby=h-comments]")
    expect(card).to_contain_text(referral.reference)
    shot(page, f"oversight-coordinator-home-{size}")
    fits_and_passes_axe(page, size)
    card.get_by_role("link").first.click()
    note = page.locator("#overleg li").first
    expect(note).to_contain_text("Vraag je ook wie de kinderen erbij willen?")
    expect(note).to_contain_text("over het contact van")
    note.get_by_label("Je antwoord").fill("Ja, de oudste wil haar trainer erbij.")
    note.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_text("Je antwoord is verstuurd.")).to_be_visible()
    expect(page.locator("#overleg")).to_contain_text("Ja, de oudste wil haar trainer erbij.")
    shot(page, f"oversight-coordinator-answered-{size}")
    fits_and_passes_axe(page, size)

    # She asks the regional manager for advice.
    notes = page.locator("#overleg")
    notes.get_by_text("Vraag de regiomanager om advies").click()
    notes.get_by_label("Je vraag aan de regiomanager").fill(
        "Vader wil niet dat zijn broer komt. Hoe ga ik daarmee om?"
    )
    notes.get_by_role("button", name="Vraag versturen").click()
    expect(page.get_by_text("Je vraag is naar de regiomanager gestuurd.")).to_be_visible()
    context.close()

    # The manager sees the question on her home page and answers it.
    context, page = as_user(regional_manager)
    card = page.locator("section[aria-labelledby=h-advice]")
    expect(card).to_contain_text(referral.reference)
    shot(page, f"oversight-manager-home-{size}")
    fits_and_passes_axe(page, size)
    card.get_by_role("link").first.click()
    question = page.locator("#overleg li", has_text="Hoe ga ik daarmee om?")
    question.get_by_label("Je antwoord").fill("Bespreek met vader wat hij nodig heeft. Bel me.")
    question.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_text("Je antwoord is verstuurd.")).to_be_visible()

    # The case page shows both notes, and the timeline that they talked.
    page.goto(f"{live_server.url}/aanmeldingen/{referral.pk}/")
    expect(page.locator("#overleg")).to_contain_text("Bespreek met vader wat hij nodig heeft.")
    timeline = page.locator("section[aria-labelledby=h-timeline]")
    expect(timeline).to_contain_text("Regiomanager gaf een opmerking bij het contact van")
    expect(timeline).to_contain_text("Regiomanager beantwoordde de vraag om advies")
    shot(page, f"oversight-case-page-{size}")
    fits_and_passes_axe(page, size)
    context.close()

    assert set(OversightNote.objects.values_list("status", flat=True)) == {NoteStatus.ANSWERED}
