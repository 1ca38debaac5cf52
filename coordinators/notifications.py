"""The emails of matching (a proposal, an accept, a decline) and of the pool."""

from django.conf import settings
from django.urls import reverse

from ekc.mail import send_after_commit
from referrals.notifications import case_url, region_manager_emails


def _manager_emails(assignment):
    emails = region_manager_emails(assignment.referral.region)
    if assignment.proposed_by:
        emails.append(assignment.proposed_by.email)
    return emails


def on_commit_proposed(assignment):
    send_after_commit(
        [assignment.coordinator.user.email],
        "coordinators/email/proposed",
        {
            "assignment": assignment,
            "referral": assignment.referral,
            "path": settings.SITE_URL + reverse("home"),
        },
    )


def on_commit_accepted(assignment):
    context = {
        "assignment": assignment,
        "referral": assignment.referral,
        "coordinator": assignment.coordinator.user,
        "path": case_url(assignment.referral),
    }
    send_after_commit(_manager_emails(assignment), "coordinators/email/accepted_manager", context)
    referrer = assignment.referral.referrer
    if referrer:
        send_after_commit([referrer.email], "coordinators/email/accepted_referrer", context)


def on_commit_declined(assignment):
    send_after_commit(
        _manager_emails(assignment),
        "coordinators/email/declined",
        {
            "assignment": assignment,
            "referral": assignment.referral,
            "path": case_url(assignment.referral),
        },
    )


# A transfer of a case to another coordinator.


def _transfer_context(transfer, **extra):
    return {
        "transfer": transfer,
        "referral": transfer.referral,
        "old": transfer.from_assignment.coordinator.user,
        "new": transfer.to_coordinator.user,
        "path": case_url(transfer.referral),
        **extra,
    }


def _transfer_manager_emails(transfer):
    return [*region_manager_emails(transfer.referral.region), transfer.requested_by.email]


def on_commit_transfer_proposed(transfer):
    send_after_commit(
        [transfer.to_coordinator.user.email],
        "coordinators/email/transfer_proposed",
        _transfer_context(transfer, path=settings.SITE_URL + reverse("home")),
    )


def on_commit_transfer_accepted(transfer, *, old, new):
    """Both coordinators, the managers and the referrer hear who coordinates now."""
    context = _transfer_context(transfer)
    send_after_commit(
        [old.coordinator.user.email], "coordinators/email/transfer_accepted_old", context
    )
    send_after_commit(
        [new.coordinator.user.email], "coordinators/email/transfer_accepted_new", context
    )
    send_after_commit(
        _transfer_manager_emails(transfer), "coordinators/email/transfer_accepted_manager", context
    )
    referrer = transfer.referral.referrer
    if referrer:
        send_after_commit(
            [referrer.email],
            "coordinators/email/transfer_accepted_referrer",
            {**context, "coordinator": new.coordinator.user},
        )


def on_commit_transfer_declined(transfer):
    send_after_commit(
        _transfer_manager_emails(transfer),
        "coordinators/email/transfer_declined",
        _transfer_context(transfer),
    )


def on_commit_transfer_cancelled(transfer):
    send_after_commit(
        [transfer.to_coordinator.user.email],
        "coordinators/email/transfer_cancelled",
        _transfer_context(transfer, path=settings.SITE_URL + reverse("home")),
    )


def on_commit_region_decided(region_request):
    """The coordinator hears whether they may serve the region they asked for."""
    send_after_commit(
        [region_request.coordinator.user.email],
        "coordinators/email/region_decided",
        {
            "region_request": region_request,
            "region": region_request.region,
            "approved": region_request.is_approved,
            "path": settings.SITE_URL + reverse("coordinators:own_record"),
        },
    )
