"""Sentences for the privacy events in the case timeline."""

from django.utils.translation import gettext as _

from referrals.timeline import day, describe


@describe("consent_withdrawn")
def _consent_withdrawn(details, count):
    when = day(details.get("withdrawn_on"))
    if when:
        return _("The family withdrew its consent on %(day)s") % {"day": when}
    return _("The family withdrew its consent")
