import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coordinators.matching import rank_coordinators
from referrals.lifecycle import CaseStatus
from referrals.models import Referral
from referrals.services import next_reference
from tests import factories

pytestmark = pytest.mark.django_db


def case(**overrides):
    data = {
        "reference": "EK-2019-0001",
        "region": "Overijssel",
        "organization": {"name": "Bureau Jeugdzorg Overijssel", "type": "youth_care"},
        "occasion": "threatened_placement",
        "referred_on": "2019-03-04",
        "languages": ["nl", "tr"],
        "main_persons": [{"birth_year": 2008, "sex": "m", "is_child": True}],
        "coordinator": None,
        "stop_reason": None,
        "conference": None,
        "plan": None,
    }
    data.update(overrides)
    return data


def write(tmp_path, *cases, raw=None):
    path = tmp_path / "cases.jsonl"
    lines = [json.dumps(c) for c in cases] + ([raw] if raw else [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_registrations", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_cases_and_twice_changes_nothing(tmp_path, region):
    factories.coordinator(region, "C017")
    path = write(
        tmp_path,
        case(),
        case(reference="EK-2019-0002", stop_reason="family_declined"),
        case(reference="EK-2019-0003", coordinator="C017"),
    )
    out, _ = run(path)
    assert "3 cases imported" in out
    statuses = dict(Referral.objects.values_list("reference", "status"))
    assert statuses == {
        "EK-2019-0001": CaseStatus.REGISTERED,
        "EK-2019-0002": CaseStatus.STOPPED,
        "EK-2019-0003": CaseStatus.COORDINATOR_ASSIGNED,
    }
    first = Referral.objects.get(reference="EK-2019-0001")
    assert first.languages == ["nl", "tr"]
    assert list(first.main_persons.values_list("birth_year", "sex", "is_child")) == [
        (2008, "m", True)
    ]
    out, _ = run(path)
    assert "0 cases imported, 3 already present" in out
    assert Referral.objects.count() == 3


def test_open_imported_case_takes_a_coordinator_place(
    tmp_path, region, regional_manager, organization
):
    c = factories.coordinator(region, "C017", max_active_cases=1)
    run(write(tmp_path, case(coordinator="C017", region=region.name)))
    referral = factories.registered(regional_manager, organization)
    assert c not in [x.coordinator for x in rank_coordinators(referral)]


def test_every_error_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    path = write(
        tmp_path,
        case(),
        case(reference="EK-2019-0002", occasion="bad", colour="red"),
        case(reference="EK-2019-0001"),
        case(reference="EK-2019-0004", coordinator="C999", referred_on="4 maart"),
        raw="{not json",
    )
    with pytest.raises(CommandError):
        call_command(
            "import_registrations", path, stdout=io.StringIO(), stderr=(err := io.StringIO())
        )
    text = err.getvalue()
    assert "line 2: unknown keys: colour" in text
    assert "line 2: unknown occasion 'bad'" in text
    assert "line 3: reference EK-2019-0001 is also on line 1" in text
    assert "line 4: unknown coordinator 'C999'" in text
    assert "line 4: referred_on must be a date" in text
    assert "line 5: not valid JSON" in text
    assert not Referral.objects.exists()


def test_missing_required_keys(tmp_path):
    data = case()
    del data["region"]
    with pytest.raises(CommandError):
        call_command(
            "import_registrations",
            write(tmp_path, data),
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    assert "line 1: region is required" in err.getvalue()


CONFERENCE = {
    "kind": "family_group",
    "held_on": "2019-04-10",
    "duration_minutes": 195,
    "language": "nl",
    "location_type": "family_home",
    "participants": [
        {"relation": "parent", "attendance": "attended"},
        {"relation": "grandparent", "attendance": "declined"},
        {"relation": "professional", "attendance": "attended"},
    ],
}


def test_surveys_are_imported_and_checked(tmp_path):
    surveys = [
        {"respondent": "family", "grade_conference": 8, "grade_plan": 7, "grade_coordinator": 9},
        {
            "respondent": "referrer",
            "grade_conference": None,
            "grade_plan": 6,
            "grade_coordinator": None,
        },
    ]
    run(write(tmp_path, case(conference=CONFERENCE, surveys=surveys)))
    referral = Referral.objects.get()
    assert sorted(referral.survey_responses.values_list("respondent", "grade_plan")) == [
        ("family", 7),
        ("referrer", 6),
    ]
    bad = [{"respondent": "neighbour", "grade_conference": 11, "grade_plan": True}]
    with pytest.raises(CommandError):
        call_command(
            "import_registrations",
            write(tmp_path, case(reference="EK-2019-0009", surveys=bad)),
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    text = err.getvalue()
    assert "surveys[1]: unknown respondent 'neighbour'" in text
    assert "surveys[1]: grade_conference must be a whole number from 1 to 10, or null" in text
    assert "surveys[1]: grade_plan must be a whole number from 1 to 10, or null" in text


PLAN = {
    "decision": "accepted",
    "evaluation_on": "2019-07-01",
    "agreements": [
        {
            "life_domain": "upbringing",
            "carried_by": "network",
            "organization_type": None,
            "status": "done",
        },
        {
            "life_domain": "housing",
            "carried_by": "professional",
            "organization_type": "housing",
            "status": "partly",
        },
        {
            "life_domain": "health",
            "carried_by": "network",
            "organization_type": None,
            "status": None,
        },
    ],
}


def test_plan_and_outcomes_are_imported(tmp_path):
    run(write(tmp_path, case(conference=CONFERENCE, plan=PLAN, outcomes=["placement_prevented"])))
    referral = Referral.objects.get()
    assert referral.status == CaseStatus.CLOSED
    plan = referral.plans.get()
    assert plan.decision.decision == "accepted"
    assert str(plan.evaluation_moments.get().due_on) == "2019-07-01"
    assert list(plan.agreements.values_list("life_domain", "carried_by", "organization_type")) == [
        ("upbringing", "network", ""),
        ("housing", "professional", "housing"),
        ("health", "network", ""),
    ]
    statuses = sorted(plan.evaluations.get().items.values_list("status", flat=True))
    assert statuses == ["done", "partly"]
    assert list(referral.outcomes.values_list("code", flat=True)) == ["placement_prevented"]


def test_plan_errors_are_reported(tmp_path):
    bad_plan = {
        "decision": "maybe",
        "agreements": [
            {
                "life_domain": "upbringing",
                "carried_by": "professional",
                "organization_type": None,
                "status": "done",
            },
            {
                "life_domain": "moon",
                "carried_by": "network",
                "organization_type": "housing",
                "status": "half",
            },
        ],
    }
    with pytest.raises(CommandError):
        call_command(
            "import_registrations",
            write(tmp_path, case(plan=bad_plan, outcomes=["world_peace"])),
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    text = err.getvalue()
    assert "plan requires conference" in text
    assert "plan: unknown decision 'maybe'" in text
    assert "plan.agreements[1]: organization_type is required for a professional" in text
    assert "plan.agreements[2]: unknown life_domain 'moon'" in text
    assert "plan.agreements[2]: organization_type must be null for the network" in text
    assert "plan.agreements[2]: unknown status 'half'" in text
    assert "outcomes must be a list of outcome codes" in text


def test_conference_and_follow_ups_are_imported_with_participants(tmp_path):
    follow_up = {**CONFERENCE, "kind": "follow_up", "held_on": "2019-09-12", "participants": []}
    run(write(tmp_path, case(conference=CONFERENCE, follow_ups=[follow_up])))
    referral = Referral.objects.get()
    assert referral.status == CaseStatus.CONFERENCE_HELD
    first, second = referral.conferences.order_by("held_on")
    assert (first.kind, str(first.held_on), first.duration_minutes) == (
        "family_group",
        "2019-04-10",
        195,
    )
    assert (first.languages, first.location_type) == (["nl"], "family_home")
    assert sorted(first.participants.values_list("relation", "attendance")) == [
        ("grandparent", "declined"),
        ("parent", "attended"),
        ("professional", "attended"),
    ]
    assert second.kind == "follow_up"


def test_conference_errors_are_reported(tmp_path):
    bad = {
        **CONFERENCE,
        "kind": "follow_up",
        "held_on": "2019-01-01",
        "participants": [{"relation": "cousin", "attendance": "attended"}],
    }
    with pytest.raises(CommandError):
        call_command(
            "import_registrations",
            write(
                tmp_path, case(conference=bad, follow_ups=[{**CONFERENCE, "kind": "family_group"}])
            ),
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    text = err.getvalue()
    assert "line 1: conference: kind must be one of family_group, restorative" in text
    assert "line 1: conference: held_on is before referred_on" in text
    assert "line 1: conference.participants[1]: unknown relation 'cousin'" in text
    assert "line 1: follow_ups[1]: kind must be one of follow_up" in text


def test_new_references_do_not_collide_with_imported_ones(tmp_path):
    run(write(tmp_path, case(reference="EK-2026-0041")))
    from django.db import transaction

    with transaction.atomic():
        assert next_reference(2026) == "EK-2026-0042"


def test_values_of_the_wrong_type_are_errors_not_crashes():
    from shell.interchange import validate_lines

    conference = {"kind": ["family_group"], "held_on": "2019-04-10", "duration_minutes": True}
    lines = [
        json.dumps(case(conference=conference)),
        json.dumps(case(reference="EK-2019-0002", organization={"name": "X"})),
        json.dumps(case(reference="EK-2019-0003", coordinator=["C001"], languages="nl")),
    ]
    validation = validate_lines(lines)
    assert sorted(validation.errors) == [
        (1, "conference: duration_minutes must be a whole number of minutes"),
        (1, "conference: kind must be one of family_group, restorative"),
        (2, 'organization must be {"name": ..., "type": ...}'),
        (3, "languages must be a list of ISO 639 codes"),
        (3, "unknown coordinator ['C001'] (import coordinators first)"),
    ]


def test_a_plan_not_accepted_is_imported_in_its_own_state(tmp_path):
    rejected = {**PLAN, "decision": "rejected"}
    run(
        write(
            tmp_path,
            case(conference=CONFERENCE, plan=rejected),
            case(reference="EK-2019-0002", conference=CONFERENCE, plan={**PLAN, "agreements": []}),
            case(
                reference="EK-2019-0003", conference=CONFERENCE, plan=rejected, outcomes=["other"]
            ),
        )
    )
    statuses = dict(Referral.objects.values_list("reference", "status"))
    assert statuses == {
        "EK-2019-0001": CaseStatus.PLAN_NOT_ACCEPTED,
        "EK-2019-0002": CaseStatus.PLAN_DECIDED,
        "EK-2019-0003": CaseStatus.CLOSED,
    }
