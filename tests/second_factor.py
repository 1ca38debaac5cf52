"""The second factor in tests: a known secret, and the code it gives now."""

import pyotp

from ekc import second_factor

# The same kind of fixed secret as the demo users have (README).
TEST_SECRET = "EKCTESTSEKCTESTSEKCTESTSEKCTESTS"


def give_device(user, secret=TEST_SECRET):
    """A confirmed TOTP app for ``user`` with ``secret``."""
    return second_factor.set_up_with_secret(user, secret)


def current_code(user, secret=None):
    """The code ``user``'s app shows now (from the secret of their device, or
    ``secret``). django-otp refuses a code twice (replays), so the device forgets the
    last code it accepted: a test may log in twice within the same 30 seconds."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=user)
    devices.update(last_t=-1)
    if secret is None:
        secret = second_factor.base32_secret(devices.get(confirmed=True))
    return pyotp.TOTP(secret).now()


def needs_code(user):
    """Whether the login of ``user`` asks for a code; gives them an app if so."""
    if not second_factor.required_for(user):
        return False
    if not second_factor.has_device(user):
        give_device(user)
    return True


def pass_second_step(client, user):
    """After a password login with the test ``client``: give the code."""
    needs_code(user)
    response = client.post("/tweede-stap/", {"code": current_code(user)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
