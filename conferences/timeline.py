"""Sentences for the conference's events in the case timeline."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from referrals.timeline import day, describe


@describe("follow_up_scheduled")
def _follow_up_scheduled(details, count):
    starts_at = day(details.get("starts_at"))
    if starts_at:
        return _("Follow-up conference scheduled for %(moment)s") % {"moment": starts_at}
    return _("Follow-up conference scheduled")


@describe("follow_up_held")
def _follow_up_held(details, count):
    return _("Follow-up conference held")


@describe("conference_changed")
def _changed(details, count):
    starts_at = day(details.get("starts_at"))
    if starts_at:
        return _("Conference moved to %(moment)s") % {"moment": starts_at}
    return _("Details of the conference changed")


@describe("invitations_changed")
def _invitations(details, count):
    changed = len(details.get("invitations") or {})
    return ngettext(
        "Invitation of %(count)d person in the network updated",
        "Invitations of %(count)d people in the network updated",
        changed,
    ) % {"count": changed}


# Notes between the regional manager and the coordinator: the sentence says that
# there is one, never what it says (the timeline is read by more people).


@describe("oversight_comment")
def _oversight_comment(details, count):
    contact_on = day(details.get("contact_on"))
    if contact_on:
        return _("Regional manager commented on the contact of %(day)s") % {"day": contact_on}
    return _("Regional manager commented on the preparation")


@describe("advice_requested")
def _advice_requested(details, count):
    return _("Coordinator asked the regional manager for advice")


@describe("oversight_comment_answered")
def _oversight_comment_answered(details, count):
    return _("Coordinator answered the regional manager's comment")


@describe("advice_answered")
def _advice_answered(details, count):
    return _("Regional manager answered the request for advice")
