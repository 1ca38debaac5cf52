"""Texts of Django and of the packages in the admin that no Dutch catalogue translates.

Django 6.1 changed some messages and its Dutch catalogue leaves them empty (the
admin said "Search logboekvermeldingen", "Filter by timestamp"); django-auditlog
and django-axes ship no Dutch catalogue at all. Our catalogue (LOCALE_PATHS comes
first) translates them; listing them here lets ``make messages`` pick them up.
Nothing imports this module.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

gettext_lazy("- Select an option -")

ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    12,
)

# Django admin (empty in its Dutch catalogue).
gettext_lazy('The app "%s" could not be found.')
gettext_lazy(", ")
gettext_lazy("Filter by %(field_name)s")
gettext_lazy("Forgotten your login credentials?")
gettext_lazy("Pagination %(name)s entries")
gettext_lazy("Pagination %(name)s")
gettext_lazy("Search %(name)s")
gettext_lazy("Logout")
gettext_lazy(
    "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
    "objects, but your account doesn't have permission to delete the following types of "
    "objects:"
)
gettext_lazy(
    "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following "
    "protected related objects:"
)
gettext_lazy(
    "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the "
    "following related items will be deleted:"
)
ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", 2)

# django-auditlog.
gettext_lazy("Changes")
gettext_lazy("Audit log")
gettext_lazy("Resource Type")
gettext_lazy("Correlation ID")
gettext_lazy("Click to filter by records with this correlation id")
gettext_lazy("Created")
gettext_lazy("User")
gettext_lazy("Resource")
gettext_lazy("Audit log: %s")
gettext_lazy("View")
gettext_lazy("create")
gettext_lazy("update")
gettext_lazy("delete")
gettext_lazy("access")
gettext_lazy("content type")
gettext_lazy("object pk")
gettext_lazy("object id")
gettext_lazy("object representation")
gettext_lazy("action")
gettext_lazy("change message")
gettext_lazy("actor")
gettext_lazy("remote address")
gettext_lazy("remote port")
gettext_lazy("timestamp")
gettext_lazy("additional data")
gettext_lazy("actor email")
gettext_lazy("log entry")
gettext_lazy("log entries")
gettext_lazy("Created {repr:s}")
gettext_lazy("Updated {repr:s}")
gettext_lazy("Deleted {repr:s}")
gettext_lazy("Logged {repr:s}")
gettext_lazy("Field")
gettext_lazy("To")
gettext_lazy("Relationship")
gettext_lazy("Action")
gettext_lazy("Objects")
gettext_lazy("system")
gettext_lazy("No field changes")
gettext_lazy("No log entries found.")
ngettext_lazy("entry", "entries", 2)

# django-axes.
gettext_lazy("Form Data")
gettext_lazy("Meta Data")
gettext_lazy("Account locked: too many login attempts. Please try again later.")
gettext_lazy("Account locked: too many login attempts. Contact an admin to unlock your account.")
gettext_lazy("User Agent")
gettext_lazy("IP Address")
gettext_lazy("Username")
gettext_lazy("HTTP Accept")
gettext_lazy("Path")
gettext_lazy("Attempt Time")
gettext_lazy("Access lock out")
gettext_lazy("access failure")
gettext_lazy("access failures")
gettext_lazy("GET Data")
gettext_lazy("POST Data")
gettext_lazy("Failed Logins")
gettext_lazy("access attempt")
gettext_lazy("access attempts")
gettext_lazy("Logout Time")
gettext_lazy("access log")
gettext_lazy("access logs")
