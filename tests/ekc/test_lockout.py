"""The lockout holds per account, and no stranger can lock anyone else out.

Found under attack: behind the proxy every user had one address, so five failures
for an unknown account locked out everyone; and a locked account logged in again
with a capital letter or a leading space.
"""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # our own TLS proxy, the app's only peer


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def login(client, email, password, address, forwarded_prefix=""):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{forwarded_prefix}{address}",
    )


def test_failures_for_an_unknown_account_lock_no_known_account(client, admin_user, coordinator):
    for _ in range(10):
        login(client, "niemand@nergens.example", "wrong", "203.0.113.9")
    # From the stranger's own address, and from colleagues' addresses.
    assert login(client, "admin@ekc.test", PASSWORD, "203.0.113.9").status_code == 302
    client.logout()
    assert login(client, "coordinator@ekc.test", PASSWORD, "198.51.100.1").status_code == 302


def test_without_a_proxy_one_stranger_still_locks_nobody(client, settings, admin_user):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(10):
        client.post(reverse("login"), {"username": "niemand@nergens.example", "password": "x"})
    assert (
        client.post(reverse("login"), {"username": "admin@ekc.test", "password": PASSWORD})
    ).status_code == 302


@pytest.mark.parametrize(
    "spelling", ["Referrer@ekc.test", " referrer@ekc.test", "REFERRER@EKC.TEST "]
)
def test_a_locked_account_stays_locked_in_any_spelling_from_any_address(client, referrer, spelling):
    for _ in range(5):
        login(client, "referrer@ekc.test", "wrong", "203.0.113.1")
    response = login(client, spelling, PASSWORD, "198.51.100.77")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_spelling_variants_count_towards_one_lock(client, referrer):
    for spelling in [
        "Referrer@ekc.test",
        " referrer@ekc.test",
        "REFERRER@ekc.test",
        "referrer@EKC.test",
    ]:
        login(client, spelling, "wrong", "203.0.113.1")
    assert login(client, "referrer@ekc.test", "wrong", "203.0.113.1").status_code == 429


def test_guessing_from_many_addresses_locks_the_account(client, referrer):
    for attempt in range(48):
        login(client, "referrer@ekc.test", "wrong", f"203.0.113.{attempt % 12 + 1}")
    assert login(client, "referrer@ekc.test", PASSWORD, "198.51.100.5").status_code == 429


def test_an_address_alone_locks_only_at_its_own_far_higher_count(client, settings, region):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 100
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    users = [make_user(f"colleague{i}@ekc.test", regions=[region]) for i in range(4)]
    for user in users[:2]:
        for _ in range(2):
            login(client, user.email, "wrong", "192.0.2.50")
    # 4 failures from the office address: a colleague still gets in.
    assert login(client, users[3].email, PASSWORD, "192.0.2.50").status_code == 302
    client.logout()
    for _ in range(2):
        login(client, users[2].email, "wrong", "192.0.2.50")
    # 6 failures at known accounts from one address: that address is locked...
    assert login(client, users[3].email, PASSWORD, "192.0.2.50").status_code == 429
    # ...and only that address.
    assert login(client, users[3].email, PASSWORD, "192.0.2.51").status_code == 302


def test_the_client_writes_nothing_that_moves_its_address(client, referrer):
    # The client puts other addresses in front; the proxy appends the real one.
    for attempt in range(5):
        login(client, "referrer@ekc.test", "wrong", "203.0.113.1", f"198.51.100.{attempt}, ")
    assert login(client, "referrer@ekc.test", PASSWORD, "203.0.113.1").status_code == 429


def test_a_successful_login_clears_only_its_own_failures(
    client, referrer, regional_manager, settings
):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    for _ in range(4):
        login(client, "manager@ekc.test", "wrong", "192.0.2.9")
    assert login(client, "referrer@ekc.test", PASSWORD, "192.0.2.9").status_code == 302
    client.logout()
    login(client, "manager@ekc.test", "wrong", "192.0.2.9")
    # The manager's five failures were not wiped by the referrer's login.
    assert login(client, "manager@ekc.test", PASSWORD, "192.0.2.10").status_code == 429
