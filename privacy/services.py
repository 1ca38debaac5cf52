"""The family's rights on its case, each one guarded service function.

Sits above every app whose data it changes: it moves the case through the
services of referrals (stop) and plans (close), and ends what other apps hold.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordinators.services import current_assignment
from ekc.rules import require_action
from plans.services import case_close
from privacy import notifications
from privacy.access_report import subject_of
from privacy.destruction import destroy_case
from privacy.models import (
    REFUSAL_GROUNDS,
    DestructionDecision,
    LegalHold,
    Requester,
    RequestKind,
    RequestOutcome,
    RightsRequest,
)
from referrals.lifecycle import ENDED
from referrals.models import MainPerson, StopReason
from referrals.services import TransitionError, lock_case, record_event, referral_stop
from research.models import SurveyInvitation


def _ends_survey_links(referral, now):
    """Expire the case's open survey links and forget every address; returns how many
    links were still open."""
    invitations = SurveyInvitation.objects.filter(referral=referral)
    expired = invitations.filter(used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now, email=""
    )
    invitations.exclude(email="").update(email="")
    return expired


@transaction.atomic
def consent_withdraw(*, referral, actor, withdrawn_on, note=""):
    """Record that the family withdrew its consent on ``withdrawn_on`` (not in the future).

    Before the conference the case stops with stop reason ``consent_withdrawn`` (an
    open proposal or the coordinator's assignment ends with it); after the conference
    the case is closed, which ends the follow-up of the plan (no more evaluation
    reminders). Either way the case keeps the date (``consent_withdrawn_on``: no
    coordinator is proposed and no survey sent until consent is recorded again), its
    survey links expire and their email addresses are cleared. Allowed to those who
    may stop or close the case now (``privacy.withdraw_consent``). Records the event
    ``consent_withdrawn`` (with the note) and the stop or close; mails the case's
    coordinator (accepted or proposed) and the referrer, but not the actor. There is
    no family access to end yet.
    """
    referral = lock_case(referral)
    require_action(
        "privacy.withdraw_consent",
        actor,
        referral,
        refused=lambda: (
            _("This case has ended; its consent can no longer be withdrawn.")
            if referral.status in ENDED
            else PermissionDenied()
        ),
    )
    if withdrawn_on > timezone.localdate():
        raise ValueError("Consent cannot be withdrawn in the future.")
    note = note.strip()
    assignment = current_assignment(referral)
    recipients = [assignment.coordinator.user.email] if assignment else []
    if referral.referrer:
        recipients.append(referral.referrer.email)
    recipients = [email for email in recipients if email != actor.email]

    referral.consent_withdrawn_on = withdrawn_on
    referral.save(update_fields=["consent_withdrawn_on"])
    expired = _ends_survey_links(referral, timezone.now())
    stopped = referral.is_before_conference
    record_event(
        referral=referral,
        actor=actor,
        kind="consent_withdrawn",
        details={
            "withdrawn_on": withdrawn_on.isoformat(),
            "note": note,
            "surveys_expired": expired,
        },
    )
    if stopped:
        referral = referral_stop(
            referral=referral, actor=actor, reason=StopReason.CONSENT_WITHDRAWN
        )
    else:
        referral = case_close(referral=referral, actor=actor)
    notifications.on_commit_consent_withdrawn(
        referral, recipients=recipients, withdrawn_on=withdrawn_on, stopped=stopped
    )
    return referral


def age_on(person, day):
    """The youngest age ``person`` can have on ``day`` (None when unknown): with only a
    birth year, the birthday may still be to come."""
    if person.birth_date:
        born = person.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.birth_year:
        return day.year - person.birth_year - 1
    return None


# From this age a child asks for itself (Jeugdwet 7.3.9/7.3.10); younger, the parents do.
OWN_REQUEST_AGE = 12


def requester_problem(*, person, requester, requested_on):
    """Why ``requester`` cannot ask for ``person`` (a message), or ''."""
    is_child = isinstance(person, MainPerson) and person.is_child
    if requester == Requester.PARENT and not is_child:
        return _("A parent or guardian asks only for a child of the case.")
    if requester == Requester.SELF and is_child:
        age = age_on(person, requested_on)
        if age is None:
            return _(
                "We do not know how old this child is. Fill in the birth date first: "
                "under 12, the parents ask for the child."
            )
        if age < OWN_REQUEST_AGE:
            return _("This child is under 12. The parents or the guardian ask for the child.")
    return ""


@transaction.atomic
def rights_request_record(
    *, referral, actor, kind, subject, requester, requested_on, requester_name="", details=""
):
    """Record a request of the family about its file; the deadline follows from its
    kind (1 month for access and correction, 3 months for destruction)."""
    referral = lock_case(referral)
    require_action("privacy.record_request", actor, referral)
    person = subject_of(referral, subject)
    if person is None:
        raise ValueError("The request must be about a person of this case.")
    if requested_on > timezone.localdate():
        raise ValueError("A request cannot be received in the future.")
    if problem := requester_problem(person=person, requester=requester, requested_on=requested_on):
        raise ValueError(problem)
    request = RightsRequest.objects.create(
        referral=referral,
        kind=kind,
        subject=subject,
        requester=requester,
        requester_name=requester_name.strip() if requester != Requester.SELF else "",
        details=details.strip(),
        requested_on=requested_on,
        due_on=RightsRequest.deadline(kind, requested_on),
        recorded_by=actor,
    )
    record_event(
        referral=referral,
        actor=actor,
        kind="rights_request_recorded",
        details={"request": request.pk, "kind": kind, "due_on": request.due_on.isoformat()},
    )
    return request


# The decisions each kind of request can end in.
OUTCOMES = {
    RequestKind.ACCESS: (RequestOutcome.ANSWERED, RequestOutcome.REFUSED),
    RequestKind.CORRECTION: (RequestOutcome.CORRECTED, RequestOutcome.REFUSED),
    RequestKind.DESTRUCTION: (RequestOutcome.DESTROYED, RequestOutcome.REFUSED),
}


def destruction_blocker(referral):
    """Why the file cannot be destroyed now (a message), or ''."""
    if referral.legal_holds.filter(LegalHold.holding_q()).exists():
        return _("A legal hold keeps this file. It cannot be destroyed while the hold lasts.")
    if referral.status not in ENDED:
        return _(
            "The case is still running. End it first (for example: the family withdrew "
            "its consent), then destroy the file."
        )
    return ""


@transaction.atomic
def rights_request_decide(
    *, rights_request, actor, outcome, decided_on, refusal_ground="", note=""
):
    """Decide an open request. A refusal names its ground and explains it; a
    correction says what was corrected (the change itself is made in the case's
    forms, and is in its change history). Destroying follows the retention rules'
    destruction (``destroy_case``, decision "request"): not while a legal hold
    lasts, and only once the case has ended. Returns the decided request."""
    rights_request = RightsRequest.objects.select_for_update().get(pk=rights_request.pk)
    referral = lock_case(rights_request.referral)
    require_action("privacy.decide_request", actor, referral)
    if not rights_request.is_open:
        raise TransitionError(_("This request has been decided already."))
    kind = rights_request.kind
    if outcome not in OUTCOMES[kind]:
        raise ValueError(f"A {kind} request cannot end as {outcome}.")
    if decided_on > timezone.localdate() or decided_on < rights_request.requested_on:
        raise ValueError("The decision's day must lie between the request and today.")
    note = note.strip()
    if outcome == RequestOutcome.REFUSED:
        if refusal_ground not in REFUSAL_GROUNDS[kind] or not note:
            raise ValueError("A refusal names its ground and explains it.")
    else:
        refusal_ground = ""
    if outcome == RequestOutcome.CORRECTED and not note:
        raise ValueError("Say what was corrected.")
    if outcome == RequestOutcome.DESTROYED and (blocker := destruction_blocker(referral)):
        raise TransitionError(blocker)
    rights_request.outcome = outcome
    rights_request.refusal_ground = refusal_ground
    rights_request.outcome_note = note
    rights_request.decided_on = decided_on
    rights_request.decided_by = actor
    rights_request.save()
    record_event(
        referral=referral,
        actor=actor,
        kind="rights_request_decided",
        details={"request": rights_request.pk, "kind": kind, "outcome": outcome},
    )
    if outcome == RequestOutcome.DESTROYED:
        destroy_case(referral, decision=DestructionDecision.REQUEST, actor=actor)
        rights_request.refresh_from_db()
    return rights_request
