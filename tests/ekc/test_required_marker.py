"""The "*" means one thing everywhere: you must fill this in (to send)."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.forms import post_form

pytestmark = pytest.mark.django_db


def _label(html, field_id):
    """The label (or legend) text of the field with ``field_id``, whitespace folded."""
    match = re.search(
        rf'<div id="div_{field_id}"[^>]*>\s*(?:<fieldset[^>]*>\s*)?'
        r"<(?:label|legend)[^>]*>(.*?)</(?:label|legend)>",
        html,
        re.S,
    )
    assert match, field_id
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_fields_needed_to_send_a_referral_carry_the_marker(client, referrer):
    client.force_login(referrer)
    html = client.get(reverse("referrals:create")).content.decode()
    for field_id in ("id_occasion", "id_question", "id_bounds", "id_family_name"):
        assert _label(html, field_id).endswith("*"), field_id
    for field_id in ("id_problem_areas", "id_address", "id_funder"):
        assert not _label(html, field_id).endswith("*"), field_id
    assert "Een * betekent: nodig om de aanmelding te versturen" in html
    assert re.search(r'Hoofdpersonen en kinderen<span class="asteriskField">\*</span>', html)


def test_the_marker_does_not_make_a_draft_refuse_empty_fields(client, referrer):
    client.force_login(referrer)
    data = {
        "family_name": "",
        "main_persons-TOTAL_FORMS": "0",
        "main_persons-INITIAL_FORMS": "0",
        "professionals-TOTAL_FORMS": "0",
        "professionals-INITIAL_FORMS": "0",
        "network-TOTAL_FORMS": "0",
        "network-INITIAL_FORMS": "0",
        "save": "1",
    }
    response = post_form(client, reverse("referrals:create"), data)
    assert response.status_code == 302
    assert referrer.organization.referrals.get().bounds == ""


def test_empty_extra_rows_of_the_schedule_form_are_not_marked(
    client, regional_manager, organization, coordinator
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    html = client.get(reverse("conferences:schedule", args=[referral.pk])).content.decode()
    assert _label(html, "id_professionals-0-name") == "Naam"
    assert _label(html, "id_professionals-1-name") == "Naam"
    assert _label(html, "id_date") == "Datum*"  # a field the form needs still has it


def test_a_known_professional_row_keeps_the_marker_and_the_extra_rows_do_not(
    client, regional_manager, organization, coordinator
):
    known = {"name": "Karin de Jong", "organization": "Wijkteam", "role": "wijkcoach"}
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    referral.professionals.create(**known)  # as the referral form saves it
    client.force_login(coordinator)
    html = client.get(reverse("conferences:schedule", args=[referral.pk])).content.decode()
    # The known row cannot be emptied (the form asks for its name): it is marked.
    assert _label(html, "id_professionals-0-name") == "Naam*"
    assert _label(html, "id_professionals-1-name") == "Naam"
    assert _label(html, "id_professionals-2-name") == "Naam"


def test_hand_written_labels_follow_the_same_rule(client, regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    html = client.get(reverse("coordinators:match", args=[referral.pk])).content.decode()
    assert 'for="id_coordinator">Coördinator<span class="asteriskField">*</span>' in html
    assert 'for="id_reason">Reden<span class="asteriskField">*</span>' in html
