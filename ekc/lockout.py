"""Lockout after failed logins (django-axes), counted so that no stranger locks others out.

Three counts, each within the cool-off time and each with its own limit:

- one account from one address: ``AXES_FAILURE_LIMIT`` (5);
- one account from any address: ``AXES_ACCOUNT_FAILURE_LIMIT`` (5), so guessing
  from many addresses does not escape the lock;
- one address for any known account: ``AXES_ADDRESS_FAILURE_LIMIT`` (50), far
  higher, so that colleagues behind one office address are not locked out by
  one of them. Failures for addresses that are no account in EKC do not count
  here: they can lock nobody who exists.

Usernames are e-mail addresses, compared case-insensitively: they are normalised
before authentication and before axes counts them.
"""

from fractions import Fraction

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from ekc.models import User


def normalise_username(value):
    """The form of an e-mail login that is counted and looked up: trimmed, lower case."""
    return (value or "").strip().lower()


def axes_username(request, credentials):
    """AXES_USERNAME_CALLABLE: the normalised username from the credentials or the form."""
    source = credentials if credentials else getattr(request, "POST", {})
    return normalise_username(source.get(settings.AXES_USERNAME_FORM_FIELD)) or None


class LockoutHandler(AxesDatabaseHandler):
    def _counts(self, request, credentials):
        """(failures, limit) for each of the three counts."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

        def failures(attempts):
            return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

        known = User.objects.values("email")
        return [
            (
                failures(recent.filter(username=username, ip_address=address)),
                settings.AXES_FAILURE_LIMIT,
            ),
            (failures(recent.filter(username=username)), settings.AXES_ACCOUNT_FAILURE_LIMIT),
            (
                failures(recent.filter(ip_address=address, username__in=known)),
                settings.AXES_ADDRESS_FAILURE_LIMIT,
            ),
        ]

    def get_failures(self, request, credentials=None):
        # Axes compares one number with AXES_FAILURE_LIMIT; each count is scaled to
        # that limit, so the number reaches it exactly when one count reaches its own.
        scale = settings.AXES_FAILURE_LIMIT
        return max(
            int(Fraction(count, limit) * scale)
            for count, limit in self._counts(request, credentials)
        )

    def reset_user_attempts(self, request, credentials=None):
        # A successful login clears only this account's failures from this address:
        # never an attacker's failures at other accounts from the same address.
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return deleted
