"""The rule matrix of the plan: read, start, write, submit, make a new version,
decide, record help, evaluate and close - per case state and per plan version."""

import pytest

from plans import services
from plans.models import Agreement, CarriedBy
from tests import factories
from tests.access import CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

A, M, C, R, L = "admin_user", "regional_manager", "coordinator", "referrer", "liaison"
AFTER_CONFERENCE = ["conference_held", "plan_decided", "plan_not_accepted", "follow_up"]


@pytest.fixture
def plans(world):
    """A plan version in each stage (rolled back after each test)."""
    users, cases = world["users"], world["cases"]
    manager, referrer = users[M], users[R]
    submitted = factories.submitted_plan(
        manager, world["organization"], world["profile"], referrer=referrer
    )
    return {
        "draft": services.plan_start(referral=cases["conference_held"], actor=users[C]),
        "submitted": submitted,
        "rejected": services.current_plan(cases["plan_not_accepted"]),
        "accepted": services.current_plan(cases["plan_decided"]),
        "following": services.current_plan(cases["follow_up"]),
        "closed": services.current_plan(cases["closed"]),
    }


def test_the_plan_is_read_from_the_conference_on_by_who_sees_the_case(world):
    got = matrix("plans.read_plan", world["users"], world["cases"])
    readers = {A, M, C, R, L}
    assert got == expand(dict.fromkeys([*AFTER_CONFERENCE, "closed"], readers), CASE_STATES)


def test_the_coordinator_starts_the_plan_after_the_conference(world):
    got = matrix("plans.start_plan", world["users"], world["cases"])
    assert got == expand({"conference_held": {C}}, CASE_STATES)


def test_the_manager_closes_the_case_after_the_conference(world):
    got = matrix("plans.close_case", world["users"], world["cases"])
    assert got == expand(dict.fromkeys(AFTER_CONFERENCE, {A, M}), CASE_STATES)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("plans.edit_plan", {"draft": {C}}),
        (
            "plans.new_plan_version",
            dict.fromkeys(["submitted", "rejected", "accepted", "following", "closed"], {C}),
        ),
        ("plans.decide_plan", {"submitted": {R}}),
        ("plans.evaluate_plan", {"accepted": {C, M}, "following": {C, M}}),
    ],
)
def test_each_step_on_a_plan_version_is_open_to_exactly_these_roles(world, plans, action, expected):
    got = matrix(action, world["users"], plans)
    assert got == expand(expected, list(plans))


def test_only_the_current_version_gets_a_new_version_or_a_decision(world, plans):
    coordinator, referrer = world["users"][C], world["users"][R]
    earlier = plans["submitted"]
    services.plan_new_version(plan=earlier, actor=coordinator)
    assert who_may("plans.new_plan_version", world["users"], earlier) == set()
    assert who_may("plans.decide_plan", world["users"], earlier) == set()
    assert referrer.pk == earlier.referral.referrer_id


def test_the_referring_side_records_help_on_requests_of_an_accepted_plan(world, plans):
    got = {}
    agreements = Agreement.objects.filter(plan__in=list(plans.values())).select_related(
        "plan__decision", "plan__referral"
    )
    stage_of = {plan.pk: stage for stage, plan in plans.items()}
    for agreement in agreements:
        kind = "request" if agreement.carried_by == CarriedBy.PROFESSIONAL else "network"
        key = f"{stage_of[agreement.plan_id]}/{kind}"
        got[key] = who_may("plans.record_help", world["users"], agreement)
    accepted = {"accepted", "following", "closed"}
    assert got == {
        f"{stage}/{kind}": {R, L} if stage in accepted and kind == "request" else set()
        for stage in plans
        for kind in ("network", "request")
        if f"{stage}/{kind}" in got
    }
    assert {key for key, roles in got.items() if roles} == {f"{s}/request" for s in accepted}


def test_the_waiting_help_list_is_for_administrators_and_regional_managers(world):
    assert who_may("plans.view_waiting_help", world["users"], None) == {
        A,
        M,
        "other_regional_manager",
    }
