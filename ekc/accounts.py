"""Account changes that must tell the person: an invitation, a new e-mail address.

Every change of a login's e-mail address goes through :func:`user_change_email`,
so the old address always hears of it: if someone else changed it, the owner of
the account can react before a password reset reaches the new address.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ekc.mail import send_after_commit
from ekc.models import User
from ekc.rules import require_action


def set_password_link(user):
    """A one-time link to choose a password (Django's password reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_account_invitation(user):
    """Invite a new user (e.g. an imported coordinator) to choose a password.

    Django's "forgot your password" skips accounts without a usable password, so
    new accounts need this mail to start. Sent after the transaction commits."""
    send_after_commit(
        [user.email],
        "ekc/email/invitation",
        {"user": user, "link": set_password_link(user), "site_url": settings.SITE_URL},
    )


def user_change_email(*, user, new_email):
    """Change a login's e-mail address and tell the old address (after commit)."""
    old_email = user.email
    new_email = User.objects.normalize_email(new_email).lower()
    if new_email == old_email.lower():
        return
    user.email = new_email
    user.save(update_fields=["email"])
    notify_email_changed(user=user, old_email=old_email)


def notify_email_changed(*, user, old_email):
    send_after_commit(
        [old_email],
        "ekc/email/email_changed",
        {"user": user, "old_email": old_email, "site_url": settings.SITE_URL},
    )


def weekly_digest_choose(*, user, wants):
    """Switch the user's own weekly digest on or off (she must be a regional
    manager). The change is in the user's history."""
    require_action("ekc.choose_weekly_digest", user, user)
    if user.wants_weekly_digest != wants:
        user.wants_weekly_digest = wants
        user.save(update_fields=["wants_weekly_digest"])
