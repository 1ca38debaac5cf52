"""Read a rendered form's hidden fields, as a browser sends them back.

Edit forms carry the version they were read at and create forms a one-time token
(ekc/editing.py); tests that post a form take them from the page, like a browser.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        # Per form on the page: action, method, its hidden {name: value}, all its names.
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._current = (attrs.get("action") or "", method, {}, set())
            self.forms.append(self._current)
        elif self._current is not None and attrs.get("name"):
            self._current[3].add(attrs["name"])
            if tag == "input" and attrs.get("type") == "hidden":
                self._current[2][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(response, action, *, button=None):
    """The hidden fields of the POST form on the page of ``response`` that posts to
    ``action`` (a path; a form without an action posts to the page itself); with
    ``button``, the one among them with a field or button of that name."""
    parser = _FormParser()
    parser.feed(response.content.decode())
    page = urlsplit(response.wsgi_request.get_full_path()).path
    for form_action, method, hidden, names in parser.forms:
        if (
            method == "post"
            and urlsplit(form_action or page).path == urlsplit(action).path
            and (button is None or button in names)
        ):
            return dict(hidden)
    raise AssertionError(f"No form posting to {action} on {page}")


def form_fields(client, page_url, action=None, *, button=None):
    """GET ``page_url`` and return the hidden fields of its form posting to ``action``
    (default: the page itself)."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    return hidden_fields(page, action or page_url, button=button)


def post_form(client, page_url, data, *, action=None, button=None, **kwargs):
    """Open ``page_url`` and send its form (to ``action``, default the page) with ``data``."""
    target = action or page_url
    fields = form_fields(client, page_url, target, button=button)
    return client.post(target, {**fields, **data}, **kwargs)
