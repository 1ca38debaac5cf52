"""Sentences for the plan's events in the case timeline."""

from django.utils.translation import gettext as _

from referrals.timeline import day, describe


@describe("plan_started")
def _started(details, count):
    return _("Plan started")


@describe("plan_submitted")
def _submitted(details, count):
    return _("Plan (version %(version)s) sent to the referrer for a decision") % {
        "version": details.get("version", 1)
    }


@describe("plan_new_version")
def _new_version(details, count):
    return _("New version %(version)s of the plan started") % {
        "version": details.get("version", "")
    }


@describe("plan_scan_attached")
def _scan_attached(details, count):
    return _("Scan of the signed plan added")


@describe("plan_scan_removed")
def _scan_removed(details, count):
    return _("Scan of the plan removed")


@describe("help_recorded")
def _help(details, count):
    started_on = day(details.get("started_on"))
    if started_on:
        return _("Help from a professional started on %(day)s") % {"day": started_on}
    return _("Recorded that help from a professional has not started")


@describe("evaluation_recorded")
def _evaluation(details, count):
    return _("Evaluation of the plan recorded")
