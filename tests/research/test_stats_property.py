"""research_stats equals a plain-Python computation over random imported data."""

import json
from statistics import median

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.stats import compute
from shell.interchange import import_lines, validate_lines

pytestmark = pytest.mark.django_db

RELATIONS = ["parent", "child", "sibling", "grandparent", "friend", "professional", "other"]
ATTENDANCE = ["attended", "declined", "absent", "excluded"]
DOMAINS = ["upbringing", "housing", "finances", "health"]
ORG_TYPES = ["youth_care", "housing", "municipality"]
grade = st.one_of(st.none(), st.integers(1, 10))

participant = st.fixed_dictionaries(
    {"relation": st.sampled_from(RELATIONS), "attendance": st.sampled_from(ATTENDANCE)}
)
agreement = st.one_of(
    st.fixed_dictionaries(
        {
            "life_domain": st.sampled_from(DOMAINS),
            "carried_by": st.just("network"),
            "organization_type": st.none(),
            "status": st.one_of(st.none(), st.sampled_from(["done", "partly", "not_done"])),
        }
    ),
    st.fixed_dictionaries(
        {
            "life_domain": st.sampled_from(DOMAINS),
            "carried_by": st.just("professional"),
            "organization_type": st.sampled_from(ORG_TYPES),
            "status": st.one_of(st.none(), st.sampled_from(["done", "partly", "not_done"])),
        }
    ),
)


def conference(kind, day):
    return st.fixed_dictionaries(
        {
            "kind": st.just(kind),
            "held_on": st.just(f"2024-02-{day:02d}"),
            "duration_minutes": st.one_of(st.none(), st.integers(30, 300)),
            "language": st.just("nl"),
            "location_type": st.just("family_home"),
            "participants": st.lists(participant, max_size=6),
        }
    )


@st.composite
def a_case(draw, index):
    data = {
        "reference": f"EK-2024-{index:04d}",
        "region": "Overijssel",
        "organization": {"name": "Org", "type": "youth_care"},
        "occasion": draw(st.sampled_from(["crisis", "debt"])),
        "referred_on": f"2024-01-{draw(st.integers(1, 28)):02d}",
    }
    shape = draw(st.sampled_from(["open", "stopped", "conference", "plan"]))
    if shape == "stopped":
        data["stop_reason"] = draw(st.sampled_from(["family_declined", "safety"]))
    if shape in ("conference", "plan"):
        data["conference"] = draw(
            conference(
                draw(st.sampled_from(["family_group", "restorative"])), draw(st.integers(1, 28))
            )
        )
        data["follow_ups"] = draw(st.lists(conference("follow_up", 28), max_size=2))
        data["surveys"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "respondent": st.sampled_from(
                            ["family", "youth", "referrer", "professional"]
                        ),
                        "grade_conference": grade,
                        "grade_plan": grade,
                        "grade_coordinator": grade,
                    }
                ),
                max_size=3,
            )
        )
    if shape == "plan":
        data["plan"] = {
            "decision": draw(
                st.one_of(
                    st.none(), st.sampled_from(["accepted", "accepted_with_conditions", "rejected"])
                )
            ),
            "evaluation_on": draw(st.one_of(st.none(), st.just("2024-05-01"))),
            "agreements": draw(st.lists(agreement, max_size=5)),
        }
        data["outcomes"] = draw(
            st.lists(
                st.sampled_from(["placement_prevented", "eviction_prevented"]),
                max_size=2,
                unique=True,
            )
        )
    return data


def r3(value):
    return round(value, 3)


def with_family_links(data, cases):
    """``cases`` in the order they were referred, some linked to an earlier one of
    the same family (referred before, so on an earlier line)."""
    cases = sorted(cases, key=lambda c: c["referred_on"])
    for index, later in enumerate(cases):
        earlier = [c for c in cases[:index] if c["referred_on"] < later["referred_on"]]
        if earlier and data.draw(st.booleans()):
            later["previous_reference"] = data.draw(st.sampled_from(earlier))["reference"]
    return cases


