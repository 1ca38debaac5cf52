"""Matching: the hard rules, the language ordering and determinism, as properties."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinators.matching import needs_interpreter, rank_coordinators
from coordinators.models import Assignment, ConflictOfInterest, Coordinator, Leave
from ekc.models import Region, User
from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
LANGS = ["nl", "tr", "ar", "pl"]

coordinator_spec = st.fixed_dictionaries(
    {
        "languages": st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True),
        "active": st.booleans(),
        "in_region": st.booleans(),
        "on_leave": st.booleans(),
        "max_cases": st.integers(min_value=0, max_value=3),
        "busy": st.integers(min_value=0, max_value=3),
        "conflict": st.booleans(),
        "declined": st.booleans(),
        "experienced": st.booleans(),
    }
)


def build_pool(specs, referral, region, other_region, manager, filler_org):
    coordinators = []
    for index, spec in enumerate(specs):
        code = f"C{index:03d}"
        user = User.objects.create_user(
            email=f"{code}@pool.test",
            password=None,
            first_name=code,
            last_name="P",
            is_coordinator=True,
        )
        User.regions.through.objects.create(
            user=user, region=region if spec["in_region"] else other_region
        )
        c = Coordinator.objects.create(
            user=user,
            code=code,
            languages=spec["languages"],
            max_active_cases=spec["max_cases"],
            active=spec["active"],
            occasions=["threatened_placement"] if spec["experienced"] else [],
        )
        if spec["on_leave"]:
            Leave.objects.create(coordinator=c, start=TODAY, end=TODAY)
        for _ in range(spec["busy"]):
            other = Referral.objects.create(
                region=region, organization=filler_org, status="preparing", family_name="X"
            )
            Assignment.objects.create(referral=other, coordinator=c, status="accepted")
        if spec["conflict"]:
            ConflictOfInterest.objects.create(
                coordinator=c, referral=referral, reason="kent familie", recorded_by=manager
            )
        if spec["declined"]:
            Assignment.objects.create(referral=referral, coordinator=c, status="declined")
        coordinators.append((c, spec))
    return coordinators


def eligible(spec):
    return (
        spec["active"]
        and spec["in_region"]
        and not spec["on_leave"]
        and spec["busy"] < spec["max_cases"]
        and not spec["conflict"]
        and not spec["declined"]
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(coordinator_spec, min_size=0, max_size=8),
    family=st.lists(st.sampled_from(LANGS), min_size=0, max_size=2, unique=True),
)
def test_ranking_properties(specs, family, regional_manager, organization, region, other_region):
    from django.db import transaction

    try:
        with transaction.atomic():
            referral = factories.registered(regional_manager, organization, languages=family)
            pool = build_pool(specs, referral, region, other_region, regional_manager, organization)
            ranking = rank_coordinators(referral, on_date=TODAY)
            listed = [c.coordinator.code for c in ranking]

            # Hard rules: exactly the eligible ones are listed.
            expected = sorted(c.code for c, spec in pool if eligible(spec))
            assert sorted(listed) == expected

            # Language ordering: every speaker ranks above every non-speaker.
            speaks = [bool(set(c.coordinator.languages) & set(family)) for c in ranking]
            assert speaks == sorted(speaks, reverse=True)

            # Deterministic: the same data gives the same order and scores.
            again = rank_coordinators(referral, on_date=TODAY)
            assert [(c.coordinator.code, c.score) for c in again] == [
                (c.coordinator.code, c.score) for c in ranking
            ]
            assert needs_interpreter(referral, ranking) == (bool(family) and not any(speaks))
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def test_lower_workload_then_experience_ranks_higher(regional_manager, organization, region):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    busy = factories.coordinator(region, "C201", languages=["tr"], max_active_cases=4)
    free = factories.coordinator(region, "C202", languages=["tr"], max_active_cases=4)
    expert = factories.coordinator(
        region, "C203", languages=["tr"], max_active_cases=4, occasions=["threatened_placement"]
    )
    for _ in range(2):
        other = factories.registered(regional_manager, organization)
        Assignment.objects.create(referral=other, coordinator=busy, status="accepted")
    ranking = [c.coordinator for c in rank_coordinators(referral, on_date=TODAY)]
    assert ranking == [expert, free, busy]


def test_reasons_say_why_in_dutch(regional_manager, organization, region):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    factories.coordinator(region, "C301", languages=["nl", "tr"], max_active_cases=4)
    (candidate,) = rank_coordinators(referral, on_date=TODAY)
    assert "spreekt tr" in candidate.reasons
    assert "0 van 4 plekken bezet" in candidate.reasons


def test_match_command_prints_interchange_json(regional_manager, organization, region):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    factories.coordinator(region, "C401", languages=["tr"])
    factories.coordinator(region, "C402", languages=["nl"])
    out = io.StringIO()
    call_command(
        "match_coordinators", referral.reference, "--json", "--date", "2026-11-23", stdout=out
    )
    data = json.loads(out.getvalue())
    assert [row["coordinator"] for row in data] == ["C401", "C402"]
    assert set(data[0]) == {"coordinator", "score", "reasons"}
    assert 0 <= data[1]["score"] < data[0]["score"] <= 1


def test_leave_is_judged_on_the_given_date(regional_manager, organization, region):
    referral = factories.registered(regional_manager, organization)
    c = factories.coordinator(region, "C501")
    Leave.objects.create(coordinator=c, start=TODAY, end=TODAY + datetime.timedelta(days=7))
    assert rank_coordinators(referral, on_date=TODAY) == []
    assert len(rank_coordinators(referral, on_date=TODAY + datetime.timedelta(days=8))) == 1


def test_ranking_500_coordinators_takes_a_fixed_number_of_queries(
    regional_manager, organization, region, django_assert_num_queries
):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    for i in range(10):
        factories.coordinator(region, f"D{i:03d}", languages=["nl", "tr"][: 1 + i % 2])
    with django_assert_num_queries(1):
        rank_coordinators(referral, on_date=TODAY)
    users = User.objects.bulk_create(
        [
            User(email=f"e{i}@pool.test", first_name="E", last_name=str(i), is_coordinator=True)
            for i in range(490)
        ]
    )
    Region.users.through.objects.bulk_create(
        [Region.users.through(user_id=u.pk, region_id=region.pk) for u in users]
    )
    Coordinator.objects.bulk_create(
        [Coordinator(user=u, code=f"E{i:03d}", languages=["nl"]) for i, u in enumerate(users)]
    )
    with django_assert_num_queries(1):
        assert len(rank_coordinators(referral, on_date=timezone.localdate())) == 500


def test_page_reasons_name_the_language_and_machine_reasons_keep_the_code(
    regional_manager, organization, region
):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    factories.coordinator(region, "C031", languages=["tr"])
    (candidate,) = rank_coordinators(referral, on_date=TODAY)
    assert "spreekt tr" in candidate.reasons  # INTERCHANGE.md matching output
    assert "spreekt Turks" in candidate.display_reasons
    assert candidate.as_json()["reasons"] == candidate.reasons
