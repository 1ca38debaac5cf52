"""Sentences for the transfer of a case to another coordinator, in the case timeline.

The details hold coordinator codes, which are no personal data."""

from django.utils.translation import gettext as _

from referrals.timeline import describe


@describe("transfer_proposed")
def _proposed(details, count):
    return _("Transfer from coordinator %(old)s to %(new)s proposed") % {
        "old": details.get("from", ""),
        "new": details.get("to", ""),
    }


@describe("transfer_accepted")
def _accepted(details, count):
    return _("Case transferred from coordinator %(old)s to %(new)s") % {
        "old": details.get("from", ""),
        "new": details.get("to", ""),
    }


@describe("transfer_declined")
def _declined(details, count):
    return _("Coordinator %(new)s said no to the transfer") % {"new": details.get("to", "")}


@describe("transfer_cancelled")
def _cancelled(details, count):
    return _("Transfer to coordinator %(new)s cancelled") % {"new": details.get("to", "")}
