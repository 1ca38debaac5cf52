"""Texts of Django itself that its Dutch catalogue does not (yet) translate.

Django 6.1 changed some messages; until its own catalogue catches up, listing
them here lets ``make messages`` pick them up so our catalogue translates them.
Nothing imports this module.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

gettext_lazy("- Select an option -")

ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    12,
)
