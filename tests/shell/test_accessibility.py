import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_statement_is_public_and_linked_from_every_page(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "toegankelijkheid@ekc.example"
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("accessibility")}"' in login
    page = client.get(reverse("accessibility")).content.decode()
    assert "Toegankelijkheidsverklaring" in page and "voldoet gedeeltelijk" in page.lower()
    assert "mailto:toegankelijkheid@ekc.example" in page


def test_statement_in_english(client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accessibility")).content.decode()
    assert "Accessibility statement" in page and "partially compliant" in page
    assert "regional manager" in page  # no contact address configured
