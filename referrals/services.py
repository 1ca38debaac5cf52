"""Every change to a case goes through these functions.

Each checks the case's state and the actor's right, works in one transaction
(locking the case row where two people can race), records a case event, and
sends mail only after the transaction commits.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ekc.editing import bump_version_or_refuse
from ekc.models import Region
from ekc.rules import require
from referrals import notifications
from referrals.lifecycle import CaseStatus, Transition, can_transition, target_of
from referrals.models import CaseEvent, Consent, NonOffer, ReferenceCounter, Referral
from referrals.rules import (
    CURRENT_ASSIGNMENT,
    can_edit_referral,
    can_manage_referral,
    can_record_non_offer,
    can_reopen_referral,
    can_stop_referral,
    is_accepted_coordinator,
)


class TransitionError(Exception):
    """The case is not in a state that allows this change."""


def record_event(*, referral, actor, kind, from_status="", to_status="", details=None):
    return CaseEvent.objects.create(
        referral=referral,
        actor=actor if actor and actor.is_authenticated else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        details=details or {},
    )


def next_reference(year):
    """Hand out the next ``EK-<year>-<number>``; call inside a transaction.

    The UPDATE locks the year's counter row until the transaction ends, so two
    registrations at the same moment queue and never get the same number.
    """
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = ReferenceCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"EK-{year}-{number:04d}"


def lock_case(referral):
    """The case, locked for this transaction (where two people can race)."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def transition(*, referral, actor, transition, details=None, **changes):
    """Move ``referral`` along ``transition``; the caller holds the lock and the right.

    Sets ``changes`` on the case in the same save. Returns the fresh case.
    """
    if not can_transition(referral.status, transition):
        raise TransitionError(
            _("This case is %(status)s; it cannot be %(change)s now.")
            % {"status": referral.get_status_display().lower(), "change": transition.label}
        )
    from_status = referral.status
    referral.status = target_of(transition)
    referral.status_changed_at = timezone.now()
    for field, value in changes.items():
        setattr(referral, field, value)
    referral.version = F("version") + 1
    referral.save(update_fields=["status", "status_changed_at", "version", *changes])
    referral.refresh_from_db(fields=["version"])
    record_event(
        referral=referral,
        actor=actor,
        kind=transition,
        from_status=from_status,
        to_status=referral.status,
        details=details,
    )
    return referral


@transaction.atomic
def referral_create(*, actor, organization, region=None, referrer=None, **fields):
    """Create a draft. A referrer drafts for their own organisation; a regional
    manager for an organisation in one of their regions."""
    region = region or organization.region
    if actor.is_referrer and not actor.is_regional_manager:
        require(actor.organization_id == organization.pk)
        referrer = actor
    else:
        require(actor.is_superuser or (actor.is_regional_manager and _serves(actor, region)))
    referral = Referral.objects.create(
        organization=organization,
        region=region,
        referrer=referrer,
        created_by=actor,
        **fields,
    )
    record_event(referral=referral, actor=actor, kind="created", to_status=referral.status)
    return referral


def _serves(user, region):
    return Region.objects.filter(pk=region.pk, users=user).exists()


@transaction.atomic
def referral_update(*, referral, actor, version, fields, children=None):
    """Save edited details, refusing when someone else saved in between.

    ``version`` is the case's version the form was read at. ``children`` is a
    callable run inside the transaction to save the formsets. Returns the fresh
    case, or raises ``StaleEdit`` (nothing saved).
    """
    require(can_edit_referral(actor, referral))
    bump_version_or_refuse(Referral, referral.pk, version)
    referral.refresh_from_db()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=list(fields))
    if children:
        children(referral)
    record_event(
        referral=referral,
        actor=actor,
        kind="updated",
        details={"fields": sorted(fields)},
    )
    return referral


def missing_for_registration(referral):
    """The fields a referral needs before the region can work on it (empty list if none)."""
    missing = []
    for field in ("occasion", "question", "bounds", "family_name"):
        if not getattr(referral, field):
            missing.append(Referral._meta.get_field(field).verbose_name)
    if not referral.main_persons.exists():
        missing.append(_("at least one main person"))
    return missing


def _check_complete(referral):
    missing = missing_for_registration(referral)
    if missing:
        raise TransitionError(
            _("Fill in the following first: %(fields)s.")
            % {"fields": ", ".join(str(m) for m in missing)}
        )


def _today():
    return timezone.localdate()


@transaction.atomic
def referral_submit(*, referral, actor):
    """The referrer hands a finished draft to the region; it waits as "submitted"."""
    referral = lock_case(referral)
    require(actor.is_referrer and actor.organization_id == referral.organization_id)
    _check_complete(referral)
    referral = transition(
        referral=referral,
        actor=actor,
        transition=Transition.SUBMIT,
        reference=referral.reference or next_reference(_today().year),
        referred_on=referral.referred_on or _today(),
    )
    notifications.on_commit_referral_submitted(referral)
    return referral


