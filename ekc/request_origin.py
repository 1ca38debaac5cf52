"""Where a request comes from: the one trusted answer for the lockout and both logs.

Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address of their peer
to ``X-Forwarded-For``, the client is the entry that many places from the right:
everything left of it was written by the client and proves nothing. Without a
proxy the header is ignored. A value that is not an IP address is never used, so
a forged or broken header can neither move the origin nor break a request.

django-ipware reads the header. It counts only the proxies whose addresses are in
the header (the last one is REMOTE_ADDR), hence ``count - 1``. Where our own
proxy's entry is not an address, ipware skips to entries further left; those were
written by the client, so such an answer is refused and REMOTE_ADDR is used.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip

PORT_RANGE = range(0, 65536)


def _ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request):
    """The client's IP address as our own proxies saw it, or None."""
    depth = settings.TRUSTED_PROXY_COUNT
    if depth:
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=depth - 1,
            strict=False,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
        )
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address and len(hops) >= depth and _ip(hops[-depth]) == _ip(address):
            return _ip(address)
    return _ip(request.META.get("REMOTE_ADDR"))


def client_port(request):
    """The client's source port from our proxy's X-Forwarded-Port, or None."""
    if not settings.TRUSTED_PROXY_COUNT:
        return None
    value = request.META.get("HTTP_X_FORWARDED_PORT", "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 5:
        return None
    port = int(value)
    return port if port in PORT_RANGE else None


def axes_client_address(request):
    # django-axes calls this (AXES_CLIENT_IP_CALLABLE); it must always give a string.
    return client_address(request) or "0.0.0.0"
