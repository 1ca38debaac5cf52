"""The regional manager's weekly digest (weekoverzicht), sent on Monday morning.

Each active regional manager who has not switched it off on her profile page gets
one mail per ISO week with what needs her in her regions. The items, computed for
the digest's date ``today`` (normally the Monday; ``start`` is its local midnight):

- **new referrals**: cases that were sent by a referrer or registered in the ISO
  week before the digest's (Monday 00:00 up to Sunday 24:00, local time; also when
  the digest runs late) and are not back with the referrer (a draft or sent back);
- **waiting for a coordinator**: cases registered and without a coordinator who
  accepted (state ``registered``), however long;
- **quiet for 2 weeks**: cases with a coordinator and no conference yet whose last
  contact with the family is 14 days or more before ``today``: in preparation, the
  last contact moment (or the first contact); coordinator assigned, no first
  contact within 14 days of the coordinator's acceptance (the quiet-preparation
  reminder's rule, ``conferences.reminders``, plus the case not started at all);
- **plans waiting for a decision**: current plan versions sent to the referrer and
  not decided yet, of cases not ended;
- **evaluations in the next 2 weeks**: evaluation dates from ``today`` up to 14
  days ahead, not yet evaluated, of accepted plans (``plans.selectors``);
- **help requests waiting more than 4 weeks**: agreements carried by a
  professional whose help has not started, of plans accepted more than 28 days
  before ``start`` (the "Hulpvragen" page's list); one line per case;
- **coordinators without activity for 30 days**: active coordinators (account and
  pool profile) of her regions who in the 30 days before ``start`` did not log in,
  recorded no contact moment and caused no case event, who joined more than 30
  days ago and are not on leave on ``today``.

Each line names the case by reference only (never the family) and links to its
page. A manager with nothing in any item gets no mail; her week is recorded all
the same. Every week is recorded once per manager (``ekc.models.WeeklyDigest``),
so a second run in the same week (or a parallel one) sends nothing.

All items are read for all managers' regions at once: a fixed number of queries,
whatever the number of cases; then one insert per manager.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import ContactMoment
from conferences.reminders import QUIET_DAYS, quiet_preparations
from coordinators.models import Leave
from ekc.mail import send_after_commit
from ekc.models import User, WeeklyDigest
from plans.models import FamilyPlan, PlanStatus
from plans.selectors import evaluations_due_within, waiting_help_requests
from referrals.lifecycle import ENDED, WITH_REFERRER, CaseStatus
from referrals.models import CaseEvent, Referral

logger = logging.getLogger(__name__)

NEW_DAYS = 7
EVALUATION_DAYS = 14
HELP_WAITING_DAYS = 28
COORDINATOR_IDLE_DAYS = 30


@dataclass
class Line:
    """One line of the digest: what it is about, in which region, and its page."""

    region_id: int
    region: str
    title: str  # a case reference or a coordinator's name and code
    url: str
    on: object = None  # the date the line is about
    days: int | None = None
    state: str = ""  # the case's state, as shown
    no_contact_yet: bool = False  # a quiet case whose coordinator never had contact
    count: int = 1


@dataclass
class Section:
    kind: str
    title: str
    lines: list = field(default_factory=list)


SECTIONS = {
    "new_referrals": _("New referrals (last 7 days)"),
    "waiting_for_coordinator": _("Waiting for a coordinator"),
    "quiet_cases": _("No contact with the family for 2 weeks"),
    "plans_awaiting_decision": _("Plans waiting for the referrer's decision"),
    "evaluations_due": _("Evaluations in the next 2 weeks"),
    "help_waiting": _("Help requests waiting more than 4 weeks"),
    "idle_coordinators": _("Coordinators without activity for 30 days"),
}


def week_start(day):
    """The Monday of ``day``'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _url(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _case_line(referral, **extra):
    return Line(
        region_id=referral.region_id,
        region=referral.region.name,
        title=referral.reference,
        url=_url("referrals:detail", referral.pk),
        **extra,
    )


def new_referrals(region_ids, start):
    since = start - datetime.timedelta(days=NEW_DAYS)
    sent = CaseEvent.objects.filter(
        referral=OuterRef("pk"), to_status=CaseStatus.SUBMITTED, at__gte=since, at__lt=start
    )
    cases = (
        Referral.objects.filter(region_id__in=region_ids)
        .annotate(sent_at=Subquery(sent.order_by("at").values("at")[:1]))
        .filter(Q(sent_at__isnull=False) | Q(registered_at__gte=since, registered_at__lt=start))
        .exclude(status__in=WITH_REFERRER)
        .select_related("region")
        .order_by("pk")
    )
    lines = []
    for referral in cases:
        arrived = referral.sent_at or referral.registered_at
        lines.append(
            _case_line(
                referral,
                on=timezone.localdate(arrived),
                state=referral.get_status_display(),
            )
        )
    return sorted(lines, key=lambda line: line.on)


