"""Every change to a case goes through these functions.

Each checks the case's state and the actor's right, works in one transaction
(locking the case row where two people can race), records a case event, and
sends mail only after the transaction commits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ekc.editing import bump_version_or_refuse
from ekc.lifecycle import TransitionError  # raised by every app's services
from ekc.rules import require, require_action
from referrals import notifications
from referrals.lifecycle import (
    ASSIGNMENT_LIFECYCLE,
    TRANSFER_LIFECYCLE,
    CaseStatus,
    Transition,
    can_transition,
    target_of,
)
from referrals.models import (
    CaseEvent,
    Consent,
    InvolvedProfessional,
    MainPerson,
    NetworkMember,
    NonOffer,
    ReferenceCounter,
    Referral,
)
from referrals.rules import (
    can_draft_referral_for,
    drafts_as_referrer,
    is_accepted_coordinator,
)
from referrals.sending import labels, missing_of


def refused(referral, transition):
    """Why ``transition`` cannot happen to ``referral`` in its state now."""
    return _("This case is %(status)s; it cannot be %(change)s now.") % {
        "status": referral.get_status_display().lower(),
        "change": transition.label,
    }


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
        raise TransitionError(refused(referral, transition))
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


# The rows of a referral that its form edits: the model and the fields it sets.
REFERRAL_ROWS = {
    "main_persons": (MainPerson, ("name", "birth_date", "sex", "is_child", "lives_with")),
    "professionals": (InvolvedProfessional, ("name", "organization", "role", "contact")),
    "network": (NetworkMember, ("name", "relation")),
}


@transaction.atomic
def referral_create(*, actor, organization, referrer=None, children=None, **fields):
    """Create a draft, in the organisation's region (``can_draft_referral_for``: a
    referrer drafts for their own organisation, as its referrer). ``children``: its
    rows, as in ``referral_update``."""
    require(can_draft_referral_for(actor, organization))
    if drafts_as_referrer(actor):
        referrer = actor
    referral = Referral.objects.create(
        organization=organization,
        region_id=organization.region_id,
        referrer=referrer,
        created_by=actor,
        **fields,
    )
    record_event(referral=referral, actor=actor, kind="created", to_status=referral.status)
    if children:
        _rows_save(referral=referral, actor=actor, children=children)
    return referral


@transaction.atomic
def referral_update(*, referral, actor, version, fields, children=None):
    """Save edited details and rows, refusing when someone else saved in between.

    ``version`` is the case's version the form was read at. ``children`` maps a row
    list of ``REFERRAL_ROWS`` to the rows that change: a new row is a dict of its
    fields, a changed one has its ``pk`` too, a removed one is ``{"pk": ..., "delete":
    True}``. Network members added, changed or removed are case events, as when the
    coordinator adds them. Returns the fresh case, or raises ``StaleEdit`` (nothing
    saved).
    """
    require_action("referrals.edit_referral", actor, referral)
    bump_version_or_refuse(Referral, referral.pk, version)
    referral.refresh_from_db()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save(update_fields=list(fields))
    record_event(
        referral=referral,
        actor=actor,
        kind="updated",
        details={"fields": sorted(fields)},
    )
    if children:
        _rows_save(referral=referral, actor=actor, children=children)
    return referral


NETWORK_EVENTS = {
    "added": "network_added",
    "changed": "network_changed",
    "removed": "network_removed",
}


def _rows_save(*, referral, actor, children):
    for name, rows in children.items():
        model, names = REFERRAL_ROWS[name]
        ids = [row["pk"] for row in rows if row.get("pk")]
        existing = model.objects.filter(referral=referral).in_bulk(ids) if ids else {}
        for row in rows:
            unknown = set(row) - {"pk", "delete", *names}
            if unknown:
                raise ValueError(f"Not a field of {name}: {', '.join(sorted(unknown))}")
            values = {field: row[field] for field in names if field in row}
            if not row.get("pk"):
                item = model.objects.create(referral=referral, **values)
                change = "added"
            elif row["pk"] not in existing:
                raise PermissionDenied  # a row of another case (or a tampered form)
            elif row.get("delete"):
                item = existing[row["pk"]]
                item.delete()
                change = "removed"
            else:
                item = existing[row["pk"]]
                for field, value in values.items():
                    setattr(item, field, value)
                update_fields = list(values)
                if model is NetworkMember:
                    # An open edit of this member by the coordinator is stale now.
                    item.version = F("version") + 1
                    update_fields.append("version")
                item.save(update_fields=update_fields)
                change = "changed"
            if model is NetworkMember:
                record_event(
                    referral=referral,
                    actor=actor,
                    kind=f"network_{change}",
                    details={"relation": item.relation},
                )


def _check_complete(referral):
    missing = missing_of(referral)
    if missing:
        raise TransitionError(
            _("Fill in the following first: %(fields)s.")
            % {"fields": ", ".join(str(label) for label in labels(missing))}
        )


def _today():
    return timezone.localdate()


def _is_earlier(case, than):
    """Whether ``case`` was referred before ``than`` (created before, for a draft)."""
    if case.referred_on and than.referred_on:
        return case.referred_on < than.referred_on
    return case.created_at < than.created_at


@transaction.atomic
def family_link(*, referral, previous, actor):
    """Link ``referral`` to ``previous``, an earlier case of the same family that
    ``actor`` may see. Replaces an earlier link. Returns the fresh case."""
    require_action("referrals.link_family", actor, referral)
    require(actor.has_perm("referrals.view_referral", previous))
    referral = lock_case(referral)
    if previous.pk == referral.pk or previous.destroyed_at or not previous.reference:
        raise TransitionError(_("A case cannot be linked to itself or to a destroyed file."))
    if not _is_earlier(previous, referral):
        raise TransitionError(
            _(
                "%(reference)s was not referred before this case; "
                "link the later case to the earlier one."
            )
            % {"reference": previous.reference}
        )
    if referral.previous_id == previous.pk:
        return referral
    referral.previous = previous
    referral.save(update_fields=["previous"])
    record_event(
        referral=referral,
        actor=actor,
        kind="family_linked",
        details={"reference": previous.reference},
    )
    return referral


@transaction.atomic
def family_unlink(*, referral, actor):
    """Remove the link to the earlier case (it was not the same family)."""
    require_action("referrals.link_family", actor, referral)
    referral = lock_case(referral)
    if referral.previous_id is None:
        return referral
    reference = Referral.objects.filter(pk=referral.previous_id).values_list(
        "reference", flat=True
    )[0]
    referral.previous = None
    referral.save(update_fields=["previous"])
    record_event(
        referral=referral, actor=actor, kind="family_unlinked", details={"reference": reference}
    )
    return referral


@transaction.atomic
def referral_submit(*, referral, actor):
    """The referrer hands a finished draft to the region; it waits as "submitted"."""
    referral = lock_case(referral)
    require_action(
        "referrals.submit_referral",
        actor,
        referral,
        refused=refused(referral, Transition.SUBMIT),
    )
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
    require_action(
        "referrals.register_referral",
        actor,
        referral,
        refused=refused(referral, Transition.REGISTER),
    )
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
    require_action(
        "referrals.take_in_referral",
        actor,
        referral,
        refused=refused(referral, Transition.TAKE_IN),
    )
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
    require_action(
        "referrals.return_referral",
        actor,
        referral,
        refused=refused(referral, Transition.RETURN),
    )
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
    """Record the family's consent (required before a coordinator is proposed). Consent
    given again after it was withdrawn counts again."""
    referral = lock_case(referral)
    require_action("referrals.record_consent", actor, referral)
    if given_on > _today():
        raise ValueError("Consent cannot be given in the future.")
    consent = Consent.objects.create(
        referral=referral, given_by=given_by, given_on=given_on, scope=scope, recorded_by=actor
    )
    if referral.consent_withdrawn_on is not None:
        # Given again (after the case was reopened): it counts from now on.
        referral.consent_withdrawn_on = None
        referral.save(update_fields=["consent_withdrawn_on"])
    record_event(
        referral=referral,
        actor=actor,
        kind="consent_recorded",
        details={"given_by": given_by, "given_on": given_on.isoformat()},
    )
    return consent


def has_consent(referral):
    """The family has given consent and not withdrawn it since."""
    return referral.consent_withdrawn_on is None and referral.consents.exists()


@transaction.atomic
def referral_stop(*, referral, actor, reason, note=""):
    """End a case without a conference, with a stop reason (counts in research)."""
    referral = lock_case(referral)
    require_action(
        "referrals.stop_referral", actor, referral, refused=refused(referral, Transition.STOP)
    )
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
    referral.assignments.filter(status__in=ASSIGNMENT_LIFECYCLE.sources("end")).update(
        status=ASSIGNMENT_LIFECYCLE.target("end"), responded_at=timezone.now()
    )
    # A transfer to another coordinator that was still waiting ends with the case.
    referral.transfers.filter(status__in=TRANSFER_LIFECYCLE.sources("cancel")).update(
        status=TRANSFER_LIFECYCLE.target("cancel"), responded_at=timezone.now()
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
    require_action(
        "referrals.reopen_referral",
        actor,
        referral,
        refused=_("Only a stopped or closed case can be reopened."),
    )
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
    require_action("referrals.record_non_offer", actor)
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
