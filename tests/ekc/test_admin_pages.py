"""Pages of the management site that list related rows load no relation per row."""

import pytest
from django.urls import reverse

from coordinators.services import conflict_record
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
