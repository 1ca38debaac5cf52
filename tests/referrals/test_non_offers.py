import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import NonOffer
from tests.forms import post_form

pytestmark = pytest.mark.django_db


def record(liaison, days_ago=0, motivation="Ouders wilden eerst zelf iets proberen."):
    return services.non_offer_record(
        actor=liaison,
        decided_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        occasion="crisis",
        motivation=motivation,
    )


def test_liaison_records_for_own_organisation(liaison):
    item = record(liaison)
    assert item.organization == liaison.organization


@pytest.mark.parametrize("fixture", ["referrer", "regional_manager", "coordinator", "researcher"])
def test_only_liaisons_record(request, fixture):
    with pytest.raises(PermissionDenied):
        record(request.getfixturevalue(fixture))


def test_future_date_and_empty_motivation_are_refused(liaison):
    with pytest.raises(ValueError):
        record(liaison, days_ago=-1)
    with pytest.raises(ValueError):
        record(liaison, motivation="  ")
    assert not NonOffer.objects.exists()


ACCESS = {
    "liaison": True,
    "regional_manager": True,
    "other_regional_manager": False,
    "admin_user": True,
}


@pytest.mark.parametrize(("fixture", "sees"), ACCESS.items())
def test_who_sees_the_motivations(client, request, liaison, fixture, sees):
    record(liaison, motivation="Crisisplaatsing was al geregeld.")
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("referrals:non_offers"))
    assert response.status_code == 200
    assert ("Crisisplaatsing was al geregeld." in response.content.decode()) == sees


@pytest.mark.parametrize("fixture", ["referrer", "coordinator", "researcher", "no_role_user"])
def test_others_get_no_access(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("referrals:non_offers")).status_code == 403
    assert client.get(reverse("referrals:non_offer_create")).status_code == 403


def test_count_per_organisation_and_period(client, liaison, regional_manager):
    record(liaison, days_ago=40)
    record(liaison, days_ago=2)
    record(liaison, days_ago=1)
    client.force_login(regional_manager)
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = client.get(reverse("referrals:non_offers"), {"start": start})
    assert response.context["total"] == 2
    assert list(response.context["per_organization"]) == [
        {"organization__name": "Bureau Jeugdzorg Overijssel", "n": 2}
    ]


def test_form_errors_keep_input(client, liaison):
    client.force_login(liaison)
    response = post_form(
        client,
        reverse("referrals:non_offer_create"),
        {
            "decided_on": str(timezone.localdate() + datetime.timedelta(days=7)),
            "occasion": "crisis",
            "motivation": "Geen netwerk bekend",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze datum ligt in de toekomst." in html
    assert "Geen netwerk bekend" in html
    assert not NonOffer.objects.exists()


@pytest.mark.parametrize("tampered", ["abc", "9" * 30, "other"])
def test_a_bad_organisation_filter_keeps_the_period(
    client, liaison, regional_manager, other_organization, tampered
):
    record(liaison, days_ago=40)
    record(liaison, days_ago=2)
    client.force_login(regional_manager)
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    organization = other_organization.pk if tampered == "other" else tampered
    response = client.get(
        reverse("referrals:non_offers"), {"start": start, "organization": organization}
    )
    assert response.status_code == 200
    assert response.context["total"] == 1
    assert other_organization.name not in response.content.decode()
