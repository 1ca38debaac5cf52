"""The rule matrix of matching: propose, record a conflict, withdraw, answer."""

import pytest

from coordinators.models import Assignment, Transfer
from referrals.lifecycle import CURRENT_ASSIGNMENT, AssignmentStatus
from tests.access import CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

A, M, C = "admin_user", "regional_manager", "coordinator"


def _current_assignments(world):
    state_of = {case.pk: state for state, case in world["cases"].items()}
    current = Assignment.objects.filter(
        referral__in=list(state_of), status__in=CURRENT_ASSIGNMENT
    ).select_related("coordinator", "referral")
    return {state_of[a.referral_id]: a for a in current}


def test_a_coordinator_is_proposed_only_for_a_registered_case_without_one(world):
    got = matrix("coordinators.propose_coordinator", world["users"], world["cases"])
    assert got == expand({"registered": {A, M}}, CASE_STATES)


def test_conflicts_are_recorded_by_who_manages_the_case(world):
    got = matrix("coordinators.record_conflict", world["users"], world["cases"])
    # The draft is the referrer's own: not yet with the region.
    assert got == expand({"*": {A, M}, "draft": {A}}, CASE_STATES)


def test_a_coordinator_comes_off_the_case_only_before_the_conference(world):
    assignments = _current_assignments(world)
    assert set(assignments) == {
        "proposed",
        "coordinator_assigned",
        "preparing",
        "conference_scheduled",
        "conference_held",
        "plan_decided",
        "plan_not_accepted",
        "follow_up",
        "closed",
    }
    got = matrix("coordinators.withdraw_coordinator", world["users"], assignments)
    before = {"proposed", "coordinator_assigned", "preparing", "conference_scheduled"}
    assert got == {state: {A, M} if state in before else set() for state in assignments}


def test_only_the_proposed_coordinator_answers_and_only_once(world):
    assignments = _current_assignments(world)
    assert assignments["proposed"].status == AssignmentStatus.PROPOSED
    got = matrix("coordinators.answer_proposal", world["users"], assignments)
    assert got == {state: {C} if state == "proposed" else set() for state in assignments}


def test_the_pool_is_for_administrators_and_regional_managers(world):
    assert who_may("coordinators.view_pool", world["users"], None) == {
        A,
        M,
        "other_regional_manager",
    }


def test_a_case_is_transferred_only_with_an_accepted_coordinator_before_the_conference(world):
    got = matrix("coordinators.transfer_case", world["users"], world["cases"])
    before = {"coordinator_assigned", "preparing", "conference_scheduled"}
    assert got == expand({state: {A, M} for state in before}, CASE_STATES)
    # One open transfer at a time: a case that has one is not offered another.
    assert (
        who_may(
            "coordinators.transfer_case", world["users"], world["transfer_cases"]["transfer_open"]
        )
        == set()
    )


def test_only_the_coordinator_asked_answers_a_transfer_and_the_manager_cancels_it(world):
    transfer = Transfer.objects.select_related("to_coordinator", "referral").get(
        referral=world["transfer_cases"]["transfer_open"]
    )
    assert who_may("coordinators.answer_transfer", world["users"], transfer) == {
        "other_coordinator"
    }
    assert who_may("coordinators.cancel_transfer", world["users"], transfer) == {A, M}
    # Answered, nobody answers or cancels it again.
    transfer.status = "declined"
    assert who_may("coordinators.answer_transfer", world["users"], transfer) == set()
    assert who_may("coordinators.cancel_transfer", world["users"], transfer) == set()
