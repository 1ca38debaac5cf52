"""The rule matrix of research: the dashboard, exports, and a case's surveys."""

import pytest

from tests.access import CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

A, M, C = "admin_user", "regional_manager", "coordinator"


def test_surveys_are_sent_once_the_conference_is_held(world):
    got = matrix("research.invite_to_surveys", world["users"], world["cases"])
    held = ["conference_held", "plan_decided", "plan_not_accepted", "follow_up", "closed"]
    assert got == expand(dict.fromkeys(held, {A, M, C}), CASE_STATES)


def test_the_dashboard_is_for_research_administrators_and_regional_managers(world):
    assert who_may("research.view_dashboard", world["users"], None) == {
        A,
        M,
        "other_regional_manager",
        "researcher",
    }


def test_case_level_exports_are_for_researchers_and_administrators(world):
    assert who_may("research.export", world["users"], None) == {A, "researcher"}