def reference_stats(cases):
    """The contract computed in plain Python over the interchange records."""

    def rate(a, b):
        return r3(a / b) if b else None

    def mean(values):
        return round(sum(values) / len(values), 2) if values else None

    def med(values):
        return round(float(median(values)), 2) if values else None

    from datetime import date

    with_conf = [c for c in cases if c.get("conference")]
    plans = [c["plan"] for c in with_conf if c.get("plan")]
    confs = [c["conference"] for c in with_conf]
    agreements = [a for p in plans for a in p["agreements"]]
    professional = [a for a in agreements if a["carried_by"] == "professional"]
    family = [[p for p in c["participants"] if p["relation"] != "professional"] for c in confs]
    counted = [
        p for f in family for p in f if p["attendance"] in ("attended", "declined", "absent")
    ]
    grades = {}
    for respondent in ["family", "youth", "referrer", "professional"]:
        rows = [s for c in cases for s in c.get("surveys") or [] if s["respondent"] == respondent]
        if rows:
            grades[respondent] = {
                key: mean([s[f"grade_{key}"] for s in rows if s[f"grade_{key}"] is not None])
                for key in ("conference", "plan", "coordinator")
            } | {"n": len(rows)}
    outcomes = {}
    for c in cases:
        for code in set(c.get("outcomes") or []):
            outcomes[code] = outcomes.get(code, 0) + 1
    decided = [p for p in plans if p["decision"]]
    with_status = [a for a in agreements if a["status"]]
    per_plan_domains = [
        len({a["life_domain"] for a in p["agreements"]}) for p in plans if p["agreements"]
    ]
    requests = {}
    for a in professional:
        requests[a["organization_type"]] = requests.get(a["organization_type"], 0) + 1
    stop_reasons = {}
    for c in cases:
        if c.get("stop_reason"):
            stop_reasons[c["stop_reason"]] = stop_reasons.get(c["stop_reason"], 0) + 1
    days = [
        (date.fromisoformat(c["conference"]["held_on"]) - date.fromisoformat(c["referred_on"])).days
        for c in with_conf
    ]
    durations = [c["duration_minutes"] for c in confs if c["duration_minutes"] is not None]
    return {
        "referrals": len(cases),
        "conferences_held": len(with_conf),
        "conference_rate": rate(len(with_conf), len(cases)),
        "stopped": sum(1 for c in cases if c.get("stop_reason")),
        "stop_reasons": dict(sorted(stop_reasons.items())),
        "days_to_conference": {"mean": mean(days), "median": med(days)},
        "participants": {
            "mean": mean([sum(p["attendance"] == "attended" for p in f) for f in family]),
            "median": med([sum(p["attendance"] == "attended" for p in f) for f in family]),
        },
        "professionals": {
            "mean": mean(
                [
                    sum(
                        p["relation"] == "professional" and p["attendance"] == "attended"
                        for p in c["participants"]
                    )
                    for c in confs
                ]
            )
        },
        "not_attending_rate": rate(
            sum(p["attendance"] != "attended" for p in counted), len(counted)
        ),
        "excluded": sum(p["attendance"] == "excluded" for c in confs for p in c["participants"]),
        "duration_minutes": {"mean": mean(durations)},
        "follow_up_conferences": sum(len(c.get("follow_ups") or []) for c in cases),
        "plans": len(plans),
        "plan_rate": rate(len(plans), len(with_conf)),
        "accepted_rate": rate(sum(p["decision"] != "rejected" for p in decided), len(decided)),
        "evaluation_moment_rate": rate(sum(bool(p["evaluation_on"]) for p in plans), len(plans)),
        "agreements": {
            "total": len(agreements),
            "mean": round(len(agreements) / len(plans), 2) if plans else None,
        },
        "network_share": rate(
            sum(a["carried_by"] == "network" for a in agreements), len(agreements)
        ),
        "life_domains": {"mean": mean(per_plan_domains)},
        "requests_by_organization_type": {
            k: rate(v, len(professional)) for k, v in sorted(requests.items())
        },
        "agreements_done_rate": rate(
            sum(a["status"] == "done" for a in with_status), len(with_status)
        ),
        "grades": grades,
        "outcomes": dict(sorted(outcomes.items())),
        "repeat_referrals": sum(1 for c in cases if c.get("previous_reference")),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_research_stats_equals_a_plain_python_computation(data):
    cases = [data.draw(a_case(index)) for index in range(1, data.draw(st.integers(0, 8)) + 1)]
    cases = with_family_links(data, cases)
    with transaction.atomic():
        validation = validate_lines([json.dumps(c) for c in cases])
        assert validation.ok, validation.errors
        import_lines(validation)
        assert compute() == reference_stats(cases)
        transaction.set_rollback(True)
