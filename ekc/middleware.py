from django.utils.cache import patch_cache_control


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