def waiting_for_coordinator(region_ids, today):
    cases = (
        Referral.objects.filter(region_id__in=region_ids, status=CaseStatus.REGISTERED)
        .select_related("region")
        .order_by("registered_at", "pk")
    )
    lines = []
    for referral in cases:
        registered = timezone.localdate(referral.registered_at or referral.status_changed_at)
        lines.append(_case_line(referral, on=registered, days=(today - registered).days))
    return lines


def quiet_cases(region_ids, today, start):
    """Both kinds of quiet case, longest quiet first (``no_contact_yet`` tells them
    apart)."""
    lines = [
        _case_line(
            referral,
            on=referral.last_contact,
            days=(today - referral.last_contact).days,
        )
        for referral in quiet_preparations(today).filter(region_id__in=region_ids)
    ]
    not_started = Referral.objects.filter(
        region_id__in=region_ids,
        status=CaseStatus.COORDINATOR_ASSIGNED,
        status_changed_at__lt=start - datetime.timedelta(days=QUIET_DAYS - 1),
    ).select_related("region")
    for referral in not_started:
        accepted = timezone.localdate(referral.status_changed_at)
        lines.append(
            _case_line(referral, on=accepted, days=(today - accepted).days, no_contact_yet=True)
        )
    return sorted(lines, key=lambda line: (line.on, line.title))


def plans_awaiting_decision(region_ids, today):
    later = FamilyPlan.objects.filter(
        referral=OuterRef("referral"), version__gt=OuterRef("version")
    )
    plans = (
        FamilyPlan.objects.filter(status=PlanStatus.SUBMITTED, referral__region_id__in=region_ids)
        .exclude(referral__status__in=ENDED)
        .filter(~Exists(later))
        .select_related("referral__region")
        .order_by("submitted_at", "pk")
    )
    lines = []
    for plan in plans:
        sent = timezone.localdate(plan.submitted_at or plan.created_at)
        line = _case_line(plan.referral, on=sent, days=(today - sent).days, count=plan.version)
        line.url = _url("plans:plan", plan.referral_id)
        lines.append(line)
    return lines


def evaluations_due(region_ids, today):
    moments = evaluations_due_within(today, EVALUATION_DAYS).filter(
        plan__referral__region_id__in=region_ids
    )
    lines = []
    for moment in moments:
        line = _case_line(moment.plan.referral, on=moment.due_on, days=(moment.due_on - today).days)
        line.url = _url("plans:plan", moment.plan.referral_id)
        lines.append(line)
    return lines


def help_waiting(region_ids, today, start):
    """One line per case: how many requests wait, and since when (the oldest)."""
    cutoff = start - datetime.timedelta(days=HELP_WAITING_DAYS)
    rows = (
        waiting_help_requests()
        .filter(plan__referral__region_id__in=region_ids, plan__decision__decided_at__lt=cutoff)
        .order_by()
        .values(
            "plan__referral_id",
            "plan__referral__reference",
            "plan__referral__region_id",
            "plan__referral__region__name",
        )
        .annotate(waiting=Count("pk"), since=Min("plan__decision__decided_at"))
        .order_by("since", "plan__referral_id")
    )
    lines = []
    for row in rows:
        since = timezone.localdate(row["since"])
        lines.append(
            Line(
                region_id=row["plan__referral__region_id"],
                region=row["plan__referral__region__name"],
                title=row["plan__referral__reference"],
                url=_url("plans:plan", row["plan__referral_id"]),
                on=since,
                days=(today - since).days,
                count=row["waiting"],
            )
        )
    return lines


