"""The referrer's day: a plan waiting for her decision comes first on her home page
and in her list, her list shows the conference date, and the region's warnings and
the organisation column are for those they concern."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ekc import formatting
from plans import services as plan_services
from plans.rules import deciding_cases_q, is_deciding_referrer
from referrals.models import Referral
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_plan(regional_manager, organization, coordinator, referrer):
    return factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


def _rows(page):
    body = page.content.decode()
    return re.findall(r"(?s)<tr>.*?</tr>", body.split("<tbody>", 1)[1])


def test_her_home_page_shows_the_waiting_plan_first(client, waiting_plan, referrer):
    client.force_login(referrer)
    page = client.get(reverse("home")).content.decode()
    assert "Plan wacht op jouw besluit" in page
    # First: before the cards of her roles and the list of her organisation's cases.
    assert page.index("Plan wacht op jouw besluit") < page.index("Verwijzer")
    assert reverse("plans:plan", args=[waiting_plan.referral_id]) in page
    # Her organisation's list names it the same way, not "Conferentie gehouden".
    org_list = page.split('id="h-org-cases"', 1)[1]
    assert "Plan wacht op jouw besluit" in org_list


def test_her_list_puts_the_waiting_plan_first_with_the_conference_date(
    client, waiting_plan, referrer, regional_manager, organization, coordinator
):
    # Two cases that waited longer in earlier states would come first in queue order.
    factories.registered(regional_manager, organization, referrer=referrer)
    factories.draft(referrer, organization)
    Referral.objects.exclude(pk=waiting_plan.referral_id).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(referrer)
    rows = _rows(client.get(reverse("referrals:list")))
    assert len(rows) == 3
    assert "Plan wacht op jouw besluit" in rows[0]
    assert waiting_plan.referral.display_reference in rows[0]
    conference = waiting_plan.referral.conferences.get()
    with translation.override("nl"):
        assert formatting.moment(conference.starts_at) in rows[0]
    assert "Plan wacht op jouw besluit" not in rows[1] + rows[2]


def test_a_decided_plan_no_longer_waits(client, waiting_plan, referrer):
    plan_services.plan_decide(plan=waiting_plan, actor=referrer, decision="accepted")
    client.force_login(referrer)
    assert "Plan wacht op jouw besluit" not in client.get(reverse("home")).content.decode()
    assert (
        "Plan wacht op jouw besluit" not in client.get(reverse("referrals:list")).content.decode()
    )


def test_a_colleague_without_the_right_to_decide_is_not_asked(client, waiting_plan, organization):
    colleague = make_user("collega@ekc.example", organization=organization, is_referrer=True)
    client.force_login(colleague)
    assert "Plan wacht op jouw besluit" not in client.get(reverse("home")).content.decode()
    colleague.may_decide_organization_plans = True
    colleague.save(update_fields=["may_decide_organization_plans"])
    client.force_login(colleague)
    assert "Plan wacht op jouw besluit" in client.get(reverse("home")).content.decode()


def test_the_deciding_filter_agrees_with_the_rule(
    waiting_plan, referrer, other_referrer, liaison, regional_manager, coordinator, admin_user
):
    referral = waiting_plan.referral
    for user in (referrer, other_referrer, liaison, regional_manager, coordinator, admin_user):
        by_filter = Referral.objects.filter(deciding_cases_q(user), pk=referral.pk).exists()
        assert by_filter == is_deciding_referrer(user, referral), user.email


def test_warnings_and_the_organisation_column_are_for_the_region(
    client, referrer, liaison, regional_manager, organization
):
    # Registered three weeks ago and still no coordinator: the manager's warning.
    referral = factories.registered(regional_manager, organization, referrer=referrer)
    Referral.objects.filter(pk=referral.pk).update(
        registered_at=timezone.now() - datetime.timedelta(days=21)
    )
    warning = "Geen coördinator na 2 werkdagen"
    client.force_login(regional_manager)
    page = client.get(reverse("referrals:list")).content.decode()
    assert warning in page and ">Organisatie<" in page and 'name="attention"' in page
    for user in (referrer, liaison):
        client.force_login(user)
        page = client.get(reverse("referrals:list")).content.decode()
        assert warning not in page, user.email
        assert ">Organisatie<" not in page, user.email
        assert 'name="attention"' not in page, user.email


def test_a_state_entered_today_reads_since_today(client, referrer, organization):
    factories.draft(referrer, organization)
    client.force_login(referrer)
    page = client.get(reverse("referrals:list")).content.decode()
    assert "sinds vandaag" in page
    assert "0 dagen" not in page


def test_her_list_asks_the_same_queries_for_one_case_or_many(
    client, referrer, regional_manager, organization, coordinator, django_assert_num_queries
):
    profile = coordinator.coordinator_profile
    profile.max_active_cases = 10
    profile.save(update_fields=["max_active_cases"])
    factories.submitted_plan(regional_manager, organization, profile, referrer=referrer)
    client.force_login(referrer)
    client.get(reverse("referrals:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("referrals:list"))
    for _ in range(3):
        factories.submitted_plan(regional_manager, organization, profile, referrer=referrer)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("referrals:list"))
    assert page.content.decode().count("Plan wacht op jouw besluit") == 4
