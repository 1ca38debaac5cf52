"""Pages of the management site that list related rows load no relation per row."""

import html
import re
import uuid

import pytest
from django.contrib import admin
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coordinators.services import conflict_record
from ekc.admin import is_possible_id
from ekc.models import Region
from tests import factories

pytestmark = pytest.mark.django_db


def test_deleting_a_coordinator_with_cases_lists_them_without_a_query_per_row(
    client, admin_user, regional_manager, organization, coordinator
):
    # The confirmation lists the protected assignments and the conflicts that would
    # go; each row's name loaded its coordinator and its case (an N+1, found by the fuzz).
    profile = coordinator.coordinator_profile
    profile.max_active_cases = 5
    profile.save(update_fields=["max_active_cases"])
    for _ in range(3):
        factories.assigned(regional_manager, organization, profile)
    for _ in range(3):
        referral = factories.registered(regional_manager, organization)
        conflict_record(
            referral=referral, coordinator=profile, actor=regional_manager, reason="Kent de familie"
        )
    client.force_login(admin_user)
    url = reverse("admin:coordinators_coordinator_delete", args=[profile.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode() or "kan niet" in (
        response.content.decode().lower()
    )


@pytest.mark.parametrize("selected", ["Fuzz", "1.5", str(2**63), str(-(2**63) - 1), ""])
def test_an_action_on_rows_that_are_not_ids_changes_nothing(client, admin_user, region, selected):
    # Every list of the management site broke on a tampered row id (found by the fuzz).
    client.force_login(admin_user)
    url = reverse("admin:ekc_region_changelist")
    data = {"action": "delete_selected", "_selected_action": [selected, str(region.pk)]}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Kies alleen rijen uit de lijst. Er is niets veranderd." in response.content.decode()
    assert Region.objects.filter(pk=region.pk).exists()


def test_ids_of_every_kind_are_checked():
    assert is_possible_id(Region, "12")
    assert not is_possible_id(Region, "12abc")
    assert not is_possible_id(Region, str(2**63))
    assert is_possible_id(DBTaskResult, str(uuid.uuid4()))
    assert not is_possible_id(DBTaskResult, "Fuzz")


@pytest.mark.parametrize(
    "name",
    ["admin:auditlog_logentry_changelist", "admin:axes_accessattempt_changelist"],
)
def test_log_pages_of_the_management_site_are_dutch(client, admin_user, name):
    # django-auditlog and django-axes ship no Dutch catalogue, and Django's own leaves
    # "Search %(name)s" and "Filter by %(field_name)s" empty: our catalogue fills them.
    client.force_login(admin_user)
    page = client.get(reverse(name)).content.decode()
    page = re.sub(r'(href|name|class|id|for)="[^"]*"', "", page)
    for english in ("Search ", "Filter by", "timestamp", "Attempt Time", "IP Address"):
        assert english not in page, english
    assert "Filteren op" in page


ENGLISH_ADMIN = re.compile(r"\b(Search|Filter by|Pagination|Logout|results?|Show all)\b")


def _texts(page):
    attributes = re.findall(r'\b(?:alt|title|aria-label|placeholder|value)="([^"]*)"', page)
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page)) + " " + " ".join(attributes)


def test_the_management_site_speaks_dutch_throughout(
    client, admin_user, regional_manager, organization, coordinator
):
    # "Search logboekvermeldingen", alt="Search" and "Filter by timestamp" were English.
    factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(admin_user)
    found = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for url in urls:
            response = client.get(url, headers={"accept-language": "nl"})
            assert response.status_code == 200, url
            english = {
                m.group(0) for m in ENGLISH_ADMIN.finditer(_texts(response.content.decode()))
            }
            if english:
                found[url] = english
    assert found == {}
    # The date bar of the history was among them.
    page = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "Filteren op" in page
