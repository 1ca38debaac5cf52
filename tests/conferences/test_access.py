"""The rule matrix of the preparation: contacts and network, scheduling, and the
conference itself (change it, log its day)."""

import pytest

from conferences.models import Conference
from tests.access import CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

A, M, C = "admin_user", "regional_manager", "coordinator"
ACCEPTED = [
    "coordinator_assigned",
    "preparing",
    "conference_scheduled",
    "conference_held",
    "plan_decided",
    "plan_not_accepted",
    "follow_up",
    "closed",
]


def test_only_the_accepted_coordinator_prepares(world):
    got = matrix("conferences.prepare_conference", world["users"], world["cases"])
    assert got == expand(dict.fromkeys(ACCEPTED, {C}), CASE_STATES)


def test_a_conference_is_scheduled_once_accepted_and_a_follow_up_after_it(world):
    got = matrix("conferences.schedule_conference", world["users"], world["cases"])
    open_states = [
        "coordinator_assigned",
        "preparing",
        "conference_held",
        "plan_decided",
        "plan_not_accepted",
    ]
    expected = dict.fromkeys([*open_states, "follow_up"], {C})
    assert got == expand(expected, CASE_STATES)


@pytest.mark.parametrize("action", ["conferences.change_conference", "conferences.hold_conference"])
def test_a_conference_is_changed_and_logged_only_until_it_is_held(world, action):
    state_of = {case.pk: state for state, case in world["cases"].items()}
    conferences = {
        state_of[c.referral_id]: c
        for c in Conference.objects.filter(referral__in=list(state_of)).select_related("referral")
    }
    assert set(conferences) == {
        "conference_scheduled",
        "conference_held",
        "plan_decided",
        "plan_not_accepted",
        "follow_up",
        "closed",
    }
    got = matrix(action, world["users"], conferences)
    assert got == {
        state: {C} if state == "conference_scheduled" else set() for state in conferences
    }


def test_the_preparation_is_seen_by_coordinator_manager_and_administrator(world):
    for state, case in world["cases"].items():
        viewers = who_may("conferences.view_preparation", world["users"], case)
        # The region's manager is the coach of every case of the region.
        assert viewers == {A, M} | ({C} if state in ACCEPTED else set()), state
