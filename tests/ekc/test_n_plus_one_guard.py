"""The whole test run detects N+1 queries (django-zeal, switched on in pyproject)."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from zeal import NPlusOneError

from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_lazy_load_in_a_loop_fails_the_test(regional_manager, organization):
    factories.draft(regional_manager, organization)
    factories.draft(regional_manager, organization)
    with pytest.raises(NPlusOneError, match="Referral.organization"):
        [referral.organization.name for referral in Referral.objects.all()]


def test_the_same_loop_with_the_relation_joined_passes(regional_manager, organization):
    factories.draft(regional_manager, organization)
    factories.draft(regional_manager, organization)
    names = [r.organization.name for r in Referral.objects.select_related("organization")]
    assert names == [organization.name] * 2


def lazy_view(request):
    return HttpResponse(", ".join(r.organization.name for r in Referral.objects.all()))


urlpatterns = [path("lazy/", lazy_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_lazy_load_in_a_loop_in_a_request_fails_the_test(
    client, admin_user, regional_manager, organization
):
    factories.draft(regional_manager, organization)
    factories.draft(regional_manager, organization)
    client.force_login(admin_user)
    with pytest.raises(NPlusOneError, match="Referral.organization"):
        client.get("/lazy/")
