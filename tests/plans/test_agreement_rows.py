"""The plan entry form folds each agreement to one line; a row with an error, or
nothing in it yet, stays open, and nothing typed is lost."""

import re

import pytest
from django.urls import reverse

from plans import services
from tests import factories
from tests.forms import form_fields

pytestmark = pytest.mark.django_db


def _rows(html):
    """Per agreement row on the page: (is it open, its HTML)."""
    html = html.split('<template id="agreements-empty">', 1)[0]
    chunks = html.split('<details class="agreement-row')[1:]
    return [
        (chunk.split(">", 1)[0].endswith(" open"), chunk.split("</details>", 1)[0])
        for chunk in chunks
    ]


def _agreements(n):
    return [
        {
            "what": f"Afspraak {i}: oma kookt",
            "who": f"Oma {i}",
            "when": "elke maandag",
            "life_domain": "social_contacts",
            "carried_by": "network",
            "organization_type": "",
        }
        for i in range(1, n + 1)
    ]


@pytest.fixture
def plan_of_18(regional_manager, organization, coordinator):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    services.plan_save(
        plan=plan,
        actor=coordinator,
        version=plan.edit_version,
        fields={
            "contingency": "",
            "reconvene": "",
            "contact_person": "",
            "written_language": "nl",
        },
        agreements=_agreements(18),
        evaluation_dates=[],
    )
    return plan


def _post_data(client, url, rows):
    data = {
        **form_fields(client, url),
        "written_language": "nl",
        "agreements-TOTAL_FORMS": str(len(rows)),
        "agreements-INITIAL_FORMS": "0",
        "dates-TOTAL_FORMS": "0",
        "dates-INITIAL_FORMS": "0",
        "save": "1",
    }
    for index, row in enumerate(rows):
        data.update({f"agreements-{index}-{k}": v for k, v in row.items()})
    return data


def test_saved_agreements_are_folded_to_one_line_each(client, plan_of_18, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("plans:edit", args=[plan_of_18.pk])).content.decode()
    rows = _rows(html)
    assert len(rows) == 18
    assert not any(is_open for is_open, _ in rows)
    summary = rows[4][1].split("</summary>", 1)[0]
    assert "Afspraak 5</span> · Sociale contacten" in summary
    assert "Oma 5: Afspraak 5: oma kookt" in summary
    # The row for a new agreement (added with JavaScript) starts open.
    template = html.split('<template id="agreements-empty">', 1)[1]
    assert re.match(r'<details class="agreement-row[^>]* open>', template.strip())


def test_a_new_plan_opens_its_empty_agreement(client, regional_manager, organization, coordinator):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    client.force_login(coordinator)
    rows = _rows(client.get(reverse("plans:edit", args=[plan.pk])).content.decode())
    assert [is_open for is_open, _ in rows] == [True]


def test_the_agreement_with_an_error_opens_and_nothing_typed_is_lost(
    client, plan_of_18, coordinator
):
    url = reverse("plans:edit", args=[plan_of_18.pk])
    client.force_login(coordinator)
    rows = _agreements(18)
    rows[6] = {**rows[6], "what": "Tante belt de school", "carried_by": "professional"}
    rows[11] = {**rows[11], "who": ""}
    response = client.post(url, _post_data(client, url, rows))
    assert response.status_code == 200
    shown = _rows(response.content.decode())
    assert [i for i, (is_open, _) in enumerate(shown) if is_open] == [6, 11]
    assert "Welk soort organisatie wordt om hulp gevraagd?" in shown[6][1]
    assert "controleer dit" in shown[6][1].split("</summary>", 1)[0]
    # Folded rows still carry what was typed, and are sent again with the form.
    for index, (_open, row) in enumerate(shown):
        assert f'value="Oma {index + 1}"' in row or index == 11
        assert f"Afspraak {index + 1}: oma kookt" in row or index == 6
    assert "Tante belt de school" in shown[6][1]


def test_an_untouched_extra_agreement_row_does_not_block_saving(
    client, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    url = reverse("plans:edit", args=[plan.pk])
    client.force_login(coordinator)
    # As a browser sends the untouched row: each select with the option it shows.
    page = client.get(url).content.decode()
    shown = {}
    for name in ("life_domain", "carried_by"):
        select = page.split(f'name="agreements-0-{name}"', 1)[1].split("</select>", 1)[0]
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        shown[name] = (chosen or re.search(r'<option value="([^"]*)"', select)).group(1)
    empty = {"what": "", "who": "", "when": "", **shown}
    response = client.post(url, _post_data(client, url, [_agreements(1)[0], empty]))
    assert response.status_code == 302
    assert plan.agreements.count() == 1


def test_the_life_domain_must_be_chosen_in_a_filled_row(
    client, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    url = reverse("plans:edit", args=[plan.pk])
    client.force_login(coordinator)
    row = {**_agreements(1)[0], "life_domain": ""}
    response = client.post(url, _post_data(client, url, [row]))
    assert response.status_code == 200
    ((is_open, html),) = _rows(response.content.decode())
    assert is_open and "Dit veld is verplicht." in html
    assert re.search(r'<option value="" selected>', html)
