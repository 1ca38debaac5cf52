"""A plan that was not accepted: its own state, and the three ways out of it (a
revised plan decided again, a follow-up conference to rework it, or closing)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conferences.services import conference_hold, conference_schedule
from plans import services
from plans.models import PlanStatus
from plans.reminders import evaluations_in_a_week
from plans.selectors import due_evaluations
from referrals.lifecycle import (
    FOLLOWING_PLAN,
    IN_PROGRESS,
    CaseStatus,
    Transition,
    can_transition,
)
from referrals.models import Referral
from referrals.services import TransitionError, transition
from referrals.timeline import sentence
from research.stats import compute
from shell.selectors import status_counts
from tests import factories

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = CaseStatus.PLAN_NOT_ACCEPTED
PHASES = {
    "information_start": datetime.time(10, 0),
    "information_end": datetime.time(10, 30),
    "private_time_start": datetime.time(10, 45),
    "private_time_end": datetime.time(12, 0),
    "presentation_start": datetime.time(12, 15),
    "presentation_end": datetime.time(12, 45),
}


@pytest.fixture
def plan(regional_manager, organization, coordinator, referrer):
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    # Its evaluation date comes within the week: lists and reminders would name it.
    plan.evaluation_moments.update(due_on=timezone.localdate() + datetime.timedelta(days=3))
    return plan


def reject(plan, referrer):
    services.plan_decide(
        plan=plan,
        actor=referrer,
        decision="rejected",
        unmet_bound="safety",
        reason="Niemand is 's nachts bij de kinderen.",
    )
    plan.refresh_from_db()
    plan.referral.refresh_from_db()
    return plan


def revise(plan, coordinator, referrer, decision, **fields):
    new = services.plan_new_version(plan=plan, actor=coordinator)
    services.plan_submit(plan=new, actor=coordinator)
    services.plan_decide(plan=new, actor=referrer, decision=decision, **fields)
    new.referral.refresh_from_db()
    return new


def test_the_states_and_their_groups():
    assert NOT_ACCEPTED.label == "Plan niet geaccepteerd"
    assert NOT_ACCEPTED in IN_PROGRESS
    assert NOT_ACCEPTED not in FOLLOWING_PLAN
    # From it: a revised plan decided again, closing; never following up.
    assert can_transition(NOT_ACCEPTED, Transition.DECIDE_PLAN)
    assert can_transition(NOT_ACCEPTED, Transition.REJECT_PLAN)
    assert can_transition(NOT_ACCEPTED, Transition.CLOSE)
    for refused in (Transition.START_FOLLOW_UP, Transition.HOLD, Transition.STOP):
        assert not can_transition(NOT_ACCEPTED, refused), refused


def test_a_plan_not_accepted_moves_the_case_to_its_own_state(plan, referrer):
    plan = reject(plan, referrer)
    referral = plan.referral
    assert plan.status == PlanStatus.DECIDED
    assert referral.status == NOT_ACCEPTED
    event = referral.events.get(kind=Transition.REJECT_PLAN)
    assert (event.from_status, event.to_status) == (CaseStatus.CONFERENCE_HELD, NOT_ACCEPTED)
    assert event.details == {"version": 1, "decision": "rejected"}
    assert sentence(event) == "Plan niet geaccepteerd"


def test_an_accepted_plan_still_moves_the_case_to_plan_decided(plan, referrer):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    plan.referral.refresh_from_db()
    assert plan.referral.status == CaseStatus.PLAN_DECIDED


def test_way_one_a_revised_plan_is_decided_again(plan, referrer, coordinator):
    reject(plan, referrer)
    again = revise(
        plan, coordinator, referrer, "rejected", unmet_bound="legality", reason="Nog niet."
    )
    assert again.referral.status == NOT_ACCEPTED
    accepted = revise(again, coordinator, referrer, "accepted")
    assert accepted.version == 3
    assert accepted.referral.status == CaseStatus.PLAN_DECIDED
    kinds = list(
        accepted.referral.events.filter(kind__in=Transition.values)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds[-3:] == [Transition.REJECT_PLAN, Transition.REJECT_PLAN, Transition.DECIDE_PLAN]
    # Now it is followed up: its evaluation is due, and recording one starts the follow-up.
    assert [m.plan_id for m in due_evaluations(coordinator)] == [accepted.pk]
    services.evaluation_record(
        plan=accepted,
        actor=coordinator,
        held_on=timezone.localdate(),
        present="Familie",
        statuses={},
        decision="continue",
    )
    accepted.referral.refresh_from_db()
    assert accepted.referral.status == CaseStatus.FOLLOW_UP


def test_way_two_a_follow_up_conference_to_rework_the_plan(plan, referrer, coordinator):
    referral = reject(plan, referrer).referral
    with pytest.raises(TransitionError):  # not a first conference again
        conference_schedule(
            referral=referral,
            actor=coordinator,
            kind="family_group",
            starts_at=timezone.now() + datetime.timedelta(days=7),
            location_type="family_home",
        )
    follow_up = conference_schedule(
        referral=referral,
        actor=coordinator,
        kind="follow_up",
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        location_type="family_home",
    )
    conference_hold(
        conference=follow_up,
        actor=coordinator,
        held_on=timezone.localdate(),
        phases=PHASES,
        attendance={},
    )
    referral.refresh_from_db()
    assert referral.status == NOT_ACCEPTED  # reworked, not yet decided again
    kinds = set(referral.events.values_list("kind", flat=True))
    assert {"follow_up_scheduled", "follow_up_held"} <= kinds
    reworked = revise(plan, coordinator, referrer, "accepted")
    assert reworked.referral.status == CaseStatus.PLAN_DECIDED


def test_way_three_closing_with_the_outcome(plan, referrer, regional_manager):
    referral = reject(plan, referrer).referral
    closed = services.case_close(
        referral=referral, actor=regional_manager, outcomes=["other"], note="Andere hulp."
    )
    assert closed.status == CaseStatus.CLOSED
    assert list(closed.outcomes.values_list("code", flat=True)) == ["other"]
    event = closed.events.get(kind=Transition.CLOSE)
    assert event.from_status == NOT_ACCEPTED


def test_a_plan_not_accepted_is_not_followed_up(plan, referrer, coordinator, liaison):
    referral = reject(plan, referrer).referral
    # Not evaluated, not listed or reminded as due, no help recorded.
    with pytest.raises(TransitionError, match="geaccepteerd plan"):
        services.evaluation_record(
            plan=plan,
            actor=coordinator,
            held_on=timezone.localdate(),
            present="Familie",
            statuses={},
            decision="continue",
        )
    assert list(due_evaluations(coordinator)) == []
    assert list(evaluations_in_a_week(timezone.localdate())) == []
    request = plan.agreements.get(carried_by="professional")
    with pytest.raises(PermissionDenied):
        services.help_record(
            agreement=request, actor=liaison, version=1, started_on=timezone.localdate()
        )
    # Nor can the case move on as if the plan were accepted.
    with pytest.raises(TransitionError):
        transition(referral=referral, actor=coordinator, transition=Transition.START_FOLLOW_UP)
    referral.refresh_from_db()
    assert referral.status == NOT_ACCEPTED


def test_a_later_version_not_accepted_ends_the_follow_up_of_the_earlier(
    plan, referrer, coordinator
):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    services.evaluation_record(
        plan=plan,
        actor=coordinator,
        held_on=timezone.localdate(),
        present="Familie",
        statuses={},
        decision="reconvene",
    )
    plan.referral.refresh_from_db()
    assert plan.referral.status == CaseStatus.FOLLOW_UP
    plan.evaluation_moments.create(due_on=timezone.localdate() + datetime.timedelta(days=2))
    assert len(due_evaluations(coordinator)) == 1
    # A corrected version is decided in the follow-up too; not accepted, nothing of
    # the earlier version is followed up any more.
    new = revise(plan, coordinator, referrer, "rejected", unmet_bound="safety", reason="Onveilig")
    assert new.referral.status == NOT_ACCEPTED
    assert list(due_evaluations(coordinator)) == []


def test_the_data_migration_gives_rejected_cases_the_new_state(
    plan, referrer, regional_manager, organization, coordinator
):
    rejected = reject(plan, referrer).referral
    accepted = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    services.plan_decide(plan=accepted, actor=referrer, decision="accepted")
    # As before this release: a rejected plan left the case in "plan decided".
    Referral.objects.filter(pk=rejected.pk).update(status=CaseStatus.PLAN_DECIDED)
    migration = importlib.import_module("plans.migrations.0003_plan_not_accepted")
    migration.forwards(apps, None)
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses[rejected.pk] == NOT_ACCEPTED
    assert statuses[accepted.referral_id] == CaseStatus.PLAN_DECIDED
    migration.backwards(apps, None)
    assert Referral.objects.get(pk=rejected.pk).status == CaseStatus.PLAN_DECIDED


def test_the_statistics_count_decisions_of_the_current_plan(
    plan, referrer, coordinator, regional_manager, organization
):
    """accepted_rate (INTERCHANGE.md) counts decisions, whatever the case's state: a
    plan not accepted is decided and not accepted; revised and accepted, it counts
    as accepted (a case's plan is its current version)."""
    reject(plan, referrer)
    assert (compute()["plans"], compute()["accepted_rate"]) == (1, 0.0)
    other = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    services.plan_decide(plan=other, actor=referrer, decision="accepted")
    assert compute()["accepted_rate"] == 0.5
    revise(plan, coordinator, referrer, "accepted")
    assert (compute()["plans"], compute()["accepted_rate"]) == (2, 1.0)


def test_the_queue_and_the_home_pages_tell_the_states_apart(
    client, plan, referrer, regional_manager, organization, coordinator
):
    rejected = reject(plan, referrer).referral
    accepted = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    services.plan_decide(plan=accepted, actor=referrer, decision="accepted")
    counts = dict(status_counts(regional_manager))
    assert (counts[CaseStatus.PLAN_DECIDED], counts[NOT_ACCEPTED]) == (1, 1)

    client.force_login(regional_manager)
    page = client.get(reverse("referrals:list"), {"status": NOT_ACCEPTED}).content.decode()
    assert rejected.reference in page and accepted.referral.reference not in page
    home = client.get(reverse("home")).content.decode()
    assert "?status=plan_not_accepted" in home and "?status=plan_decided" in home

    client.force_login(referrer)
    home = client.get(reverse("home")).content.decode()
    assert "status-plan_not_accepted" in home and "Plan niet geaccepteerd" in home
    assert "status-plan_decided" in home and "Plan geaccepteerd" in home
    detail = client.get(reverse("referrals:detail", args=[rejected.pk])).content.decode()
    assert "De verwijzer heeft het plan niet geaccepteerd." in detail
    plan_page = client.get(reverse("plans:plan", args=[rejected.pk])).content.decode()
    assert 'id="next-after-rejection"' in plan_page
    # Once revised and accepted, the page no longer says what happens after a rejection.
    revise(plan, coordinator, referrer, "accepted")
    plan_page = client.get(reverse("plans:plan", args=[rejected.pk])).content.decode()
    assert 'id="next-after-rejection"' not in plan_page
    old = client.get(reverse("plans:version", args=[rejected.pk, 1])).content.decode()
    assert 'id="next-after-rejection"' not in old
