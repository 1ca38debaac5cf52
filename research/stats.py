"""The statistics contract of INTERCHANGE.md, computed in the database.

A cohort is every case whose ``referred_on`` lies in [from, to] (inclusive, open
ended when absent) and that matches the filters. Only a case's first held
conference of kind family_group or restorative is "its conference"; follow-up
conferences are counted apart. A case's plan is its current (latest) version.

Counts are whole numbers; rates and shares are fractions rounded to 3 decimals,
means and medians rounded to 2; anything with nothing to compute it over is
``None`` (never 0), and an empty breakdown is ``{}``. The number of queries is
fixed, whatever the size of the cohort.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from statistics import median

from django.db import connection
from django.db.models import Avg, Count, F, Field, ForeignKey, Lookup, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber

from conferences.models import (
    FIRST_CONFERENCE_KINDS,
    Attendance,
    Conference,
    ConferenceKind,
    ConferenceStatus,
    Participant,
)
from ekc.db_routers import research_reads
from plans.models import (
    ACCEPTED_DECISIONS,
    Agreement,
    AgreementStatus,
    CarriedBy,
    EvaluationItem,
    FamilyPlan,
    Outcome,
)
from referrals.models import Referral, Relation
from research.models import Respondent, SurveyResponse


@dataclass(frozen=True)
class Filters:
    """What a cohort is made of. Region and organisation type match by name / code."""

    date_from: object = None
    date_to: object = None
    region: str | None = None
    occasion: str | None = None
    organization_type: str | None = None
    conference_kind: str | None = None
    region_ids: tuple | None = None  # limits a regional manager to their own regions


def filters_to_json(filters):
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value
        for key, value in dataclasses.asdict(filters).items()
    }


def filters_from_json(data):
    values = dict(data)
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = datetime.date.fromisoformat(values[key])
    if values.get("region_ids") is not None:
        values["region_ids"] = tuple(values["region_ids"])
    return Filters(**values)


def rate(part, whole):
    return round(part / whole, 3) if whole else None


def mean_of(values, places=2):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), places) if values else None


def median_of(values):
    values = [v for v in values if v is not None]
    return round(float(median(values)), 2) if values else None


def _round(value, places=2):
    return round(float(value), places) if value is not None else None


def cohort(filters):
    cases = Referral.objects.filter(referred_on__isnull=False)
    if filters.date_from:
        cases = cases.filter(referred_on__gte=filters.date_from)
    if filters.date_to:
        cases = cases.filter(referred_on__lte=filters.date_to)
    if filters.region:
        cases = cases.filter(region__name=filters.region)
    if filters.region_ids is not None:
        cases = cases.filter(region__in=filters.region_ids)
    if filters.occasion:
        cases = cases.filter(occasion=filters.occasion)
    if filters.organization_type:
        cases = cases.filter(organization__type=filters.organization_type)
    return cases


def _first_conference_subquery():
    return Subquery(
        Conference.objects.filter(
            referral=OuterRef("pk"), kind__in=FIRST_CONFERENCE_KINDS, status=ConferenceStatus.HELD
        )
        .order_by("held_on", "pk")
        .values("pk")[:1]
    )


def _current_plan_subquery():
    return Subquery(
        FamilyPlan.objects.filter(referral=OuterRef("pk")).order_by("-version").values("pk")[:1]
    )


@dataclass
class Scope:
    """The querysets a cohort's figures are computed from (none evaluated yet)."""

    cases: object
    case_ids: object
    with_conference: object
    own_conference_ids: object
    plan_ids: object


