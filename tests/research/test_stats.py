"""The statistics contract, checked against hand-computed figures on small cohorts."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from research.stats import Filters, compute
from shell.interchange import import_lines, validate_lines
from tests import factories

pytestmark = pytest.mark.django_db


def load(*cases):
    validation = validate_lines([json.dumps(c) for c in cases])
    assert validation.ok, validation.errors
    import_lines(validation)


def case(reference, **fields):
    data = {
        "reference": reference,
        "region": "Overijssel",
        "organization": {"name": "Bureau Jeugdzorg", "type": "youth_care"},
        "occasion": "threatened_placement",
        "referred_on": "2024-01-10",
    }
    data.update(fields)
    return data


def conference(held_on, participants, kind="family_group", duration=None):
    return {
        "kind": kind,
        "held_on": held_on,
        "duration_minutes": duration,
        "language": "nl",
        "location_type": "family_home",
        "participants": [{"relation": r, "attendance": a} for r, a in participants],
    }


A, D, X, E = "attended", "declined", "absent", "excluded"

FIXTURE = [
    # 1: conference after 20 days: 3 family came, 1 declined, 1 absent, 1 excluded,
    # and 1 professional came.
    case(
        "EK-2024-0001",
        conference=conference(
            "2024-01-30",
            [
                ("parent", A),
                ("grandparent", A),
                ("friend", A),
                ("sibling", D),
                ("neighbour", X),
                ("other_family", E),
                ("professional", A),
            ],
            duration=180,
        ),
        follow_ups=[conference("2024-06-01", [("parent", A)], kind="follow_up", duration=90)],
        plan={
            "decision": "accepted",
            "evaluation_on": "2024-04-01",
            "agreements": [
                {
                    "life_domain": "upbringing",
                    "carried_by": "network",
                    "organization_type": None,
                    "status": "done",
                },
                {
                    "life_domain": "upbringing",
                    "carried_by": "network",
                    "organization_type": None,
                    "status": "partly",
                },
                {
                    "life_domain": "housing",
                    "carried_by": "professional",
                    "organization_type": "housing",
                    "status": "done",
                },
                {
                    "life_domain": "finances",
                    "carried_by": "professional",
                    "organization_type": "municipality",
                    "status": None,
                },
            ],
        },
        surveys=[
            {
                "respondent": "family",
                "grade_conference": 8,
                "grade_plan": 7,
                "grade_coordinator": 9,
            },
            {
                "respondent": "family",
                "grade_conference": 7,
                "grade_plan": None,
                "grade_coordinator": 10,
            },
            {
                "respondent": "referrer",
                "grade_conference": 6,
                "grade_plan": 8,
                "grade_coordinator": None,
            },
        ],
        outcomes=["placement_prevented", "supervision_prevented"],
    ),
    # 2: conference after 31 days, 1 family member and 2 professionals came;
    # the plan was rejected and has no evaluation date.
    case(
        "EK-2024-0002",
        referred_on="2024-02-01",
        conference=conference(
            "2024-03-03",
            [("parent", A), ("professional", A), ("professional", A), ("professional", X)],
        ),
        plan={
            "decision": "rejected",
            "evaluation_on": None,
            "agreements": [
                {
                    "life_domain": "safety",
                    "carried_by": "network",
                    "organization_type": None,
                    "status": None,
                },
            ],
        },
        outcomes=["placement_prevented"],
    ),
    # 3: conference after 60 days, nobody came (all declined);
    # a plan without a decision and without agreements.
    case(
        "EK-2024-0003",
        referred_on="2024-03-01",
        occasion="crisis",
        conference=conference("2024-04-30", [("parent", D)], kind="restorative", duration=120),
        plan={"decision": None, "evaluation_on": "2024-08-01", "agreements": []},
    ),
    # 4 and 5: stopped.
    case("EK-2024-0004", referred_on="2024-04-01", stop_reason="family_declined"),
    case(
        "EK-2024-0005", referred_on="2024-05-01", region="Amsterdam", stop_reason="family_declined"
    ),
    # 6: still open, no conference.
    case("EK-2024-0006", referred_on="2024-06-01"),
]


def test_every_key_hand_computed():
    load(*FIXTURE)
    figures = compute()
    assert figures == {
        "referrals": 6,
        "conferences_held": 3,
        "conference_rate": 0.5,
        "stopped": 2,
        "stop_reasons": {"family_declined": 2},
        # days 20, 31, 60
        "days_to_conference": {"mean": 37.0, "median": 31.0},
        # family attended per conference: 3, 1, 0
        "participants": {"mean": 1.33, "median": 1.0},
        # professionals attended per conference: 1, 2, 0
        "professionals": {"mean": 1.0},
        # non-professionals attended/declined/absent: (3+1+1)+(1)+(1) = 7;
        # declined+absent = 2+0+1 = 3
        "not_attending_rate": 0.429,
        "excluded": 1,
        # durations 180 and 120 (the follow-up's 90 is not its conference)
        "duration_minutes": {"mean": 150.0},
        "follow_up_conferences": 1,
        "plans": 3,
        "plan_rate": 1.0,
        # decided: accepted, rejected -> 1 of 2
        "accepted_rate": 0.5,
        # evaluation dates on plans 1 and 3
        "evaluation_moment_rate": 0.667,
        "agreements": {"total": 5, "mean": 1.67},
        "network_share": 0.6,
        # distinct domains: plan 1 -> 3, plan 2 -> 1 (plan 3 has none)
        "life_domains": {"mean": 2.0},
        "requests_by_organization_type": {"housing": 0.5, "municipality": 0.5},
        # statuses: done, partly, done -> 2 of 3
        "agreements_done_rate": 0.667,
        "grades": {
            "family": {"conference": 7.5, "plan": 7.0, "coordinator": 9.5, "n": 2},
            "referrer": {"conference": 6.0, "plan": 8.0, "coordinator": None, "n": 1},
        },
        "outcomes": {"placement_prevented": 2, "supervision_prevented": 1},
        "repeat_referrals": 0,
    }


def test_empty_cohort_gives_nulls_not_zeros():
    figures = compute()
    assert figures["referrals"] == 0
    for key in (
        "conference_rate",
        "not_attending_rate",
        "plan_rate",
        "accepted_rate",
        "evaluation_moment_rate",
        "network_share",
        "agreements_done_rate",
    ):
        assert figures[key] is None, key
    assert figures["days_to_conference"] == {"mean": None, "median": None}
    assert figures["participants"] == {"mean": None, "median": None}
    assert figures["agreements"] == {"total": 0, "mean": None}
    assert figures["stop_reasons"] == {} and figures["grades"] == {} and figures["outcomes"] == {}
    assert figures["requests_by_organization_type"] == {}


def test_only_stopped_cases():
    load(FIXTURE[3], FIXTURE[4])
    figures = compute()
    assert (figures["referrals"], figures["stopped"], figures["conferences_held"]) == (2, 2, 0)
    assert figures["conference_rate"] == 0.0
    assert figures["plan_rate"] is None
    assert figures["stop_reasons"] == {"family_declined": 2}


def test_filters_by_period_region_and_occasion():
    load(*FIXTURE)
    assert (
        compute(Filters(date_from=datetime.date(2024, 2, 1), date_to=datetime.date(2024, 3, 1)))[
            "referrals"
        ]
        == 2
    )
    assert compute(Filters(region="Amsterdam"))["referrals"] == 1
    crisis = compute(Filters(occasion="crisis"))
    assert (crisis["referrals"], crisis["conferences_held"], crisis["follow_up_conferences"]) == (
        1,
        1,
        0,
    )


def test_follow_up_conferences_are_kept_apart():
    load(FIXTURE[0])
    figures = compute()
    assert figures["conferences_held"] == 1
    assert figures["follow_up_conferences"] == 1
    assert figures["participants"]["mean"] == 3.0  # not counting the follow-up's parent


def test_command_prints_the_same_json(capsys):
    load(*FIXTURE)
    out = io.StringIO()
    call_command(
        "research_stats", "--json", "--from", "2024-01-01", "--to", "2024-12-31", stdout=out
    )
    assert json.loads(out.getvalue()) == json.loads(
        json.dumps(
            compute(
                Filters(date_from=datetime.date(2024, 1, 1), date_to=datetime.date(2024, 12, 31))
            )
        )
    )


def test_cases_built_in_the_app_count_too(regional_manager, organization, coordinator, referrer):
    from plans import services as plan_services

    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    plan_services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    figures = compute()
    assert (figures["referrals"], figures["conferences_held"], figures["plans"]) == (1, 1, 1)
    assert figures["accepted_rate"] == 1.0
    assert figures["agreements"]["total"] == 3
    assert figures["requests_by_organization_type"] == {"municipality": 1.0}


def test_query_count_does_not_grow_with_the_cohort(django_assert_num_queries):
    load(*FIXTURE[:3])
    with django_assert_num_queries(15):
        compute()
    load(
        *[
            {**c, "reference": c["reference"].replace("EK-2024", f"EK-20{10 + i}")}
            for i in range(5)
            for c in FIXTURE
        ]
    )
    with django_assert_num_queries(15):
        compute()


def test_cost_benefit_estimate_uses_the_assumptions():
    from research.mkba import estimate
    from research.models import CostBenefitAssumption

    load(*FIXTURE)
    result = estimate(compute())
    # 2 x placement prevented (20,800) + 1 x supervision prevented (17,000) - 3 x 4,500
    assert (result["savings"], result["cost"], result["net"]) == (58600, 13500, 45100)
    CostBenefitAssumption.objects.filter(key="conference_cost").update(euros=5000)
    assert estimate(compute())["net"] == 43600
