"""Ranking the coordinators who can take a case (rank_coordinators).

Hard rules (INTERCHANGE.md) decide who is listed at all: active; serves the
case's region; not on leave on the day judged; fewer active cases than their
maximum; no declared conflict of interest with the family (on this case or on a
linked earlier case of the family, a decline for a conflict included); has not
declined this case.

Among those listed, everyone who speaks one of the family's languages ranks
above everyone who speaks none. Then, in this order of weight: lower workload,
experience with the occasion, and the longest time since their last assignment
(a fair spread of volunteer work). Ties are broken by coordinator code, so the
same data always gives the same order. One query, whatever the pool size.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coordinators.models import Assignment, ConflictOfInterest, Coordinator, DeclineReason, Leave
from ekc.languages import language_name
from referrals.lifecycle import COORDINATOR_ACTIVE, CURRENT_ASSIGNMENT, AssignmentStatus
from referrals.selectors import earlier_case_ids

# How long without an assignment counts as "fully rested" for the fairness term.
FAIRNESS_HORIZON_DAYS = 90


@dataclass
class Candidate:
    coordinator: Coordinator
    score: float
    speaks: list
    active_cases: int
    experienced: bool
    days_since_last: int | None
    reasons: list = field(default_factory=list)
    family_languages: list = field(default_factory=list)

    @property
    def display_reasons(self):
        """The reasons for a page: languages by name ("spreekt Turks"), not by code.

        ``reasons`` keeps the codes, as the interchange contract's matching output does.
        """
        return _reasons(self, self.family_languages, name=language_name)

    def as_json(self):
        return {"coordinator": self.coordinator.code, "score": self.score, "reasons": self.reasons}


def active_cases_filter():
    """Assignments that take up one of a coordinator's places."""
    return Q(
        assignments__status__in=CURRENT_ASSIGNMENT,
        assignments__referral__status__in=COORDINATOR_ACTIVE,
    )


def eligible_coordinators(referral, on_date):
    """The coordinators the hard rules allow for ``referral`` on ``on_date``, annotated."""
    on_leave = Leave.objects.filter(
        coordinator=OuterRef("pk"), start__lte=on_date, end__gte=on_date
    )
    # A conflict with the family carries over from its earlier cases: declared, or
    # the reason a coordinator declined one. A decline for another reason does not.
    earlier = earlier_case_ids(referral)
    conflicted = ConflictOfInterest.objects.filter(
        coordinator=OuterRef("pk"), referral__in=[referral.pk, *earlier]
    )
    declined_for_conflict = Assignment.objects.filter(
        coordinator=OuterRef("pk"),
        referral__in=earlier,
        status=AssignmentStatus.DECLINED,
        decline_reason=DeclineReason.CONFLICT,
    )
    declined = Assignment.objects.filter(
        coordinator=OuterRef("pk"), referral=referral, status=AssignmentStatus.DECLINED
    )
    return (
        Coordinator.objects.filter(
            active=True,
            user__is_active=True,
            user__regions=referral.region_id,
        )
        .exclude(Exists(on_leave))
        .exclude(Exists(conflicted))
        .exclude(Exists(declined_for_conflict))
        .exclude(Exists(declined))
        .annotate(
            active_cases=Count("assignments", filter=active_cases_filter(), distinct=True),
            last_assigned_at=Max(
                "assignments__proposed_at",
                filter=Q(assignments__status__in=[*CURRENT_ASSIGNMENT, AssignmentStatus.ENDED]),
            ),
        )
        .filter(active_cases__lt=F("max_active_cases"))
        .select_related("user")
    )


def family_conflicts(referral):
    """The coordinators of the case's region who are left out for a conflict of
    interest recorded on one of the family's earlier cases (the page says why)."""
    earlier = earlier_case_ids(referral)
    if not earlier:
        return []
    return list(
        Coordinator.objects.filter(user__regions=referral.region_id)
        .filter(
            Exists(
                ConflictOfInterest.objects.filter(coordinator=OuterRef("pk"), referral__in=earlier)
            )
            | Exists(
                Assignment.objects.filter(
                    coordinator=OuterRef("pk"),
                    referral__in=earlier,
                    status=AssignmentStatus.DECLINED,
                    decline_reason=DeclineReason.CONFLICT,
                )
            )
        )
        .select_related("user")
        .order_by("code")
    )


def rank_coordinators(referral, on_date=None):
    """Eligible coordinators for ``referral``, best first, each with a score and reasons."""
    on_date = on_date or timezone.localdate()
    family_languages = list(referral.languages or [])
    candidates = []
    for coordinator in eligible_coordinators(referral, on_date):
        speaks = [code for code in family_languages if code in (coordinator.languages or [])]
        experienced = bool(referral.occasion) and referral.occasion in (coordinator.occasions or [])
        days = _days_since(coordinator.last_assigned_at, on_date)
        load = coordinator.active_cases / coordinator.max_active_cases
        rest = 1.0 if days is None else min(days, FAIRNESS_HORIZON_DAYS) / FAIRNESS_HORIZON_DAYS
        # The language term outweighs all others together, so the ordering holds.
        other = 0.5 * (1 - load) + 0.3 * experienced + 0.2 * rest
        score = round(0.5 * bool(speaks) + 0.5 * other, 2)
        candidate = Candidate(
            coordinator=coordinator,
            score=score,
            speaks=speaks,
            active_cases=coordinator.active_cases,
            experienced=experienced,
            days_since_last=days,
        )
        candidate.family_languages = family_languages
        candidate.reasons = _reasons(candidate, family_languages)
        candidates.append((bool(speaks), other, candidate))
    candidates.sort(key=lambda item: (not item[0], -item[1], item[2].coordinator.code))
    return [candidate for _speaks, _other, candidate in candidates]


def needs_interpreter(referral, candidates):
    """True when the family has languages recorded and no candidate speaks any of them."""
    return bool(referral.languages) and not any(c.speaks for c in candidates)


def _days_since(moment, on_date):
    if moment is None:
        return None
    return max((on_date - timezone.localdate(moment)).days, 0)


def _reasons(candidate, family_languages, name=str):
    """Why a candidate ranks where they do; ``name`` shows a language (its code by default)."""
    reasons = []
    if candidate.speaks:
        languages = ", ".join(name(code) for code in candidate.speaks)
        reasons.append(_("speaks %(languages)s") % {"languages": languages})
    elif family_languages:
        reasons.append(_("speaks none of the family's languages"))
    reasons.append(
        _("%(taken)s of %(places)s places taken")
        % {"taken": candidate.active_cases, "places": candidate.coordinator.max_active_cases}
    )
    if candidate.experienced:
        reasons.append(_("experience with this occasion"))
    if candidate.days_since_last is None:
        reasons.append(_("no case yet"))
    else:
        reasons.append(_last_case(candidate.days_since_last))
    return reasons


def _last_case(days):
    if days == 0:
        return _("last case today")
    return ngettext("last case %(days)s day ago", "last case %(days)s days ago", days) % {
        "days": days
    }
