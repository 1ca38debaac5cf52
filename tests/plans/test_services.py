import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from plans import services
from plans.models import Agreement, Outcome, PlanDecision, PlanStatus
from referrals.lifecycle import CaseStatus
from referrals.services import TransitionError
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(regional_manager, organization, coordinator, referrer):
    return factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


def test_no_plan_before_the_conference(regional_manager, organization, coordinator):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    with pytest.raises(TransitionError):
        services.plan_start(referral=referral, actor=coordinator)


def test_only_the_cases_coordinator_writes_the_plan(
    regional_manager, organization, coordinator, other_coordinator, referrer
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    for outsider in (other_coordinator, referrer, regional_manager):
        with pytest.raises(PermissionDenied):
            services.plan_start(referral=referral, actor=outsider)


def test_the_plan_is_frozen_after_submission(plan, coordinator):
    assert plan.status == PlanStatus.SUBMITTED
    with pytest.raises(TransitionError):
        services.plan_save(
            plan=plan,
            actor=coordinator,
            version=plan.edit_version,
            fields={"contingency": "x"},
            agreements=[],
            evaluation_dates=[],
        )
    plan.refresh_from_db()
    assert plan.agreements.count() == 3
    assert plan.contingency.startswith("Tante Esra")


def test_an_empty_plan_cannot_be_submitted(regional_manager, organization, coordinator):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    draft = services.plan_start(referral=referral, actor=coordinator)
    with pytest.raises(TransitionError):
        services.plan_submit(plan=draft, actor=coordinator)


def test_a_request_to_a_professional_names_the_organisation(
    regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    draft = services.plan_start(referral=referral, actor=coordinator)
    with pytest.raises(ValueError):
        services.plan_save(
            plan=draft,
            actor=coordinator,
            version=draft.edit_version,
            fields={},
            agreements=[
                {
                    "what": "Hulp",
                    "who": "GGZ",
                    "life_domain": "health",
                    "carried_by": "professional",
                }
            ],
            evaluation_dates=[],
        )


def test_accept_with_conditions_moves_the_case_and_mails(
    plan, referrer, coordinator, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.plan_decide(
            plan=plan,
            actor=referrer,
            decision="accepted_with_conditions",
            conditions="Vader blijft in behandeling bij de verslavingszorg.",
        )
    plan.refresh_from_db()
    plan.referral.refresh_from_db()
    assert decision.is_accepted
    assert plan.status == PlanStatus.DECIDED
    assert plan.referral.status == CaseStatus.PLAN_DECIDED
    recipients = sorted(address for m in mailoutbox for address in m.to)
    assert recipients == sorted([coordinator.email, regional_manager.email])
    assert "Vader blijft in behandeling" in mailoutbox[0].body
    assert services.days_from_conference_to_decision(plan) == 0


def test_a_decision_is_final(plan, referrer):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    with pytest.raises(TransitionError):
        services.plan_decide(
            plan=plan, actor=referrer, decision="rejected", unmet_bound="safety", reason="x"
        )


def test_not_accepting_requires_the_bound_and_a_reason(plan, referrer):
    with pytest.raises(ValueError):
        services.plan_decide(plan=plan, actor=referrer, decision="rejected", unmet_bound="safety")
    with pytest.raises(ValueError):
        services.plan_decide(plan=plan, actor=referrer, decision="rejected", reason="Onveilig")
    with pytest.raises(ValueError):
        services.plan_decide(plan=plan, actor=referrer, decision="accepted_with_conditions")
    assert not PlanDecision.objects.exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_rejection_leads_to_a_new_version_with_its_own_decision(plan, referrer, coordinator):
    services.plan_decide(
        plan=plan,
        actor=referrer,
        decision="rejected",
        unmet_bound="safety",
        reason="Niemand is 's nachts bij de kinderen.",
    )
    new = services.plan_new_version(plan=plan, actor=coordinator)
    assert (new.version, new.status) == (2, PlanStatus.DRAFT)
    assert new.agreements.count() == 3  # starts from the rejected content
    with pytest.raises(TransitionError):  # the old version cannot get a second decision
        services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    services.plan_save(
        plan=new,
        actor=coordinator,
        version=new.edit_version,
        fields={},
        agreements=[
            *factories.AGREEMENT_ROWS,
            {
                "what": "Oom slaapt bij de kinderen.",
                "who": "Oom Murat",
                "life_domain": "safety",
                "carried_by": "network",
            },
        ],
        evaluation_dates=[],
    )
    services.plan_submit(plan=new, actor=coordinator)
    services.plan_decide(plan=new, actor=referrer, decision="accepted")
    plan.refresh_from_db()
    assert plan.decision.decision == "rejected"  # the earlier decision stays readable
    assert services.current_plan(plan.referral) == new


@pytest.mark.parametrize("who", ["other_referrer", "liaison", "coordinator", "regional_manager"])
def test_only_the_right_referrer_decides(request, plan, who):
    with pytest.raises(PermissionDenied):
        services.plan_decide(plan=plan, actor=request.getfixturevalue(who), decision="accepted")


def test_a_colleague_decides_only_with_the_right(plan, organization):
    colleague = make_user("colleague@ekc.test", organization=organization, is_referrer=True)
    with pytest.raises(PermissionDenied):
        services.plan_decide(plan=plan, actor=colleague, decision="accepted")
    colleague.may_decide_organization_plans = True
    colleague.save()
    services.plan_decide(plan=plan, actor=colleague, decision="accepted")


def test_help_start_is_recorded_by_the_referring_side(plan, referrer, liaison, coordinator):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    request_ = plan.agreements.get(carried_by="professional")
    with pytest.raises(PermissionDenied):
        services.help_record(
            agreement=request_, actor=coordinator, version=1, started_on=timezone.localdate()
        )
    services.help_record(
        agreement=request_, actor=liaison, version=1, started_on=timezone.localdate()
    )
    request_.refresh_from_db()
    assert request_.help_started_on == timezone.localdate()
    with pytest.raises(ValueError):
        services.help_record(
            agreement=plan.agreements.filter(carried_by="network").first(),
            actor=liaison,
            version=1,
        )


def test_evaluation_records_statuses_and_closing_records_outcomes(plan, referrer, coordinator):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    agreements = list(plan.agreements.all())
    statuses = dict(zip([a.pk for a in agreements], ["done", "partly", "not_done"], strict=True))
    services.evaluation_record(
        plan=plan,
        actor=coordinator,
        held_on=timezone.localdate(),
        present="Familie en netwerk",
        statuses=statuses,
        decision="continue",
    )
    plan.referral.refresh_from_db()
    assert plan.referral.status == CaseStatus.FOLLOW_UP
    assert plan.evaluation_moments.get().evaluation is not None
    services.evaluation_record(
        plan=plan,
        actor=coordinator,
        held_on=timezone.localdate(),
        present="Familie",
        statuses=statuses,
        decision="close",
        outcomes=["placement_prevented", "supervision_prevented"],
    )
    plan.referral.refresh_from_db()
    assert plan.referral.status == CaseStatus.CLOSED
    assert sorted(Outcome.objects.values_list("code", flat=True)) == [
        "placement_prevented",
        "supervision_prevented",
    ]


def test_a_rejected_plan_is_not_evaluated(plan, referrer, coordinator):
    services.plan_decide(
        plan=plan, actor=referrer, decision="rejected", unmet_bound="legality", reason="x"
    )
    with pytest.raises(TransitionError):
        services.evaluation_record(
            plan=plan,
            actor=coordinator,
            held_on=timezone.localdate(),
            present="x",
            statuses={},
            decision="continue",
        )


def test_manager_closes_with_outcomes_but_not_before_the_conference(
    regional_manager, organization, coordinator, plan, referrer
):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    services.case_close(
        referral=plan.referral, actor=regional_manager, outcomes=["eviction_prevented"]
    )
    plan.referral.refresh_from_db()
    assert plan.referral.status == CaseStatus.CLOSED
    early = factories.registered(regional_manager, organization)
    with pytest.raises((TransitionError, PermissionDenied)):
        services.case_close(referral=early, actor=regional_manager, outcomes=[])


def test_evaluation_in_the_future_is_refused(plan, referrer, coordinator):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    with pytest.raises(ValueError):
        services.evaluation_record(
            plan=plan,
            actor=coordinator,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            present="x",
            statuses={},
            decision="continue",
        )
    assert not Agreement.objects.filter(evaluations__isnull=False).exists()


def test_evaluation_reminder_a_week_before_once(
    plan, referrer, coordinator, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    from plans.reminders import send_evaluation_reminders

    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    due = plan.evaluation_moments.get().due_on
    with django_capture_on_commit_callbacks(execute=True):
        assert send_evaluation_reminders(due - datetime.timedelta(days=8)) == 0
        assert send_evaluation_reminders(due - datetime.timedelta(days=7)) == 1
        assert send_evaluation_reminders(due - datetime.timedelta(days=6)) == 0
    assert sorted(mailoutbox[0].to) == sorted([coordinator.email, regional_manager.email])


def test_due_evaluations_show_on_home_pages(client, plan, referrer, coordinator, other_coordinator):
    from plans.models import EvaluationMoment

    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    EvaluationMoment.objects.filter(plan=plan).update(due_on=timezone.localdate())
    client.force_login(coordinator)
    assert "Evaluaties die eraan komen" in client.get("/").content.decode()
    client.force_login(other_coordinator)
    assert "Evaluaties die eraan komen" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coordinator", True),
        ("regional_manager", True),
        ("admin_user", True),
        ("other_coordinator", False),
        ("other_regional_manager", False),
        ("referrer", False),
    ],
)
def test_due_evaluations_follow_who_evaluates(request, plan, referrer, who, sees):
    from plans.models import EvaluationMoment
    from plans.selectors import due_evaluations

    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    EvaluationMoment.objects.filter(plan=plan).update(due_on=timezone.localdate())
    moments = due_evaluations(request.getfixturevalue(who))
    assert [m.plan_id for m in moments] == ([plan.pk] if sees else [])
