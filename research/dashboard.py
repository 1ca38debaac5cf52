"""What the research dashboard shows beyond the contract: counts behind each figure
(n, and how many are missing), and the series the charts are drawn from."""

import dataclasses
import datetime
import hashlib

from django.conf import settings
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncQuarter
from django.tasks import task
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from conferences.models import Conference
from ekc import formatting
from ekc.db_routers import research_reads
from ekc.models import OrganizationType
from plans.models import ACCEPTED_DECISIONS, Agreement, FamilyPlan, LifeDomain, OutcomeCode
from referrals.models import CaseEvent, StopReason
from research import charts, mkba
from research.models import (
    CostBenefitAssumption,
    DashboardSnapshot,
    Respondent,
    SurveyResponse,
)
from research.stats import (
    compute,
    filters_from_json,
    filters_to_json,
    scope,
    within,
)


def data_version():
    """Changes whenever anything the figures are made of changes: every change of a
    case writes a case event, survey responses and cost assumptions are counted apart."""
    return (
        CaseEvent.objects.aggregate(v=Max("pk"))["v"],
        SurveyResponse.objects.aggregate(v=Max("pk"))["v"],
        tuple(CostBenefitAssumption.objects.values_list("key", "euros")),
    )


# A refresh that has not finished after this long (a worker died) is asked again.
REFRESH_RETRY = datetime.timedelta(minutes=10)
# Snapshots of selections nobody has looked at for this long are removed.
SNAPSHOT_DAYS = 30


@research_reads()
def current_version():
    """A short fingerprint of data_version() (the cost assumptions can be many)."""
    return hashlib.sha256(repr(data_version()).encode()).hexdigest()


def snapshot_for(filters):
    """The stored figures of a selection in the current language; a refresh is queued
    in the background when there are none yet or the data has changed since.

    Returns ``(snapshot, data, charts)``; ``data`` and ``charts`` are None until the
    first computation is done. A stale snapshot is shown (with its time) meanwhile.
    """
    language = get_language()
    key = hashlib.sha256(repr((dataclasses.astuple(filters), language)).encode()).hexdigest()
    snapshot, _created = DashboardSnapshot.objects.get_or_create(
        key=key, defaults={"filters": filters_to_json(filters), "language": language}
    )
    snapshot.is_current = snapshot.payload is not None and snapshot.version == current_version()
    if not snapshot.is_current and _due(snapshot) and _claim_refresh(snapshot):
        refresh_dashboard.enqueue(snapshot.pk)
        # With a task worker this is done later; with the immediate backend, now.
        snapshot.refresh_from_db()
        snapshot.is_current = snapshot.payload is not None and snapshot.requested_at is None
    if snapshot.payload is None:
        return snapshot, None, None
    data, charts = snapshot.payload
    return snapshot, data, charts


def _due(snapshot):
    """Busy regions change their data all day: figures are recomputed at most once
    every DASHBOARD_REFRESH_MINUTES per selection, not on every visit."""
    if snapshot.computed_at is None:
        return True
    wait = datetime.timedelta(minutes=settings.DASHBOARD_REFRESH_MINUTES)
    return snapshot.computed_at <= timezone.now() - wait


def _claim_refresh(snapshot):
    """True for the one request that queues the refresh (others see it queued)."""
    now = timezone.now()
    return bool(
        DashboardSnapshot.objects.filter(pk=snapshot.pk)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - REFRESH_RETRY))
        .update(requested_at=now)
    )


