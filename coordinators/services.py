"""Assignment of coordinators to cases, and coordinators' own availability.

Every function checks state and right, works in one transaction (locking the
case where two managers can race), records a case event, and mails after commit.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordinators import notifications
from coordinators.matching import eligible_coordinators
from coordinators.models import (
    EVALUATION_EVERY_MONTHS,
    Assignment,
    Attendance,
    ConflictOfInterest,
    Coordinator,
    DeclineReason,
    Evaluation,
    Leave,
    Meeting,
    RegionRequest,
    RegionRequestStatus,
    Training,
    Transfer,
    add_months,
)
from coordinators.rules import (
    can_edit_coordinator,
    can_invite_coordinator,
    can_record_meeting,
    can_record_pool,
)
from ekc.accounts import send_account_invitation
from ekc.editing import bump_version_or_refuse
from ekc.models import User
from ekc.rules import require, require_action
from referrals.lifecycle import (
    ASSIGNMENT_LIFECYCLE,
    CURRENT_ASSIGNMENT,
    TRANSFER_LIFECYCLE,
    AssignmentStatus,
    TransferStatus,
    Transition,
)
from referrals.services import (
    TransitionError,
    has_consent,
    lock_case,
    record_event,
    transition,
)


class AlreadyAssigned(TransitionError):
    """Another coordinator was proposed or accepted for this case in the meantime."""


def current_assignment(referral):
    return (
        referral.assignments.filter(status__in=CURRENT_ASSIGNMENT)
        .select_related("coordinator__user")
        .first()
    )


def assignment_propose(*, referral, coordinator, actor, on_date=None):
    """The regional manager proposes ``coordinator`` for the case.

    Requires the family's consent and an eligible coordinator (the hard rules of
    matching). Emails the coordinator. Raises ``AlreadyAssigned`` when another
    manager was first.
    """
    try:
        with transaction.atomic():
            referral = lock_case(referral)
            require_action(
                "coordinators.propose_coordinator",
                actor,
                referral,
                refused=lambda: _why_no_proposal(referral),
            )
            if not has_consent(referral):
                raise TransitionError(
                    _("Record the family's consent first; then a coordinator can be proposed.")
                )
            on_date = on_date or timezone.localdate()
            if not eligible_coordinators(referral, on_date).filter(pk=coordinator.pk).exists():
                raise TransitionError(
                    _("%(name)s cannot take this case now (region, leave, workload or conflict).")
                    % {"name": coordinator.user.get_full_name()}
                )
            assignment = Assignment.objects.create(
                referral=referral, coordinator=coordinator, proposed_by=actor
            )
            record_event(
                referral=referral,
                actor=actor,
                kind="coordinator_proposed",
                details={"coordinator": coordinator.code},
            )
            notifications.on_commit_proposed(assignment)
            return assignment
    except IntegrityError as exc:
        # The partial unique constraint: someone else proposed at the same moment.
        raise AlreadyAssigned(_("Another manager proposed a coordinator just now.")) from exc


def _why_no_proposal(referral):
    if current_assignment(referral):
        return AlreadyAssigned(_("This case already has a coordinator or a proposal."))
    return TransitionError(_("A coordinator can only be proposed for a registered case."))


@transaction.atomic
def assignment_accept(*, assignment, actor):
    """The coordinator says yes: the case moves to "coordinator assigned".

    The manager and the referrer are told the same day, by email.
    """
    referral = lock_case(assignment.referral)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    require_action(
        "coordinators.answer_proposal",
        actor,
        assignment,
        refused=_("This proposal has already been answered or withdrawn."),
    )
    ASSIGNMENT_LIFECYCLE.move(assignment, "accept")
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["status", "responded_at"])
    transition(
        referral=referral,
        actor=actor,
        transition=Transition.ASSIGN,
        details={"coordinator": assignment.coordinator.code},
    )
    notifications.on_commit_accepted(assignment)
    return assignment


@transaction.atomic
def assignment_decline(*, assignment, actor, reason, note=""):
    """The coordinator says no, with a reason; the manager proposes the next one.

    Declining for a conflict of interest also records the conflict.
    """
    referral = lock_case(assignment.referral)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    require_action(
        "coordinators.answer_proposal",
        actor,
        assignment,
        refused=_("This proposal has already been answered or withdrawn."),
    )
    if reason not in DeclineReason.values:
        raise ValueError(f"Unknown decline reason {reason!r}")
    ASSIGNMENT_LIFECYCLE.move(assignment, "decline")
    assignment.responded_at = timezone.now()
    assignment.decline_reason = reason
    assignment.decline_note = note
    assignment.save(update_fields=["status", "responded_at", "decline_reason", "decline_note"])
    if reason == DeclineReason.CONFLICT:
        ConflictOfInterest.objects.get_or_create(
            coordinator=assignment.coordinator,
            referral=referral,
            defaults={"reason": note or str(DeclineReason.CONFLICT.label), "recorded_by": actor},
        )
    record_event(
        referral=referral,
        actor=actor,
        kind="coordinator_declined",
        details={"coordinator": assignment.coordinator.code, "reason": reason, "note": note},
    )
    notifications.on_commit_declined(assignment)
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment, actor, reason=""):
    """The manager withdraws a proposal not yet answered, or a coordinator who
    accepted (the case then goes back to "registered" to match again)."""
    referral = lock_case(assignment.referral)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.referral = referral
    require_action(
        "coordinators.withdraw_coordinator",
        actor,
        assignment,
        refused=_("This coordinator is no longer on the case."),
    )
    was_accepted = assignment.is_accepted
    ASSIGNMENT_LIFECYCLE.move(assignment, "withdraw")
    assignment.responded_at = assignment.responded_at or timezone.now()
    assignment.save(update_fields=["status", "responded_at"])
    details = {"coordinator": assignment.coordinator.code, "reason": reason}
    # A transfer of this coordinator's case cannot happen any more.
    for transfer in assignment.transfers_out.filter(status=TransferStatus.OPEN).select_related(
        "to_coordinator__user", "referral"
    ):
        _cancel(transfer, actor, reason=_("The coordinator was taken off the case."))
    if was_accepted:
        transition(referral=referral, actor=actor, transition=Transition.UNASSIGN, details=details)
    else:
        record_event(referral=referral, actor=actor, kind="proposal_withdrawn", details=details)
    return assignment


def transfer_candidates(referral, on_date=None):
    """Who may take over the case: the matching's eligible coordinators, minus the
    current one (a queryset, ``rank_coordinators`` orders the same people)."""
    on_date = on_date or timezone.localdate()
    current = referral.assignments.filter(status=AssignmentStatus.ACCEPTED)
    return eligible_coordinators(referral, on_date).exclude(pk__in=current.values("coordinator"))


def open_transfer(referral):
    return (
        referral.transfers.filter(status=TransferStatus.OPEN)
        .select_related("to_coordinator__user", "from_assignment__coordinator__user")
        .first()
    )


def transfer_propose(*, referral, coordinator, actor, reason, on_date=None):
    """The regional manager asks ``coordinator`` to take over the case, with a reason.

    The case keeps its state and its coordinator until the new one accepts.
    ``coordinator`` must be an eligible candidate (``transfer_candidates``). One
    open transfer per case: ``AlreadyAssigned`` when another manager was first.
    Records "transfer_proposed"; emails the new coordinator.
    """
    if not reason.strip():
        raise ValueError("A transfer needs a reason.")
    try:
        with transaction.atomic():
            referral = lock_case(referral)
            require_action(
                "coordinators.transfer_case",
                actor,
                referral,
                refused=lambda: _why_no_transfer(referral),
            )
            current = referral.assignments.select_related("coordinator__user").get(
                status=AssignmentStatus.ACCEPTED
            )
            if not transfer_candidates(referral, on_date).filter(pk=coordinator.pk).exists():
                raise TransitionError(
                    _("%(name)s cannot take this case now (region, leave, workload or conflict).")
                    % {"name": coordinator.user.get_full_name()}
                )
            transfer = Transfer.objects.create(
                referral=referral,
                from_assignment=current,
                to_coordinator=coordinator,
                reason=reason,
                requested_by=actor,
            )
            record_event(
                referral=referral,
                actor=actor,
                kind="transfer_proposed",
                details={
                    "from": current.coordinator.code,
                    "to": coordinator.code,
                    "reason": reason,
                },
            )
            notifications.on_commit_transfer_proposed(transfer)
            return transfer
    except IntegrityError as exc:
        # The partial unique constraint: another transfer was started at the same moment.
        raise AlreadyAssigned(_("Another manager started a transfer just now.")) from exc


def _why_no_transfer(referral):
    if referral.transfers.filter(status=TransferStatus.OPEN).exists():
        return AlreadyAssigned(_("This case already has a transfer waiting for an answer."))
    return TransitionError(
        _("Only a case with an accepted coordinator, before the conference, can be transferred.")
    )


def _locked_transfer(transfer):
    referral = lock_case(transfer.referral)
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("to_coordinator__user", "from_assignment__coordinator__user")
        .get(pk=transfer.pk)
    )
    transfer.referral = referral
    return transfer


NO_LONGER_OPEN = gettext_lazy("This transfer has already been answered or cancelled.")


@transaction.atomic
def transfer_accept(*, transfer, actor):
    """The new coordinator says yes: the old assignment ends, theirs is current.

    The case keeps its state, contact log, network and conferences. Records
    "transfer_accepted"; emails both coordinators, the manager and the referrer.
    """
    transfer = _locked_transfer(transfer)
    require_action("coordinators.answer_transfer", actor, transfer, refused=NO_LONGER_OPEN)
    old = Assignment.objects.select_for_update().get(pk=transfer.from_assignment_id)
    old.coordinator = transfer.from_assignment.coordinator
    now = timezone.now()
    ASSIGNMENT_LIFECYCLE.move(old, "hand_over", refused=NO_LONGER_OPEN)
    old.save(update_fields=["status"])
    # Ended first: at most one current assignment per case (a database constraint).
    new = Assignment.objects.create(
        referral=transfer.referral,
        coordinator=transfer.to_coordinator,
        status=AssignmentStatus.ACCEPTED,
        proposed_by=transfer.requested_by,
        proposed_at=now,
        responded_at=now,
    )
    TRANSFER_LIFECYCLE.move(transfer, "accept")
    transfer.responded_at = now
    transfer.save(update_fields=["status", "responded_at"])
    record_event(
        referral=transfer.referral,
        actor=actor,
        kind="transfer_accepted",
        details={"from": old.coordinator.code, "to": transfer.to_coordinator.code},
    )
    notifications.on_commit_transfer_accepted(transfer, old=old, new=new)
    return new


@transaction.atomic
def transfer_decline(*, transfer, actor, note=""):
    """The new coordinator says no: the current coordinator stays. Records
    "transfer_declined"; emails the manager who asked (and the region's managers)."""
    transfer = _locked_transfer(transfer)
    require_action("coordinators.answer_transfer", actor, transfer, refused=NO_LONGER_OPEN)
    TRANSFER_LIFECYCLE.move(transfer, "decline")
    transfer.responded_at = timezone.now()
    transfer.answer_note = note
    transfer.save(update_fields=["status", "responded_at", "answer_note"])
    record_event(
        referral=transfer.referral,
        actor=actor,
        kind="transfer_declined",
        details={"to": transfer.to_coordinator.code, "reason": note},
    )
    notifications.on_commit_transfer_declined(transfer)
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer, actor):
    """The manager cancels a transfer not yet answered; the current coordinator stays.
    Records "transfer_cancelled"; emails the coordinator who was asked."""
    transfer = _locked_transfer(transfer)
    require_action("coordinators.cancel_transfer", actor, transfer, refused=NO_LONGER_OPEN)
    return _cancel(transfer, actor)