def idle_coordinators(region_ids, today, start):
    """One line per coordinator and region of hers (a coordinator may serve several)."""
    cutoff = start - datetime.timedelta(days=COORDINATOR_IDLE_DAYS)
    user = OuterRef("user_id")
    memberships = (
        User.regions.through.objects.filter(
            region_id__in=region_ids,
            user__is_active=True,
            user__is_coordinator=True,
            user__coordinator_profile__active=True,
            user__date_joined__lt=cutoff,
        )
        .exclude(user__last_login__gte=cutoff)
        .exclude(Exists(ContactMoment.objects.filter(recorded_by=user, recorded_at__gte=cutoff)))
        .exclude(Exists(CaseEvent.objects.filter(actor=user, at__gte=cutoff)))
        .exclude(
            Exists(Leave.objects.filter(coordinator__user=user, start__lte=today, end__gte=today))
        )
        .select_related("region", "user__coordinator_profile")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    pool = _url("coordinators:pool")
    lines = []
    for membership in memberships:
        coordinator = membership.user
        last_login = coordinator.last_login
        lines.append(
            Line(
                region_id=membership.region_id,
                region=membership.region.name,
                title=f"{coordinator.get_full_name()} ({coordinator.coordinator_profile.code})",
                url=pool,
                on=timezone.localdate(last_login) if last_login else None,
            )
        )
    return lines


def digest_items(region_ids, today):
    """Every item's lines for these regions, on the digest date ``today``."""
    start = _start_of(today)
    return {
        "new_referrals": new_referrals(region_ids, _start_of(week_start(today))),
        "waiting_for_coordinator": waiting_for_coordinator(region_ids, today),
        "quiet_cases": quiet_cases(region_ids, today, start),
        "plans_awaiting_decision": plans_awaiting_decision(region_ids, today),
        "evaluations_due": evaluations_due(region_ids, today),
        "help_waiting": help_waiting(region_ids, today, start),
        "idle_coordinators": idle_coordinators(region_ids, today, start),
    }


def digest_recipients():
    """Active regional managers who want the digest, with their regions."""
    return (
        User.objects.filter(is_regional_manager=True, is_active=True, wants_weekly_digest=True)
        .prefetch_related("regions")
        .order_by("pk")
    )


def sections_for(manager_region_ids, items):
    """The non-empty sections of one manager: only the lines of her regions."""
    sections = []
    for kind, title in SECTIONS.items():
        lines = [line for line in items[kind] if line.region_id in manager_region_ids]
        if lines:
            sections.append(Section(kind=kind, title=title, lines=lines))
    return sections


@dataclass
class Outcome:
    manager: User
    sections: list
    result: str  # "sent", "empty" (recorded, no mail), "done before", "dry run", "failed"

    @property
    def total(self):
        return sum(len(section.lines) for section in self.sections)


def _record_once(manager, monday, total):
    """Record the manager's week; False if it was recorded before (also by a
    parallel run)."""
    try:
        with transaction.atomic():
            WeeklyDigest.objects.create(user=manager, week_start=monday, items=total)
    except IntegrityError:
        return False
    return True


def _send(manager, monday, today, sections, region_ids):
    """Mail one digest; its week is recorded already. The record is committed, so
    the mail goes now (inside a caller's transaction: once that commits). When the
    mail server refuses it, the record goes again, so the next run sends it, and
    the other managers still get theirs."""
    try:
        send_after_commit(
            [manager.email],
            "shell/email/weekly_digest",
            {
                "manager": manager,
                "sections": sections,
                "total": sum(len(section.lines) for section in sections),
                "week": today.isocalendar().week,
                "several_regions": len(region_ids) > 1,
                "today": today,
                "profile_url": _url("profile"),
            },
        )
    except Exception:
        logger.exception("Weekly digest to user %s not sent", manager.pk)
        WeeklyDigest.objects.filter(user=manager, week_start=monday).delete()
        return "failed"
    return "sent"


def send_weekly_digests(today=None, dry_run=False):
    """Send this ISO week's digest to every manager who has not had it yet.

    Returns one ``Outcome`` per recipient. A dry run sends and records nothing.
    The mail goes after the record commits, so a failed run can be run again.
    """
    today = today or timezone.localdate()
    monday = week_start(today)
    managers = list(digest_recipients())
    regions_of = {m.pk: {region.pk for region in m.regions.all()} for m in managers}
    items = digest_items(set().union(*regions_of.values()), today)
    done = set(
        WeeklyDigest.objects.filter(
            week_start=monday, user__in=[manager.pk for manager in managers]
        ).values_list("user_id", flat=True)
    )
    outcomes = []
    for manager in managers:
        sections = sections_for(regions_of[manager.pk], items)
        outcome = Outcome(manager=manager, sections=sections, result="dry run")
        outcomes.append(outcome)
        if manager.pk in done:
            outcome.result = "done before"
        elif dry_run:
            continue
        elif not _record_once(manager, monday, outcome.total):
            outcome.result = "done before"
        elif not sections:
            outcome.result = "empty"
        else:
            outcome.result = _send(manager, monday, today, sections, regions_of[manager.pk])
    return outcomes