def _plain(value):
    """The figures as plain JSON values, translated labels as text in the snapshot's
    language. Stored as JSON, never pickle: reading a column must not run code."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


@task()
def refresh_dashboard(snapshot_id):
    """The background task: computes a selection's figures and charts and stores them."""
    snapshot = DashboardSnapshot.objects.get(pk=snapshot_id)
    with translation.override(snapshot.language):
        # The version first: a change during the computation triggers another refresh.
        version = current_version()
        data = figures(filters_from_json(snapshot.filters))
        payload = _plain([data, chart_images(data)])
    now = timezone.now()
    DashboardSnapshot.objects.filter(pk=snapshot_id).update(
        payload=payload, version=version, computed_at=now, requested_at=None
    )
    DashboardSnapshot.objects.filter(
        requested_at__isnull=True, computed_at__lt=now - datetime.timedelta(days=SNAPSHOT_DAYS)
    ).delete()


@research_reads()
def figures(filters):
    parts = scope(filters)
    stats = compute(filters, parts)
    conferences = Conference.objects.filter(within("pk", parts.own_conference_ids))
    n = conferences.aggregate(
        total=Count("pk"), with_duration=Count("pk", filter=Q(duration_minutes__isnull=False))
    )
    domains = dict(
        Agreement.objects.filter(within("plan_id", parts.plan_ids))
        .order_by()
        .values_list("life_domain")
        .annotate(count=Count("pk"))
        .values_list("life_domain", "count")
    )
    quarters = list(
        parts.cases.annotate(quarter=TruncQuarter("referred_on"))
        .order_by("quarter")
        .values("quarter")
        .annotate(
            referrals=Count("pk"),
            conferences=Count("pk", filter=Q(first_conference__isnull=False)),
        )
    )
    days = [
        (held - referred).days
        for held, referred in conferences.values_list("held_on", "referral__referred_on")
    ]
    missing_grades = {
        row["respondent"]: row
        for row in SurveyResponse.objects.filter(referral__in=parts.case_ids)
        .order_by()
        .values("respondent")
        .annotate(
            conference=Count("pk", filter=Q(grade_conference__isnull=True)),
            plan=Count("pk", filter=Q(grade_plan__isnull=True)),
            coordinator=Count("pk", filter=Q(grade_coordinator__isnull=True)),
        )
    }
    accepted = FamilyPlan.objects.filter(
        within("pk", parts.plan_ids), decision__decision__in=ACCEPTED_DECISIONS
    ).count()
    return {
        "stats": stats,
        "mkba": mkba.estimate(stats),
        "days_buckets": _buckets(days),
        "accepted_plans": accepted,
        "labelled": {
            "stop_reasons": [(StopReason(c).label, n) for c, n in stats["stop_reasons"].items()],
            "requests": [
                (OrganizationType(c).label, share)
                for c, share in stats["requests_by_organization_type"].items()
            ],
            "grades": [
                (Respondent(c).label, g, missing_grades.get(c, {}))
                for c, g in stats["grades"].items()
            ],
            "outcomes": [(OutcomeCode(c).label, n) for c, n in stats["outcomes"].items()],
        },
        "n": {
            "conferences": n["total"],
            "duration_missing": n["total"] - n["with_duration"],
        },
        "life_domains": [
            (LifeDomain(code).label, domains[code]) for code in LifeDomain.values if code in domains
        ],
        "quarters": [
            (
                formatting.day(row["quarter"], "QQQ y"),
                row["referrals"],
                row["conferences"],
            )
            for row in quarters
        ],
    }


DAY_BUCKETS = [(0, 14), (15, 28), (29, 42), (43, 56), (57, None)]


def _buckets(days):
    """How many conferences came within 2, 4, 6, 8 weeks, or later."""
    counts = []
    for low, high in DAY_BUCKETS:
        label = f"{low}-{high}" if high is not None else f"{low}+"
        counts.append((label, sum(1 for d in days if d >= low and (high is None or d <= high))))
    return counts