def _cancel(transfer, actor, reason=""):
    TRANSFER_LIFECYCLE.move(transfer, "cancel", refused=NO_LONGER_OPEN)
    transfer.responded_at = timezone.now()
    transfer.save(update_fields=["status", "responded_at"])
    record_event(
        referral=transfer.referral,
        actor=actor,
        kind="transfer_cancelled",
        details={"to": transfer.to_coordinator.code, "reason": reason},
    )
    notifications.on_commit_transfer_cancelled(transfer)
    return transfer


@transaction.atomic
def conflict_record(*, referral, coordinator, actor, reason):
    """The manager records that ``coordinator`` must not take this family's case."""
    referral = lock_case(referral)
    require_action("coordinators.record_conflict", actor, referral)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        coordinator=coordinator,
        referral=referral,
        defaults={"reason": reason, "recorded_by": actor},
    )
    if created:
        record_event(
            referral=referral,
            actor=actor,
            kind="conflict_recorded",
            details={"coordinator": coordinator.code},
        )
    return conflict


@transaction.atomic
def coordinator_update_profile(
    *, coordinator, actor, version, languages, max_active_cases, occasions
):
    """A coordinator keeps their own languages, capacity and experience up to date.

    ``version`` is the profile's version the form was read at: when it was changed
    since (by an administrator, say), raises ``StaleEdit`` and saves nothing.
    """
    require(can_edit_coordinator(actor, coordinator))
    coordinator.version = bump_version_or_refuse(Coordinator, coordinator.pk, version)
    coordinator.languages = languages
    coordinator.max_active_cases = max_active_cases
    coordinator.occasions = occasions
    coordinator.save(update_fields=["languages", "max_active_cases", "occasions"])
    return coordinator


