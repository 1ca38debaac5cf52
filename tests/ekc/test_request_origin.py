"""One trusted client address for the lockout, the change history and the access log."""

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory
from django.urls import reverse

from coordinators.models import Coordinator
from ekc.request_origin import client_address, client_port
from tests import factories
from tests.forms import post_form

pytestmark = pytest.mark.django_db


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", **meta)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),
        (1, "not-an-ip", "10.0.0.2"),
        (1, "6.6.6.6, ' OR 1=1 --", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "10.0.0.2"),
        # Our proxy's entry is not an address: nothing further left is believed.
        (1, "6.6.6.6, unknown", "10.0.0.2"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(_request(HTTP_X_FORWARDED_FOR=forwarded)) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("443", 443), ("-1", None), ("99999999999999", None), ("x", None)]
)
def test_client_port_is_a_port_or_nothing(settings, value, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_port(_request(HTTP_X_FORWARDED_PORT=value)) == expected


BAD_HEADERS = [
    {"HTTP_X_FORWARDED_FOR": "not-an-ip"},
    {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5", "HTTP_X_FORWARDED_PORT": "-1"},
    {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "HTTP_X_FORWARDED_PORT": "99999999999999999999"},
    {"HTTP_X_FORWARDED_FOR": "\x00", "HTTP_X_FORWARDED_PORT": "\x00"},
]


@pytest.mark.parametrize("headers", BAD_HEADERS)
def test_bad_forwarding_headers_break_no_audited_write(client, settings, coordinator, headers):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(coordinator)
    response = post_form(
        client,
        reverse("coordinators:availability"),
        {"save_profile": "1", "languages": ["nl"], "max_active_cases": "3"},
        REMOTE_ADDR="10.0.0.2",
        **headers,
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(Coordinator.objects.get(user=coordinator)).latest(
        "timestamp"
    )
    assert entry.remote_addr in ("10.0.0.2", "203.0.113.5")
    assert entry.remote_port in (None,)


@pytest.mark.parametrize("headers", BAD_HEADERS)
def test_bad_forwarding_headers_break_no_logged_page(
    client, settings, regional_manager, organization, headers
):
    settings.TRUSTED_PROXY_COUNT = 1
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    response = client.get(
        reverse("referrals:detail", args=[referral.pk]), REMOTE_ADDR="10.0.0.2", **headers
    )
    assert response.status_code == 200
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert entry.remote_addr in ("10.0.0.2", "203.0.113.5")


def test_forged_first_hop_is_not_the_change_historys_origin(client, settings, coordinator):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(coordinator)
    post_form(
        client,
        reverse("coordinators:availability"),
        {"save_profile": "1", "languages": ["nl"], "max_active_cases": "3"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",
        HTTP_X_FORWARDED_PORT="51000",
    )
    entry = LogEntry.objects.get_for_object(Coordinator.objects.get(user=coordinator)).latest(
        "timestamp"
    )
    assert (entry.remote_addr, entry.remote_port) == ("203.0.113.5", 51000)