def chart_images(data):
    """The dashboard's charts as data URIs, with a text alternative each."""
    stats = data["stats"]
    images = []
    if stats["referrals"]:
        steps = [
            (_("Referrals"), stats["referrals"]),
            (_("Conference"), stats["conferences_held"]),
            (_("Plan"), stats["plans"]),
            (_("Accepted"), data["accepted_plans"]),
        ]
        images.append(
            {
                "title": _("From referral to accepted plan"),
                "svg": charts.bar_chart(
                    [s for s, _v in steps],
                    [v for _s, v in steps],
                    title=_("From referral to accepted plan"),
                ),
                "alt": ", ".join(f"{s}: {formatting.number(v)}" for s, v in steps),
            }
        )
    if stats["grades"]:
        groups = [str(Respondent(code).label) for code in stats["grades"]]
        series = {
            _("Conference"): [g["conference"] for g in stats["grades"].values()],
            _("Plan"): [g["plan"] for g in stats["grades"].values()],
            _("Coordinator"): [g["coordinator"] for g in stats["grades"].values()],
        }
        images.append(
            {
                "title": _("Grades per respondent group"),
                "svg": charts.grouped_bars(groups, series, title=_("Grades per respondent group")),
                "alt": "; ".join(
                    f"{g}: {', '.join(formatting.number(v[i]) for v in series.values())}"
                    for i, g in enumerate(groups)
                ),
            }
        )
    if data["life_domains"]:
        labels = [str(label) for label, _count in data["life_domains"]]
        values = [count for _label, count in data["life_domains"]]
        images.append(
            {
                "title": _("Agreements per life domain"),
                "svg": charts.bar_chart(
                    labels,
                    values,
                    title=_("Agreements per life domain"),
                    horizontal=True,
                    color=charts.GREEN,
                ),
                "alt": ", ".join(
                    f"{k}: {formatting.number(v)}" for k, v in zip(labels, values, strict=True)
                ),
            }
        )
    if stats["network_share"] is not None:
        network = stats["network_share"]
        images.append(
            {
                "title": _("Carried by the network or asked of professionals"),
                "svg": charts.bar_chart(
                    [_("Network"), _("Professionals")],
                    [round(network * 100, 1), round((1 - network) * 100, 1)],
                    title=_("Carried by the network or asked of professionals (%)"),
                    value_format=lambda value: formatting.percent(value / 100, 1),
                ),
                "alt": f"{_('Network')}: {formatting.percent(network)}",
            }
        )
    if any(count for _label, count in data["days_buckets"]):
        labels = [label for label, _count in data["days_buckets"]]
        values = [count for _label, count in data["days_buckets"]]
        images.append(
            {
                "title": _("Days from referral to conference"),
                "svg": charts.bar_chart(
                    labels, values, title=_("Days from referral to conference"), color=charts.ORANGE
                ),
                "alt": ", ".join(
                    f"{k}: {formatting.number(v)}" for k, v in zip(labels, values, strict=True)
                ),
            }
        )
    if len(data["quarters"]) == 1:
        # One quarter is no trend: two lone dots say less than a sentence.
        quarter, referrals, held = data["quarters"][0]
        images.append(
            {
                "title": _("Trend per quarter"),
                "sentence": _(
                    "All cases in this selection were referred in %(quarter)s: "
                    "%(referrals)s referred, %(held)s with a conference. "
                    "A trend needs two quarters or more."
                )
                % {
                    "quarter": quarter,
                    "referrals": formatting.number(referrals),
                    "held": formatting.number(held),
                },
            }
        )
    elif data["quarters"]:
        labels = [q for q, _r, _c in data["quarters"]]
        images.append(
            {
                "title": _("Trend per quarter"),
                "svg": charts.line_chart(
                    labels,
                    {
                        _("Referrals"): [r for _q, r, _c in data["quarters"]],
                        _("Conferences"): [c for _q, _r, c in data["quarters"]],
                    },
                    title=_("Trend per quarter"),
                ),
                "alt": "; ".join(
                    f"{q}: {formatting.number(r)} / {formatting.number(c)}"
                    for q, r, c in data["quarters"]
                ),
            }
        )
    for image in images:
        if "svg" in image:
            image["uri"] = charts.data_uri(image.pop("svg"))
    return images