@transaction.atomic
def leave_add(*, coordinator, actor, start, end, note=""):
    require(can_edit_coordinator(actor, coordinator))
    if end < start:
        raise ValueError("Leave must end on or after its start.")
    return Leave.objects.create(coordinator=coordinator, start=start, end=end, note=note)


@transaction.atomic
def leave_remove(*, leave, actor):
    require(can_edit_coordinator(actor, leave.coordinator))
    leave.delete()


def coordinator_invite(*, coordinator, actor):
    """Send the coordinator a new link to choose a password (by email, after commit).

    For coordinators who never logged in, or lost the first mail; the link of an
    earlier invitation stays valid until it expires or is used."""
    require(can_invite_coordinator(actor, coordinator))
    send_account_invitation(coordinator.user)


# The pool record (issue 17). The manager of one of the coordinator's regions (or an
# administrator) writes it; the coordinator only reads it. Edits carry the version
# they were read at (ekc/editing.py). The change history is auditlog's.


@transaction.atomic
def training_record(*, coordinator, actor, kind, date, note=""):
    """The manager records a basic or refresher course the coordinator followed."""
    require(can_record_pool(actor, coordinator))
    return Training.objects.create(
        coordinator=coordinator, kind=kind, date=date, note=note, recorded_by=actor
    )


