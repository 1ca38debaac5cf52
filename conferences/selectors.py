"""Reads of conferences for lists of cases and the home pages."""

from django.db.models import OuterRef, Subquery

from conferences.models import (
    FIRST_CONFERENCE_KINDS,
    Conference,
    NoteKind,
    NoteStatus,
    OversightNote,
)
from referrals.lifecycle import ENDED
from referrals.models import Referral
from referrals.rules import coordinated_by_q, regions_cases_q

# The home page lists this many open notes at most (the oldest first).
HOME_NOTES = 20


def conference_at(user):
    """The case list's column: when the case's Eigen Kracht-conferentie is (or was)."""
    first = Conference.objects.filter(referral=OuterRef("pk"), kind__in=FIRST_CONFERENCE_KINDS)
    return Subquery(first.order_by("starts_at").values("starts_at")[:1])


def open_advice_requests_for(user):
    """Requests for advice not yet answered, of open cases of the regions ``user``
    manages: the regional manager's home page."""
    cases = Referral.objects.filter(regions_cases_q(user), destroyed_at__isnull=True)
    return _open_notes(NoteKind.ADVICE_REQUEST, cases)


def open_comments_for(user):
    """The regional manager's comments not yet answered, of the cases ``user``
    coordinates: the coordinator's home page."""
    cases = Referral.objects.filter(coordinated_by_q(user), destroyed_at__isnull=True)
    return _open_notes(NoteKind.COMMENT, cases)


def _open_notes(kind, cases):
    return (
        OversightNote.objects.filter(
            kind=kind, status=NoteStatus.OPEN, referral__in=cases.exclude(status__in=ENDED)
        )
        .select_related("referral", "author")
        .order_by("created_at", "pk")[:HOME_NOTES]
    )
