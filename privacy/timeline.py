"""Sentences for the privacy events in the case timeline."""

from django.utils.translation import gettext as _

from privacy.models import RequestKind, RequestOutcome
from referrals.timeline import day, describe


@describe("consent_withdrawn")
def _consent_withdrawn(details, count):
    when = day(details.get("withdrawn_on"))
    if when:
        return _("The family withdrew its consent on %(day)s") % {"day": when}
    return _("The family withdrew its consent")


def _kind_label(details):
    kind = details.get("kind")
    return str(RequestKind(kind).label).lower() if kind in RequestKind.values else ""


@describe("rights_request_recorded")
def _rights_request_recorded(details, count):
    when = day(details.get("due_on"))
    return _("Request recorded: %(kind)s, to answer before %(day)s") % {
        "kind": _kind_label(details),
        "day": when or "—",
    }


@describe("rights_request_decided")
def _rights_request_decided(details, count):
    outcome = details.get("outcome")
    label = RequestOutcome(outcome).label if outcome in RequestOutcome.values else ""
    return _("Request decided: %(kind)s. %(outcome)s") % {
        "kind": _kind_label(details),
        "outcome": label,
    }
