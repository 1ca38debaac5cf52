"""The emails of the plan: submitted (to the referrer), decided (to the coordinator
and the regional manager), evaluation coming up (to both)."""

from coordinators.selectors import case_coordinator
from ekc.mail import send_after_commit
from referrals.notifications import case_url, region_manager_emails


def _coordinator_emails(referral):
    coordinator = case_coordinator(referral)
    return [coordinator.email] if coordinator else []


def on_commit_submitted(plan):
    referral = plan.referral
    if referral.referrer:
        send_after_commit(
            [referral.referrer.email],
            "plans/email/submitted",
            {"plan": plan, "referral": referral, "path": case_url(referral)},
        )


def on_commit_decided(decision):
    referral = decision.plan.referral
    send_after_commit(
        _coordinator_emails(referral) + region_manager_emails(referral.region),
        "plans/email/decided",
        {
            "decision": decision,
            "plan": decision.plan,
            "referral": referral,
            "path": case_url(referral),
        },
    )


def evaluation_due_recipients(referral):
    return _coordinator_emails(referral) + region_manager_emails(referral.region)
