"""Reads of conferences for lists of cases."""

from django.db.models import OuterRef, Subquery

from conferences.models import FIRST_CONFERENCE_KINDS, Conference


def conference_at(user):
    """The case list's column: when the case's Eigen Kracht-conferentie is (or was)."""
    first = Conference.objects.filter(referral=OuterRef("pk"), kind__in=FIRST_CONFERENCE_KINDS)
    return Subquery(first.order_by("starts_at").values("starts_at")[:1])
