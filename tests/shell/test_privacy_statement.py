"""The privacy statement: public, linked from every page, in Dutch and English, and
naming the configured controller, contact address and retention period."""

import re

import pytest
from django.urls import reverse

from ekc import second_factor
from tests.second_factor import give_device

pytestmark = pytest.mark.django_db

URL = "/privacyverklaring/"


def test_the_address_is_dutch():
    assert reverse("privacy_statement") == URL


def test_anyone_reads_it_in_dutch_with_the_configured_controller(client, settings):
    settings.PRIVACY_CONTROLLER_NAME = "Stichting Voorbeeld Jeugdzorg"
    settings.PRIVACY_CONTACT_EMAIL = "privacy@voorbeeld.example"
    settings.RETENTION_YEARS = 15
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Privacyverklaring" in page
    assert "Stichting Voorbeeld Jeugdzorg" in page
    assert 'href="mailto:privacy@voorbeeld.example"' in page
    assert "15 jaar na de laatste verandering" in page
    for fact in [
        "binnen <strong>1 maand</strong>",
        "binnen <strong>3 maanden</strong>",
        "jonger dan 12 jaar",
        "Autoriteit Persoonsgegevens",
        "minstens 5 jaar, en nooit korter dan het dossier",
        "vernietigingsregister",
        "blokkade",
        "toestemming altijd intrekken",
    ]:
        assert fact in page, fact


def test_it_reads_in_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert '<html lang="en">' in page
    assert "Privacy statement" in page and "Your rights" in page
    assert "within <strong>1 month</strong>" in page
    assert "within <strong>3 months</strong>" in page
    assert "Privacyverklaring" not in page


def test_the_defaults_are_plainly_examples(client):
    page = client.get(URL).content.decode()
    assert "Voorbeeldorganisatie EKC" in page
    assert "privacy@ekc.example" in page


def test_its_headings_go_down_one_level_at_a_time(client):
    page = client.get(URL).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_link_on_the_page_to_a_section_finds_it(client):
    page = client.get(URL).content.decode()
    ids = set(re.findall(r'id="([\w-]+)"', page))
    targets = set(re.findall(r'href="#([\w-]+)"', page))
    assert targets and targets <= ids


def test_the_footer_of_every_page_links_to_it(client, referrer):
    assert f'href="{URL}"' in client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("accessibility")).content.decode()
    client.force_login(referrer)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


@pytest.mark.real_second_factor
def test_a_user_who_still_owes_the_second_factor_can_read_it(client, regional_manager):
    give_device(regional_manager)
    client.force_login(regional_manager)
    assert client.get(reverse("home")).url.startswith("/tweede-stap/")
    assert "privacy_statement" in second_factor.OPEN_URL_NAMES
    assert client.get(URL).status_code == 200


def test_it_takes_no_post(client):
    assert client.post(URL).status_code == 405
