"""Deny by default: walk every URL pattern as an anonymous visitor.

A view added later without thought is caught here: unless its name is in the
public list, an anonymous request must be sent to the login page (or, for
personal token links, get a 404 for a made-up token).
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

# Pages anyone may open: logging in, getting a new password, choosing a language,
# the load balancer's health check.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "healthz",
    "accessibility",
    "privacy_statement",
    "research:survey_code",
}
# Personal token links (surveys): public, but a made-up token gives 404.
TOKEN_URLS = {"research:survey"}

SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def _route_example(route):
    def sample(match):
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", sample, route)


def _regex_example(regex):
    def sample(match):
        body = match.group(1)
        if re.fullmatch(r"[\w|-]+", body):
            return body.split("|")[0]
        return "1"

    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    return re.sub(r"\(\?P<\w+>([^()]*)\)", sample, text)


def _example(pattern):
    if isinstance(pattern, RoutePattern):
        return _route_example(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _regex_example(pattern.regex.pattern)
    raise TypeError(pattern)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        path = prefix + _example(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, path, ns)
        elif isinstance(entry, URLPattern):
            yield "/" + path, f"{namespace}{entry.name}" if entry.name else path


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_known_pages():
    names = {name for _, name in ALL_URLS}
    assert {"home", "login", "healthz", "admin:index"} <= names
    assert len(ALL_URLS) > 20


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), ALL_URLS, ids=[name for _, name in ALL_URLS])
def test_anonymous_visitor_is_sent_to_login(client, path, name):
    resolve(path)  # the example path must reach a real view
    response = client.get(path)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 405), f"{path} public page failed"
        return
    if name in TOKEN_URLS:
        assert response.status_code == 404
        return
    assert response.status_code == 302, f"{path} ({name}) answered {response.status_code}"
    # Follow the redirects (the management site goes through its own login URL):
    # the visitor must end on our login page, and see nothing else on the way.
    final = client.get(path, follow=True)
    assert final.status_code == 200
    assert final.request["PATH_INFO"] == reverse("login"), f"{path} ends elsewhere"
