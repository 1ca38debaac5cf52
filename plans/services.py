"""The plan's lifecycle: write (draft), submit (frozen), decide, new version,
help from professionals, evaluation, and closing the case with outcomes.

Each function checks the actor's right and the state, works in one transaction
(locking the case), records a case event, and mails after the commit.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import FIRST_CONFERENCE_KINDS, ConferenceStatus
from ekc.editing import bump_version_or_refuse
from ekc.rules import require_action
from ekc.uploads import delete_file
from plans import notifications
from plans.models import (
    PLAN_LIFECYCLE,
    Agreement,
    CarriedBy,
    Decision,
    Evaluation,
    EvaluationDecision,
    EvaluationItem,
    EvaluationMoment,
    FamilyPlan,
    Outcome,
    PlanDecision,
)
from plans.rules import is_current_version
from plans.scans import delete_scan_after_commit
from referrals.lifecycle import CASE_LIFECYCLE, Transition
from referrals.services import TransitionError, lock_case, record_event, refused, transition

PLAN_FIELDS = ("written_language", "contingency", "reconvene", "contact_person")
AGREEMENT_FIELDS = ("what", "who", "when", "life_domain", "carried_by", "organization_type")


def current_plan(referral):
    """One family, one plan: the latest version is the current one."""
    return referral.plans.order_by("-version").first()


def _held_conference(referral):
    return (
        referral.conferences.filter(
            status=ConferenceStatus.HELD,
            kind__in=FIRST_CONFERENCE_KINDS,
        )
        .order_by("held_on")
        .first()
    )


@transaction.atomic
def plan_start(*, referral, actor):
    """Open the first plan of a case whose conference has been held."""
    referral = lock_case(referral)
    require_action(
        "plans.start_plan", actor, referral, refused=lambda: _why_no_plan_start(referral)
    )
    conference = _held_conference(referral)
    if conference is None:
        raise TransitionError(_("The plan is written down after the conference has been held."))
    plan = FamilyPlan.objects.create(referral=referral, conference=conference, created_by=actor)
    record_event(referral=referral, actor=actor, kind="plan_started", details={"version": 1})
    return plan


def _why_no_plan_start(referral):
    if referral.plans.exists():
        return _("This case already has a plan; make a new version instead.")
    return _("The plan is written down after the conference has been held.")


def _lock_plan(plan):
    """The case and the plan version, locked; the plan knows its locked case."""
    referral = lock_case(plan.referral)
    plan = (
        FamilyPlan.objects.select_related("decision")
        .select_for_update(of=("self",))
        .get(pk=plan.pk)
    )
    plan.referral = referral
    return referral, plan


def plan_save(*, plan, actor, version, fields, agreements, evaluation_dates, scan=None):
    """Save a draft: the plan's own fields, its agreements in order, its evaluation dates,
    and its scan: ``scan`` None keeps it, False removes it, a file checked by
    ``PlanForm`` replaces it.

    A submitted plan is frozen: nothing in it can change. ``version`` is the draft's
    ``edit_version`` the form was read at: when someone else saved it since, raises
    ``StaleEdit`` and saves nothing. A new or removed scan is a case event. A scan
    that is replaced or removed is deleted from disk once the change has committed;
    when saving fails, the file just stored is deleted again.
    """
    stored = []
    try:
        with transaction.atomic():
            return _plan_save(
                plan=plan,
                actor=actor,
                version=version,
                fields=fields,
                agreements=agreements,
                evaluation_dates=evaluation_dates,
                scan=scan,
                stored=stored,
            )
    except BaseException:
        # Rolled back: no row points to the new file (its name is new and unique).
        for name in stored:
            delete_file(name)
        raise


def _plan_save(*, plan, actor, version, fields, agreements, evaluation_dates, scan, stored):
    referral, plan = _lock_plan(plan)
    require_action(
        "plans.edit_plan",
        actor,
        plan,
        refused=_("This plan has been submitted and cannot change. Make a new version."),
    )
    plan.edit_version = bump_version_or_refuse(FamilyPlan, plan.pk, version, field="edit_version")
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    update_fields = [name for name in PLAN_FIELDS if name in fields]
    if scan is not None:
        _scan_replace(plan=plan, actor=actor, referral=referral, scan=scan, stored=stored)
        update_fields.append("scan")
    plan.save(update_fields=update_fields)
    plan.agreements.all().delete()
    Agreement.objects.bulk_create(
        [
            Agreement(plan=plan, position=index, **_agreement(data))
            for index, data in enumerate(agreements)
        ]
    )
    plan.evaluation_moments.all().delete()
    EvaluationMoment.objects.bulk_create(
        [EvaluationMoment(plan=plan, due_on=day) for day in sorted(set(evaluation_dates))]
    )
    return plan


def _scan_replace(*, plan, actor, referral, scan, stored):
    """Put ``scan`` (a checked file, or False to remove it) on the locked ``plan``,
    recording a case event; the caller saves the plan. The file is written to the
    storage at once (its name goes into ``stored``, to be deleted if the transaction
    fails); the old one is deleted once the change has committed."""
    old_scan = plan.scan.name
    if scan:
        plan.scan.save(scan.name, scan, save=False)  # writes the file to the storage
        stored.append(plan.scan.name)
    else:
        plan.scan = ""
    if old_scan:
        delete_scan_after_commit(old_scan)
    record_event(
        referral=referral,
        actor=actor,
        kind="plan_scan_attached" if scan else "plan_scan_removed",
        details={"version": plan.version},
    )


def _agreement(data):
    values = {name: data.get(name, "") or "" for name in AGREEMENT_FIELDS}
    if values["carried_by"] != CarriedBy.PROFESSIONAL:
        values["organization_type"] = ""
    elif not values["organization_type"]:
        raise ValueError("A request to a professional names the type of organisation.")
    return values


@transaction.atomic
def plan_submit(*, plan, actor):
    """Hand the plan to the referrer for their decision. Its content is frozen from now."""
    referral, plan = _lock_plan(plan)
    require_action(
        "plans.edit_plan", actor, plan, refused=_("This plan has already been submitted.")
    )
    if not plan.agreements.exists():
        raise TransitionError(_("A plan needs at least one agreement."))
    PLAN_LIFECYCLE.move(plan, "submit")
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at"])
    record_event(
        referral=referral, actor=actor, kind="plan_submitted", details={"version": plan.version}
    )
    notifications.on_commit_submitted(plan)
    return plan


@transaction.atomic
def plan_new_version(*, plan, actor):
    """A correction, or a revised plan after a rejection: a new draft version with the
    same content to start from. Earlier versions and their decisions stay as they are."""
    referral, plan = _lock_plan(plan)
    require_action(
        "plans.new_plan_version",
        actor,
        plan,
        refused=_("Only the current, submitted plan gets a new version."),
    )
    version = (referral.plans.aggregate(v=Max("version"))["v"] or 0) + 1
    new = FamilyPlan.objects.create(
        referral=referral,
        conference=plan.conference,
        version=version,
        created_by=actor,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
    )
    Agreement.objects.bulk_create(
        [
            Agreement(plan=new, position=a.position, **{n: getattr(a, n) for n in AGREEMENT_FIELDS})
            for a in plan.agreements.all()
        ]
    )
    EvaluationMoment.objects.bulk_create(
        [EvaluationMoment(plan=new, due_on=m.due_on) for m in plan.evaluation_moments.all()]
    )
    record_event(
        referral=referral, actor=actor, kind="plan_new_version", details={"version": version}
    )
    return new


@transaction.atomic
def plan_decide(*, plan, actor, decision, conditions="", unmet_bound="", reason=""):
    """The referrer accepts the plan, accepts it with conditions, or does not accept it.

    A decision is final. "Not accepted" names the bound not met (safety or legality)
    and a reason. An accepted plan moves the case to "plan decided" (it is followed
    up: help, evaluations); one not accepted to "plan not accepted", from where the
    coordinator makes a revised version (decided again), the network reworks it at a
    follow-up conference, or the case is closed. Mails the coordinator and the
    regional manager.
    """
    referral, plan = _lock_plan(plan)
    require_action(
        "plans.decide_plan",
        actor,
        plan,
        refused=lambda: (
            _("This plan has been decided on; a decision cannot be changed.")
            if hasattr(plan, "decision")
            else _("Only the current, submitted plan can be decided on.")
        ),
    )
    if decision == Decision.REJECTED and (not unmet_bound or not reason.strip()):
        raise ValueError("Not accepting a plan needs the bound not met and a reason.")
    if decision == Decision.ACCEPTED_WITH_CONDITIONS and not conditions.strip():
        raise ValueError("Accepting with conditions needs the conditions.")
    result = PlanDecision.objects.create(
        plan=plan,
        decision=decision,
        conditions=conditions.strip() if decision == Decision.ACCEPTED_WITH_CONDITIONS else "",
        unmet_bound=unmet_bound if decision == Decision.REJECTED else "",
        reason=reason.strip(),
        decided_by=actor,
    )
    PLAN_LIFECYCLE.move(plan, "decide")
    plan.save(update_fields=["status"])
    transition(
        referral=referral,
        actor=actor,
        transition=Transition.DECIDE_PLAN if result.is_accepted else Transition.REJECT_PLAN,
        details={"version": plan.version, "decision": decision},
    )
    notifications.on_commit_decided(result)
    return result


def days_from_conference_to_decision(plan):
    decision = getattr(plan, "decision", None)
    if not decision or not plan.conference or not plan.conference.held_on:
        return None
    return (timezone.localdate(decision.decided_at) - plan.conference.held_on).days


@transaction.atomic
def help_record(*, agreement, actor, version, started_on=None, not_started_note=""):
    """The referrer or liaison records when requested help began, or why not yet.

    ``version`` is the agreement's version the form was read at: when someone else
    recorded the help since, raises ``StaleEdit`` and saves nothing.
    """
    # The plan as it is now (its decision included), with the locked case.
    referral, agreement.plan = _lock_plan(agreement.plan)
    require_action(
        "plans.record_help",
        actor,
        agreement,
        refused=lambda: (
            PermissionDenied()
            if agreement.is_help_request
            else ValueError("Only a request to a professional organisation has help to start.")
        ),
    )
    if started_on and started_on > timezone.localdate():
        raise ValueError("Help cannot have started in the future.")
    agreement.version = bump_version_or_refuse(Agreement, agreement.pk, version)
    agreement.help_started_on = started_on
    agreement.help_not_started_note = "" if started_on else not_started_note.strip()
    agreement.save(update_fields=["help_started_on", "help_not_started_note"])
    record_event(
        referral=referral,
        actor=actor,
        kind="help_recorded",
        details={
            "agreement": agreement.pk,
            "started_on": started_on.isoformat() if started_on else None,
        },
    )
    return agreement


@transaction.atomic
def evaluation_record(
    *, plan, actor, held_on, present, statuses, decision, note="", moment=None, outcomes=()
):
    """Record an evaluation of an accepted plan: per agreement done, partly or not.

    "Continue" keeps the plan running; "reconvene" asks for a follow-up conference
    (the coordinator schedules it next); "close" closes the case with ``outcomes``.
    """
    referral, plan = _lock_plan(plan)
    require_action(
        "plans.evaluate_plan",
        actor,
        plan,
        refused=lambda: (
            _("This case is not following up a plan.")
            if plan.is_accepted and is_current_version(actor, plan)
            else _("Only an accepted plan is evaluated.")
        ),
    )
    if held_on > timezone.localdate():
        raise ValueError("An evaluation cannot be recorded before it happens.")
    agreement_ids = set(plan.agreements.values_list("pk", flat=True))
    if set(statuses) - agreement_ids:
        raise ValueError("Statuses given for agreements of another plan.")
    evaluation = Evaluation.objects.create(
        plan=plan, held_on=held_on, present=present, note=note, decision=decision, recorded_by=actor
    )
    EvaluationItem.objects.bulk_create(
        [
            EvaluationItem(evaluation=evaluation, agreement_id=agreement_id, status=status)
            for agreement_id, status in statuses.items()
        ]
    )
    moment = moment or plan.evaluation_moments.filter(evaluation__isnull=True).first()
    if moment is not None:
        moment.evaluation = evaluation
        moment.save(update_fields=["evaluation"])
    details = {"version": plan.version, "decision": decision}
    if CASE_LIFECYCLE.can(referral.status, Transition.START_FOLLOW_UP):
        referral = transition(
            referral=referral, actor=actor, transition=Transition.START_FOLLOW_UP, details=details
        )
    else:
        record_event(referral=referral, actor=actor, kind="evaluation_recorded", details=details)
    if decision == EvaluationDecision.CLOSE:
        _close(referral=referral, actor=actor, outcomes=outcomes)
    return evaluation


@transaction.atomic
def case_close(*, referral, actor, outcomes=(), note=""):
    """Close a case after its conference, recording the outcomes (INTERCHANGE codes).

    The regional manager's step; an evaluation that decides to close (by the
    coordinator too) closes the case the same way."""
    referral = lock_case(referral)
    require_action("plans.close_case", actor, referral, refused=refused(referral, Transition.CLOSE))
    return _close(referral=referral, actor=actor, outcomes=outcomes, note=note)


def _close(*, referral, actor, outcomes=(), note=""):
    referral = transition(
        referral=referral,
        actor=actor,
        transition=Transition.CLOSE,
        details={"outcomes": sorted(set(outcomes)), "note": note},
    )
    Outcome.objects.bulk_create(
        [
            Outcome(referral=referral, code=code, recorded_by=actor)
            for code in sorted(set(outcomes))
        ],
        ignore_conflicts=True,
    )
    return referral
