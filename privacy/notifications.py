"""The emails of the family's rights. Callers are inside a transaction."""

from ekc.mail import send_after_commit
from referrals.notifications import case_url


def on_commit_consent_withdrawn(referral, *, recipients, withdrawn_on, stopped):
    """Tell the coordinator and the referrer that the family withdrew its consent."""
    send_after_commit(
        recipients,
        "privacy/email/consent_withdrawn",
        {
            "referral": referral,
            "withdrawn_on": withdrawn_on,
            "stopped": stopped,
            "path": case_url(referral),
        },
    )
