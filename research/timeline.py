"""Sentences for the surveys' events in the case timeline."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from referrals.timeline import describe
from research.models import Respondent


def _group(details):
    respondent = details.get("respondent")
    if respondent in Respondent.values:
        return str(Respondent(respondent).label).lower()
    return ""


@describe("surveys_sent")
def _sent(details, count):
    made = (details.get("email") or 0) + (details.get("printed") or 0)
    return ngettext(
        "%(count)d survey invitation made (%(group)s)",
        "%(count)d survey invitations made (%(group)s)",
        made,
    ) % {"count": made, "group": _group(details)}


@describe("survey_entered")
def _entered(details, count):
    return _("Paper survey entered (%(group)s)") % {"group": _group(details)}
