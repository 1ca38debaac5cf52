"""The case timeline in plain sentences.

Every event kind has a sentence. Apps above referrals (plans, conferences,
research) describe their own events with ``describe()`` from their ``ready()``,
so this module never imports them. Repeated network rows by one person on one
day fold into one line ("10 mensen aan het netwerk toegevoegd").
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ekc import formatting
from referrals.lifecycle import Transition

# kind -> function(details, count) -> sentence
_SENTENCES = {}

# Kinds whose rows fold into one when one person records several in a row.
FOLDED_KINDS = {"network_added", "network_changed", "network_removed"}


def describe(kind):
    """Register the sentence for an event kind: ``@describe("plan_started")``."""

    def register(function):
        _SENTENCES[kind] = function
        return function

    return register


def described_kinds():
    return set(_SENTENCES)


def sentence(event, count=1):
    """The event as one sentence for people; never its code."""
    function = _SENTENCES.get(event.kind)
    if function is not None:
        return function(event.details or {}, count)
    if event.is_transition:
        return capfirst(str(Transition(event.kind).label))
    # An unknown kind (an older release's event): say something, not its code.
    return _("Something was recorded on the case")


@dataclass(frozen=True)
class Entry:
    at: object
    actor: object
    text: str
    note: str
    count: int


def _fold_key(event):
    return (event.kind, event.actor_id, timezone.localdate(event.at))


def entries(events):
    """The timeline's lines, newest first, with repeated network rows folded."""
    lines = []
    group = []
    for event in events:
        if group and event.kind in FOLDED_KINDS and _fold_key(event) == _fold_key(group[0]):
            group.append(event)
            continue
        if group:
            lines.append(_entry(group))
        group = [event]
    if group:
        lines.append(_entry(group))
    return lines


def _entry(group):
    first = group[0]
    return Entry(
        at=first.at,
        actor=first.actor,
        text=sentence(first, len(group)),
        note=first.explanation if len(group) == 1 else "",
        count=len(group),
    )


# The referrals app's own events.


@describe("created")
def _created(details, count):
    return _("Referral created")


@describe("family_linked")
def _family_linked(details, count):
    return _("Linked to an earlier case of the family: %(reference)s") % {
        "reference": details.get("reference") or "-"
    }


@describe("family_unlinked")
def _family_unlinked(details, count):
    return _("Link to an earlier case of the family removed (%(reference)s)") % {
        "reference": details.get("reference") or "-"
    }


@describe("updated")
def _updated(details, count):
    return _("Details of the referral changed")


@describe("consent_recorded")
def _consent(details, count):
    given_by = details.get("given_by")
    if given_by:
        return _("Consent recorded, given by %(name)s") % {"name": given_by}
    return _("Consent recorded")


@describe("imported")
def _imported(details, count):
    return _("Taken over from an earlier register")


@describe("network_added")
def _network_added(details, count):
    return ngettext(
        "%(count)d person added to the network",
        "%(count)d people added to the network",
        count,
    ) % {"count": count}


@describe("network_changed")
def _network_changed(details, count):
    return ngettext(
        "Details of %(count)d person in the network changed",
        "Details of %(count)d people in the network changed",
        count,
    ) % {"count": count}


@describe("network_removed")
def _network_removed(details, count):
    return ngettext(
        "%(count)d person removed from the network",
        "%(count)d people removed from the network",
        count,
    ) % {"count": count}


# The coordinators app records these through referrals' services; their codes are
# coordinator codes, which are no personal data.


@describe("coordinator_proposed")
def _proposed(details, count):
    return _("Coordinator %(code)s proposed") % {"code": details.get("coordinator", "")}


@describe("coordinator_declined")
def _declined(details, count):
    return _("Coordinator %(code)s said no") % {"code": details.get("coordinator", "")}


@describe("proposal_withdrawn")
def _withdrawn(details, count):
    return _("Proposal of coordinator %(code)s withdrawn") % {
        "code": details.get("coordinator", "")
    }


@describe("conflict_recorded")
def _conflict(details, count):
    return _("Conflict of interest of coordinator %(code)s recorded") % {
        "code": details.get("coordinator", "")
    }


def day(value):
    """An ISO date or moment from an event's details, in the active locale."""
    if not value:
        return ""
    try:
        if "T" in value:
            return formatting.moment(timezone.localtime(datetime.fromisoformat(value)))
        return formatting.day(date.fromisoformat(value))
    except (TypeError, ValueError):
        return ""