@transaction.atomic
def referral_register(*, referral, actor):
    """A regional manager registers a referral they drafted themselves."""
    referral = lock_case(referral)
    require(can_manage_referral(actor, referral))
    _check_complete(referral)
    now = timezone.now()
    referral = transition(
        referral=referral,
        actor=actor,
        transition=Transition.REGISTER,
        reference=referral.reference or next_reference(now.year),
        referred_on=referral.referred_on or timezone.localdate(now),
        registered_at=now,
    )
    notifications.on_commit_referral_submitted(referral, exclude=actor)
    return referral


@transaction.atomic
def referral_take_in(*, referral, actor):
    """The regional manager accepts a submitted referral for the region."""
    referral = lock_case(referral)
    require(can_manage_referral(actor, referral))
    return transition(
        referral=referral,
        actor=actor,
        transition=Transition.TAKE_IN,
        registered_at=timezone.now(),
        return_reason="",
    )


@transaction.atomic
def referral_return(*, referral, actor, reason):
    """The regional manager sends a submitted referral back, saying why."""
    if not reason.strip():
        raise ValueError("A reason is required.")
    referral = lock_case(referral)
    require(can_manage_referral(actor, referral))
    referral = transition(
        referral=referral,
        actor=actor,
        transition=Transition.RETURN,
        details={"reason": reason},
        return_reason=reason,
    )
    notifications.on_commit_referral_returned(referral, reason)
    return referral


@transaction.atomic
def consent_record(*, referral, actor, given_by, given_on, scope):
    """Record the family's consent (required before a coordinator is proposed)."""
    referral = lock_case(referral)
    require(can_edit_referral(actor, referral) or can_manage_referral(actor, referral))
    if given_on > _today():
        raise ValueError("Consent cannot be given in the future.")
    consent = Consent.objects.create(
        referral=referral, given_by=given_by, given_on=given_on, scope=scope, recorded_by=actor
    )
    record_event(
        referral=referral,
        actor=actor,
        kind="consent_recorded",
        details={"given_by": given_by, "given_on": given_on.isoformat()},
    )
    return consent


def has_consent(referral):
    return referral.consents.exists()


@transaction.atomic
def referral_stop(*, referral, actor, reason, note=""):
    """End a case without a conference, with a stop reason (counts in research)."""
    referral = lock_case(referral)
    require(can_stop_referral(actor, referral))
    referral = transition(
        referral=referral,
        actor=actor,
        transition=Transition.STOP,
        details={"reason": reason, "note": note},
        stop_reason=reason,
        stop_note=note,
    )
    # Free the coordinator's place. Assignments belong to the coordinators app,
    # reached through the relation so this app need not import a later one.
    referral.assignments.filter(status__in=CURRENT_ASSIGNMENT).update(
        status="ended", responded_at=timezone.now()
    )
    return referral


@transaction.atomic
def referral_reopen(*, referral, actor, reason):
    """An administrator reopens a stopped or closed case, with a reason.

    The case returns to the state it had just before it was stopped or closed.
    """
    if not reason.strip():
        raise ValueError("A reason is required.")
    referral = lock_case(referral)
    if not can_transition(referral.status, Transition.REOPEN):
        raise TransitionError(_("Only a stopped or closed case can be reopened."))
    require(can_reopen_referral(actor, referral))
    ended = referral.events.filter(to_status=referral.status).order_by("-at", "-pk").first()
    previous = ended.from_status if ended and ended.from_status else CaseStatus.REGISTERED
    from_status = referral.status
    referral.status = previous
    referral.status_changed_at = timezone.now()
    referral.stop_reason = ""
    referral.stop_note = ""
    referral.version = F("version") + 1
    referral.save(
        update_fields=["status", "status_changed_at", "stop_reason", "stop_note", "version"]
    )
    referral.refresh_from_db(fields=["version"])
    record_event(
        referral=referral,
        actor=actor,
        kind=Transition.REOPEN,
        from_status=from_status,
        to_status=previous,
        details={"reason": reason},
    )
    return referral


@transaction.atomic
def referral_start_preparation(*, referral, actor, first_contact_on):
    """The coordinator's first contact with the family: preparation has begun."""
    referral = lock_case(referral)
    require(is_accepted_coordinator(actor, referral))
    if first_contact_on > _today():
        raise ValueError("The first contact cannot be in the future.")
    return transition(
        referral=referral,
        actor=actor,
        transition=Transition.START_PREPARATION,
        details={"first_contact_on": first_contact_on.isoformat()},
        first_contact_on=first_contact_on,
    )


@transaction.atomic
def non_offer_record(*, actor, decided_on, occasion, motivation):
    """A liaison records that their organisation offered no conference, and why."""
    require(can_record_non_offer(actor))
    if decided_on > _today():
        raise ValueError("The date cannot be in the future.")
    if not motivation.strip():
        raise ValueError("A motivation is required.")
    return NonOffer.objects.create(
        organization=actor.organization,
        decided_on=decided_on,
        occasion=occasion,
        motivation=motivation.strip(),
        recorded_by=actor,
    )