@transaction.atomic
def training_update(*, training, actor, version, kind, date, note=""):
    """Correct a recorded course; raises ``StaleEdit`` when it changed since ``version``."""
    require(can_record_pool(actor, training.coordinator))
    training.version = bump_version_or_refuse(Training, training.pk, version)
    training.kind, training.date, training.note = kind, date, note
    training.save(update_fields=["kind", "date", "note"])
    return training


def _next_due(date, next_due):
    return next_due or add_months(date, EVALUATION_EVERY_MONTHS)


@transaction.atomic
def evaluation_record(*, coordinator, actor, date, summary, next_due=None):
    """The manager records the yearly evaluation they held with the coordinator.

    ``next_due`` defaults to a year later (``EVALUATION_EVERY_MONTHS``)."""
    require(can_record_pool(actor, coordinator))
    return Evaluation.objects.create(
        coordinator=coordinator,
        date=date,
        manager=actor,
        summary=summary,
        next_due=_next_due(date, next_due),
    )


@transaction.atomic
def evaluation_update(*, evaluation, actor, version, date, summary, next_due=None):
    """Correct a recorded evaluation; raises ``StaleEdit`` when it changed since ``version``."""
    require(can_record_pool(actor, evaluation.coordinator))
    evaluation.version = bump_version_or_refuse(Evaluation, evaluation.pk, version)
    evaluation.date, evaluation.summary = date, summary
    evaluation.next_due = _next_due(date, next_due)
    evaluation.save(update_fields=["date", "summary", "next_due"])
    return evaluation


