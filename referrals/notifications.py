"""The emails of the referral lifecycle. Callers are inside a transaction."""

from django.conf import settings
from django.urls import reverse

from ekc.mail import send_after_commit
from ekc.models import User


def region_manager_emails(region):
    return list(
        User.objects.filter(is_regional_manager=True, is_active=True, regions=region)
        .values_list("email", flat=True)
        .distinct()
    )


def case_url(referral):
    return settings.SITE_URL + reverse("referrals:detail", args=[referral.pk])


def _context(referral, **extra):
    return {"referral": referral, "path": case_url(referral), **extra}


def on_commit_referral_submitted(referral, exclude=None):
    """Tell the region's managers of a new referral (not the one who registered it)."""
    recipients = region_manager_emails(referral.region)
    if exclude is not None:
        recipients = [email for email in recipients if email != exclude.email]
    send_after_commit(
        recipients,
        "referrals/email/new_referral",
        _context(referral),
    )


def on_commit_referral_returned(referral, reason):
    recipients = [referral.referrer.email] if referral.referrer else []
    send_after_commit(recipients, "referrals/email/returned", _context(referral, reason=reason))
