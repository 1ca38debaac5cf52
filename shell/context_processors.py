import rules
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The site's menu names every app's pages, so it belongs to the shell.
# (label, url name, permission or None for every logged-in user). Later issues add
# their pages here; the menu shows only what the user may open.
NAVIGATION = [
    (_("Home"), "home", None),
    (_("Cases"), "referrals:list", "referrals.list_referrals"),
    (_("Coordinators"), "coordinators:pool", "coordinators.view_pool"),
    (_("No conference"), "referrals:non_offers", "referrals.view_nonoffers"),
    (_("Help requests"), "plans:waiting_help", "plans.view_waiting_help"),
    (_("Privacy requests"), "privacy:requests", "privacy.view_requests"),
    (_("Research"), "research:dashboard", "research.view_dashboard"),
    (_("My availability"), "coordinators:availability", "coordinators.edit_own_availability"),
    (_("My record"), "coordinators:own_record", "coordinators.view_own_record"),
    (_("Import"), "import_registrations", "ekc.use_admin_site"),
    (_("Management"), "admin:index", "ekc.use_admin_site"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        # The access rules themselves, not user.has_perm: Django grants a superuser
        # every permission, which would show pages that are not theirs (such as a
        # coordinator's own availability).
        if perm and not rules.has_perm(perm, user):
            continue
        url = reverse(url_name)
        active = current == url if url == "/" else current.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
