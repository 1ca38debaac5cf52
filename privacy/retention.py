"""Which files have reached the end of their retention (Jeugdwet: 20 years after the
file's last change, ``RETENTION_YEARS``), and are not stopped by a legal hold."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from privacy.models import LegalHold
from referrals.models import CaseEvent, Referral, years_after


def due_for_destruction(on_date=None):
    """The files whose retention date is on or before ``on_date`` (today), oldest
    first, without a legal hold in force then."""
    on_date = on_date or timezone.localdate()
    # Any file that changed after this day is still kept; the exact date is then
    # checked per file (a leap day moves to 1 March, never earlier).
    latest = years_after(on_date, -settings.RETENTION_YEARS)
    recent_events = CaseEvent.objects.filter(referral=OuterRef("pk"), at__date__gt=latest)
    held = LegalHold.objects.filter(LegalHold.holding_q(on_date), referral=OuterRef("pk"))
    candidates = (
        Referral.objects.filter(destroyed_at__isnull=True, status_changed_at__date__lte=latest)
        .exclude(Exists(recent_events))
        .exclude(Exists(held))
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.only("at", "referral")))
        .order_by("status_changed_at", "pk")
    )
    return [referral for referral in candidates if referral.retention_date <= on_date]
