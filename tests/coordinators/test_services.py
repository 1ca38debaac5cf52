import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from coordinators import services
from coordinators.models import Assignment, AssignmentStatus, ConflictOfInterest, DeclineReason
from referrals.lifecycle import CaseStatus
from referrals.services import TransitionError, referral_stop
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(region):
    return {
        "tr": factories.coordinator(region, "C101", languages=["nl", "tr"]),
        "nl": factories.coordinator(region, "C102", languages=["nl"]),
    }


def test_no_proposal_without_consent(regional_manager, organization, pool):
    referral = factories.registered(regional_manager, organization, with_consent=False)
    with pytest.raises(TransitionError, match="toestemming|consent"):
        services.assignment_propose(
            referral=referral, coordinator=pool["tr"], actor=regional_manager
        )
    assert not Assignment.objects.exists()


def test_proposal_mails_the_coordinator_after_commit(
    regional_manager, organization, pool, mailoutbox, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_propose(
            referral=referral, coordinator=pool["tr"], actor=regional_manager
        )
    assert assignment.status == AssignmentStatus.PROPOSED
    assert [m.to for m in mailoutbox] == [[pool["tr"].user.email]]
    assert referral.events.filter(kind="coordinator_proposed").exists()


def test_accept_assigns_and_tells_manager_and_referrer(
    regional_manager, referrer, organization, pool, mailoutbox, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization, referrer=referrer)
    assignment = services.assignment_propose(
        referral=referral, coordinator=pool["tr"], actor=regional_manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_accept(assignment=assignment, actor=pool["tr"].user)
    referral.refresh_from_db()
    assert referral.status == CaseStatus.COORDINATOR_ASSIGNED
    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == sorted([regional_manager.email, referrer.email])
    to_referrer = next(m for m in mailoutbox if m.to == [referrer.email])
    assert pool["tr"].user.get_full_name() in to_referrer.body
    assert pool["tr"].user.email in to_referrer.body


def test_only_the_proposed_coordinator_answers(regional_manager, organization, pool):
    referral = factories.registered(regional_manager, organization)
    assignment = services.assignment_propose(
        referral=referral, coordinator=pool["tr"], actor=regional_manager
    )
    for outsider in (pool["nl"].user, regional_manager):
        with pytest.raises(PermissionDenied):
            services.assignment_accept(assignment=assignment, actor=outsider)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PROPOSED


def test_answer_twice_is_refused(regional_manager, organization, pool):
    referral = factories.registered(regional_manager, organization)
    assignment = services.assignment_propose(
        referral=referral, coordinator=pool["tr"], actor=regional_manager
    )
    services.assignment_accept(assignment=assignment, actor=pool["tr"].user)
    with pytest.raises(TransitionError):
        services.assignment_decline(
            assignment=assignment, actor=pool["tr"].user, reason=DeclineReason.NO_TIME
        )


def test_decline_frees_the_case_for_the_next_coordinator(
    regional_manager, organization, pool, mailoutbox, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization)
    first = services.assignment_propose(
        referral=referral, coordinator=pool["tr"], actor=regional_manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_decline(
            assignment=first, actor=pool["tr"].user, reason=DeclineReason.NO_TIME, note="Vakantie"
        )
    assert mailoutbox[-1].to == [regional_manager.email]
    second = services.assignment_propose(
        referral=referral, coordinator=pool["nl"], actor=regional_manager
    )
    assert second.status == AssignmentStatus.PROPOSED
    # Someone who declined is not proposed again.
    services.assignment_withdraw(assignment=second, actor=regional_manager)
    with pytest.raises(TransitionError):
        services.assignment_propose(
            referral=referral, coordinator=pool["tr"], actor=regional_manager
        )


def test_declining_for_a_conflict_records_the_conflict(regional_manager, organization, pool):
    referral = factories.registered(regional_manager, organization)
    assignment = services.assignment_propose(
        referral=referral, coordinator=pool["tr"], actor=regional_manager
    )
    services.assignment_decline(
        assignment=assignment,
        actor=pool["tr"].user,
        reason=DeclineReason.CONFLICT,
        note="Ik ken de oma",
    )
    conflict = ConflictOfInterest.objects.get(referral=referral)
    assert (conflict.coordinator, conflict.reason) == (pool["tr"], "Ik ken de oma")


def test_second_proposal_while_one_is_open_is_refused(regional_manager, organization, pool):
    referral = factories.registered(regional_manager, organization)
    services.assignment_propose(referral=referral, coordinator=pool["tr"], actor=regional_manager)
    with pytest.raises(services.AlreadyAssigned):
        services.assignment_propose(
            referral=referral, coordinator=pool["nl"], actor=regional_manager
        )
    assert Assignment.objects.filter(referral=referral).count() == 1


def test_database_allows_one_active_assignment_per_case(regional_manager, organization, pool):
    from django.db import IntegrityError, transaction

    referral = factories.registered(regional_manager, organization)
    Assignment.objects.create(referral=referral, coordinator=pool["tr"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(referral=referral, coordinator=pool["nl"])


def test_ineligible_coordinator_cannot_be_proposed(regional_manager, organization, pool, region):
    referral = factories.registered(regional_manager, organization)
    pool["tr"].active = False
    pool["tr"].save()
    with pytest.raises(TransitionError):
        services.assignment_propose(
            referral=referral, coordinator=pool["tr"], actor=regional_manager
        )


def test_other_region_manager_cannot_propose(
    other_regional_manager, regional_manager, organization, pool
):
    referral = factories.registered(regional_manager, organization)
    with pytest.raises(PermissionDenied):
        services.assignment_propose(
            referral=referral, coordinator=pool["tr"], actor=other_regional_manager
        )


def test_withdrawing_an_accepted_coordinator_sends_the_case_back_to_matching(
    regional_manager, organization, pool
):
    referral = factories.assigned(regional_manager, organization, pool["tr"])
    assignment = Assignment.objects.get(referral=referral, status="accepted")
    services.assignment_withdraw(assignment=assignment, actor=regional_manager)
    referral.refresh_from_db()
    assert referral.status == CaseStatus.REGISTERED


def test_stopping_a_case_frees_the_coordinators_place(regional_manager, organization, pool):
    referral = factories.assigned(regional_manager, organization, pool["tr"])
    referral_stop(referral=referral, actor=regional_manager, reason="family_declined")
    assert not Assignment.objects.filter(status__in=["proposed", "accepted"]).exists()


def test_coordinator_keeps_own_availability(coordinator, other_coordinator):
    profile = coordinator.coordinator_profile
    services.coordinator_update_profile(
        coordinator=profile,
        actor=coordinator,
        version=profile.version,
        languages=["nl", "ar"],
        max_active_cases=3,
        occasions=["crisis"],
    )
    profile.refresh_from_db()
    assert (profile.languages, profile.max_active_cases) == (["nl", "ar"], 3)
    with pytest.raises(PermissionDenied):
        services.leave_add(
            coordinator=profile,
            actor=other_coordinator,
            start=timezone.localdate(),
            end=timezone.localdate(),
        )
    with pytest.raises(ValueError):
        services.leave_add(
            coordinator=profile,
            actor=coordinator,
            start=timezone.localdate(),
            end=timezone.localdate() - datetime.timedelta(days=1),
        )
