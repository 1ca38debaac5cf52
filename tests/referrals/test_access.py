"""The rule matrix of the case's own steps: every action x every role x every state.

Each table says, per case state, which roles may take the step ("*" is every state
not named). An administrator is a role like the others: only what the role allows.
"""

import pytest

from tests.access import ALL_ROLES, CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

A, M, R = "admin_user", "regional_manager", "referrer"
BEFORE_CONFERENCE = [
    "registered",
    "proposed",
    "coordinator_assigned",
    "preparing",
    "conference_scheduled",
]
AFTER_CONFERENCE = ["conference_held", "plan_decided", "plan_not_accepted", "follow_up"]

EXPECTED = {
    "referrals.edit_referral": {
        "draft": {A, R},
        "submitted": {A, M},
        "returned": {A, M, R},
        **dict.fromkeys(BEFORE_CONFERENCE, {A, M}),
    },
    "referrals.submit_referral": {"draft": {R}, "returned": {R}},
    # A regional manager registers only a draft of their own; the administrator any.
    "referrals.register_referral": {"draft": {A}},
    "referrals.take_in_referral": {"submitted": {A, M}},
    "referrals.return_referral": {"submitted": {A, M}},
    "referrals.stop_referral": {
        "draft": {A, R},
        "submitted": {A, M, R},
        "returned": {A, M, R},
        **dict.fromkeys(BEFORE_CONFERENCE, {A, M, R}),
    },
    "referrals.reopen_referral": {"closed": {A}, "stopped": {A}},
    "referrals.record_consent": {
        "*": {A, M},
        "draft": {A, R},
        "returned": {A, M, R},
        "closed": set(),
        "stopped": set(),
    },
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_step_of_the_case_is_open_to_exactly_these_roles_in_these_states(world, action):
    got = matrix(action, world["users"], world["cases"])
    assert got == expand(EXPECTED[action], CASE_STATES)


def test_the_view_rule_matches_who_sees_the_case(world):
    viewers = {
        state: who_may("referrals.view_referral", world["users"], case)
        for state, case in world["cases"].items()
    }
    coordinated = set(CASE_STATES) - {"draft", "submitted", "returned", "registered", "stopped"}
    for state in CASE_STATES:
        expected = {A, R, "liaison"} | ({M} if state != "draft" else set())
        if state in coordinated:
            expected |= {"coordinator"}
        assert viewers[state] == expected, state


def test_recording_a_non_offer_is_for_liaisons(world):
    assert who_may("referrals.record_non_offer", world["users"], None) == {"liaison"}


def test_outsiders_and_researchers_take_no_step_of_a_case(world):
    outsiders = {"other_regional_manager", "other_coordinator", "other_referrer", "researcher"}
    outsiders |= {"no_role_user"}
    assert outsiders < ALL_ROLES
    for action in EXPECTED:
        for state, roles in matrix(action, world["users"], world["cases"]).items():
            assert not roles & outsiders, (action, state)
