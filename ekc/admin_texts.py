"""Texts of Django's management site that its own Dutch catalogue lacks (Django 6.1).

Never imported: the marks only let ``makemessages`` put these texts in our
catalogue, which Django reads before its own (LOCALE_PATHS), so the management
site is Dutch throughout.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN_TEXTS = (
    gettext_noop('The app "%s" could not be found.'),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Logout"),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting "
        "related objects, but your account doesn't have permission to delete the "
        "following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting "
        "the following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? "
        "All of the following related items will be deleted:"
    ),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects."),
)
