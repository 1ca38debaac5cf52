from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission or None for every logged-in user). Later issues add
# their pages here; the menu shows only what the user may open.
NAVIGATION = [
    (_("Home"), "home", None),
    (_("Management"), "admin:index", "ekc.use_admin_site"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": current == url})
    return {"nav_items": items}