def _check_attendees(region, attendees):
    serving = set(Coordinator.objects.filter(user__regions=region).values_list("pk", flat=True))
    strangers = [c for c in attendees if c.pk not in serving]
    if strangers:
        raise ValueError("Only coordinators of the meeting's region can attend it.")


def _set_attendance(meeting, attendees):
    """One row per coordinator added or taken off, each in the change history."""
    wanted = {c.pk for c in attendees}
    rows = Attendance.objects.filter(meeting_id=meeting.pk)
    present = set(rows.values_list("coordinator_id", flat=True))
    for attendance in rows.exclude(coordinator_id__in=wanted):
        attendance.delete()
    for pk in sorted(wanted - present):
        Attendance.objects.create(meeting=meeting, coordinator_id=pk)


@transaction.atomic
def meeting_record(*, actor, kind, date, region, attendees=(), note=""):
    """The region's manager records a supervision, intervision or regional meeting
    and who attended (coordinators who serve the region)."""
    require(can_record_meeting(actor, region))
    _check_attendees(region, attendees)
    meeting = Meeting.objects.create(
        kind=kind, date=date, region=region, note=note, recorded_by=actor
    )
    _set_attendance(meeting, attendees)
    return meeting


@transaction.atomic
def meeting_update(*, meeting, actor, version, kind, date, attendees=(), note=""):
    """Correct a meeting or its attendance; raises ``StaleEdit`` when it changed since."""
    require(can_record_meeting(actor, meeting.region))
    _check_attendees(meeting.region, attendees)
    meeting.version = bump_version_or_refuse(Meeting, meeting.pk, version)
    meeting.kind, meeting.date, meeting.note = kind, date, note
    meeting.save(update_fields=["kind", "date", "note"])
    _set_attendance(meeting, attendees)
    return meeting


def region_request_ask(*, coordinator, actor, region, motivation):
    """The coordinator asks to serve ``region`` too; its managers see the question.

    Refused (``TransitionError``) for a region they serve already, or while a question
    about it is open (the database holds one open question per region, too)."""
    if coordinator.user_id != actor.pk:
        raise PermissionDenied
    try:
        with transaction.atomic():
            require_action(
                "coordinators.request_region",
                actor,
                region,
                refused=lambda: _why_no_region_request(actor, region),
            )
            return RegionRequest.objects.create(
                coordinator=coordinator, region=region, motivation=motivation
            )
    except IntegrityError as exc:
        raise TransitionError(_open_request_message(region)) from exc


def _open_request_message(region):
    return _(
        "You already asked to serve %(region)s; the regional manager has not answered yet."
    ) % {"region": region.name}


def _why_no_region_request(actor, region):
    from coordinators.rules import serves_region

    if serves_region(actor, region):
        return TransitionError(_("You already serve %(region)s.") % {"region": region.name})
    return TransitionError(_open_request_message(region))


@transaction.atomic
def region_request_decide(*, region_request, actor, approve):
    """A manager of the region asked for approves or refuses; approving adds the region
    to the coordinator's regions (matching then lists them there). The coordinator
    gets the decision by email."""
    region_request = (
        RegionRequest.objects.select_for_update()
        .select_related("region", "coordinator__user")
        .get(pk=region_request.pk)
    )
    require_action(
        "coordinators.decide_region_request",
        actor,
        region_request,
        refused=_("This question has already been answered."),
    )
    region_request.status = RegionRequestStatus.APPROVED if approve else RegionRequestStatus.REFUSED
    region_request.decided_by = actor
    region_request.decided_at = timezone.now()
    region_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        User.regions.through.objects.get_or_create(
            user_id=region_request.coordinator.user_id, region_id=region_request.region_id
        )
    notifications.on_commit_region_decided(region_request)
    return region_request