def scope(filters):
    cases = cohort(filters).annotate(first_conference=_first_conference_subquery())
    if filters.conference_kind:
        # Cases whose own conference is of this kind (the dashboard's filter).
        kind_ids = Conference.objects.filter(kind=filters.conference_kind).values("pk")
        cases = cases.filter(first_conference__in=kind_ids)
    with_conference = cases.filter(first_conference__isnull=False)
    own = with_conference.annotate(current_plan=_current_plan_subquery())
    if connection.vendor == "postgresql":
        # Find each case's own conference and current plan once, instead of again in
        # every figure's query (that made the statistics 14 times slower at 100,000
        # cases). The ids go back as one array parameter each (see AnyOf).
        pairs = list(own.order_by().values_list("first_conference", "current_plan"))
        own_conference_ids = [conference for conference, _plan in pairs]
        plan_ids = [plan for _conference, plan in pairs if plan is not None]
    else:
        own_conference_ids = with_conference.values("first_conference")
        plan_ids = own.filter(current_plan__isnull=False).values("current_plan")
    return Scope(
        cases=cases,
        case_ids=cases.values("pk"),
        with_conference=with_conference,
        own_conference_ids=own_conference_ids,
        plan_ids=plan_ids,
    )


class AnyOf(Lookup):
    """``field = ANY(%s)`` with a list of ids as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


Field.register_lookup(AnyOf)
ForeignKey.register_lookup(AnyOf)


def within(field, ids):
    """``field`` is one of ``ids``: a list of ids (PostgreSQL) or a subquery."""
    lookup = "any_of" if isinstance(ids, list) else "in"
    return Q(**{f"{field}__{lookup}": ids})


@research_reads()
def compute(filters=None, parts=None):
    """Every figure of the statistics contract for the cohort given by ``filters``
    (``parts``: its scope, when the caller has it already)."""
    filters = filters or Filters()
    parts = parts or scope(filters)
    cases, case_ids = parts.cases, parts.case_ids
    own_conference_ids, with_conference = parts.own_conference_ids, parts.with_conference

    counts = cases.aggregate(
        referrals=Count("pk"),
        stopped=Count("pk", filter=~Q(stop_reason="")),
        repeat_referrals=Count("pk", filter=Q(previous__isnull=False)),
    )
    conferences_held = (
        len(own_conference_ids) if isinstance(own_conference_ids, list) else with_conference.count()
    )
    stop_reasons = dict(
        cases.exclude(stop_reason="")
        .order_by()
        .values_list("stop_reason")
        .annotate(n=Count("pk"))
        .values_list("stop_reason", "n")
    )

    conferences = Conference.objects.filter(within("pk", own_conference_ids))
    days = sorted(
        (held - referred).days
        for held, referred in conferences.values_list("held_on", "referral__referred_on")
    )
    per_conference = list(
        conferences.annotate(
            family=Count(
                "participants",
                filter=Q(participants__attendance=Attendance.ATTENDED)
                & ~Q(participants__relation=Relation.PROFESSIONAL),
            ),
            pros=Count(
                "participants",
                filter=Q(
                    participants__attendance=Attendance.ATTENDED,
                    participants__relation=Relation.PROFESSIONAL,
                ),
            ),
        ).values_list("family", "pros")
    )
    participants = Participant.objects.filter(within("conference_id", own_conference_ids))
    attendance = participants.aggregate(
        counted=Count(
            "pk",
            filter=~Q(relation=Relation.PROFESSIONAL)
            & Q(attendance__in=[Attendance.ATTENDED, Attendance.DECLINED, Attendance.ABSENT]),
        ),
        away=Count(
            "pk",
            filter=~Q(relation=Relation.PROFESSIONAL)
            & Q(attendance__in=[Attendance.DECLINED, Attendance.ABSENT]),
        ),
        excluded=Count("pk", filter=Q(attendance=Attendance.EXCLUDED)),
    )
    duration = conferences.filter(duration_minutes__isnull=False).aggregate(
        mean=Avg("duration_minutes")
    )
    follow_ups = Conference.objects.filter(
        referral__in=case_ids, kind=ConferenceKind.FOLLOW_UP, status=ConferenceStatus.HELD
    ).count()

    plan_ids = parts.plan_ids
    plans = FamilyPlan.objects.filter(within("pk", plan_ids))
    plan_counts = plans.aggregate(
        plans=Count("pk", distinct=True),
        decided=Count("pk", filter=Q(decision__isnull=False), distinct=True),
        accepted=Count("pk", filter=Q(decision__decision__in=ACCEPTED_DECISIONS), distinct=True),
        with_evaluation=Count("pk", filter=Q(evaluation_moments__isnull=False), distinct=True),
    )
    agreements = Agreement.objects.filter(within("plan_id", plan_ids))
    agreement_counts = agreements.aggregate(
        total=Count("pk"),
        network=Count("pk", filter=Q(carried_by=CarriedBy.NETWORK)),
        professional=Count("pk", filter=Q(carried_by=CarriedBy.PROFESSIONAL)),
    )
    domains_per_plan = list(
        agreements.order_by()
        .values("plan")
        .annotate(domains=Count("life_domain", distinct=True))
        .values_list("domains", flat=True)
    )
    requests = dict(
        agreements.filter(carried_by=CarriedBy.PROFESSIONAL)
        .order_by()
        .values_list("organization_type")
        .annotate(n=Count("pk"))
        .values_list("organization_type", "n")
    )
    # Each agreement's latest evaluated status: the first item per agreement, newest
    # evaluation first (one pass, not a lookup per agreement).
    latest_items = (
        EvaluationItem.objects.filter(within("agreement__plan_id", plan_ids))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("agreement"),
                order_by=[F("evaluation__held_on").desc(), F("evaluation__pk").desc()],
            )
        )
        .filter(rank=1)
    )
    statuses = latest_items.aggregate(
        with_status=Count("pk", filter=Q(status__isnull=False)),
        done=Count("pk", filter=Q(status=AgreementStatus.DONE)),
    )

    grades = {}
    for row in (
        SurveyResponse.objects.filter(referral__in=case_ids)
        .order_by()
        .values("respondent")
        .annotate(
            conference=Avg("grade_conference"),
            plan=Avg("grade_plan"),
            coordinator=Avg("grade_coordinator"),
            n=Count("pk"),
        )
    ):
        grades[row["respondent"]] = {
            "conference": _round(row["conference"]),
            "plan": _round(row["plan"]),
            "coordinator": _round(row["coordinator"]),
            "n": row["n"],
        }
    grades = {key: grades[key] for key in Respondent.values if key in grades}
    outcomes = dict(
        Outcome.objects.filter(referral__in=case_ids)
        .order_by()
        .values_list("code")
        .annotate(n=Count("referral", distinct=True))
        .values_list("code", "n")
    )

    referrals = counts["referrals"]
    plan_total = plan_counts["plans"]
    total_agreements = agreement_counts["total"]
    return {
        "referrals": referrals,
        "conferences_held": conferences_held,
        "conference_rate": rate(conferences_held, referrals),
        "stopped": counts["stopped"],
        "stop_reasons": dict(sorted(stop_reasons.items())),
        "days_to_conference": {"mean": mean_of(days), "median": median_of(days)},
        "participants": {
            "mean": mean_of([family for family, _pro in per_conference]),
            "median": median_of([family for family, _pro in per_conference]),
        },
        "professionals": {"mean": mean_of([pro for _family, pro in per_conference])},
        "not_attending_rate": rate(attendance["away"], attendance["counted"]),
        "excluded": attendance["excluded"],
        "duration_minutes": {"mean": _round(duration["mean"])},
        "follow_up_conferences": follow_ups,
        "plans": plan_total,
        "plan_rate": rate(plan_total, conferences_held),
        "accepted_rate": rate(plan_counts["accepted"], plan_counts["decided"]),
        "evaluation_moment_rate": rate(plan_counts["with_evaluation"], plan_total),
        "agreements": {
            "total": total_agreements,
            "mean": round(total_agreements / plan_total, 2) if plan_total else None,
        },
        "network_share": rate(agreement_counts["network"], total_agreements),
        "life_domains": {"mean": mean_of(domains_per_plan)},
        "requests_by_organization_type": {
            code: rate(n, agreement_counts["professional"]) for code, n in sorted(requests.items())
        },
        "agreements_done_rate": rate(statuses["done"], statuses["with_status"]),
        "grades": grades,
        "outcomes": dict(sorted(outcomes.items())),
        "repeat_referrals": counts["repeat_referrals"],
    }
