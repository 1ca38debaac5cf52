from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.middleware.locale import LocaleMiddleware
from django.urls import get_resolver
from django.utils import translation
from django.utils.cache import patch_cache_control

from ekc.request_origin import client_address, client_port


class NoStoreForPersonalDataMiddleware:
    """Forbid caching of every page shown to a logged-in user.

    Such pages can hold a family's personal data; neither the browser nor a
    proxy may keep a copy. (Static files never reach this middleware.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language (the language cookie).

    Django's own middleware follows the browser's Accept-Language, which would
    show English to every Dutch professional with an English browser.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware with the one trusted client address and port.

    The package takes the first X-Forwarded-For entry, which the client writes,
    and passes any X-Forwarded-Port to the database (a 500 when out of range)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return client_port(request)


class RejectNullCharactersMiddleware:
    """A NUL character in the address or a form is refused with a 400 page.

    PostgreSQL cannot store or compare text with NUL, so a lookup with one (a
    survey code, an admin filter) broke with a server error. Form fields refuse
    it already; this covers the address, the query string and every form field.
    Uploaded files may hold any byte and are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._has_null(request.GET):
            raise BadRequest("NUL character in the request")
        if request.method == "POST" and self._has_null(request.POST):
            raise BadRequest("NUL character in the form")
        return self.get_response(request)

    @staticmethod
    def _has_null(query):
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in query.lists()
        )


class PlainNotFoundMiddleware:
    """Under DEBUG, the site's own Dutch 404 page instead of Django's technical one.

    Django shows its technical page (every URL pattern, in English) for any 404 while
    DEBUG is on, and no setting turns that off. This middleware, installed only with
    DEBUG and without DEBUG_TECHNICAL_404, answers such a 404 with the root URLconf's
    handler404, as production does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return get_resolver().resolve_error_handler(404)(request, exception=None)
        return response
