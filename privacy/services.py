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
from referrals.lifecycle import ENDED
from referrals.models import StopReason
from referrals.services import lock_case, record_event, referral_stop
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
