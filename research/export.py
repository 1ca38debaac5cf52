"""The pseudonymised export in the registration interchange format (INTERCHANGE.md).

Each reference becomes a keyed hash (stable within an installation, never
reversible without the key); no names, addresses, free text or coordinators;
birth years only. Importing an export into an empty installation and exporting
again gives the same records, references aside.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch

from conferences.models import Conference, ConferenceKind, ConferenceStatus
from plans.models import Agreement, EvaluationItem, FamilyPlan
from research.stats import Filters, cohort


def pseudonym(reference):
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), reference.encode(), hashlib.sha256)
    return "P-" + digest.hexdigest()[:18]  # fits the 20 characters of a reference


# A case imported from a pseudonymised export already has a pseudonym as its
# reference: it is written as it is, so an export of an import of an export names
# the cases, and the links between them, as the first export did.
PSEUDONYM = re.compile(r"P-[0-9a-f]{18}")


def exported_reference(reference):
    return reference if PSEUDONYM.fullmatch(reference) else pseudonym(reference)


def _conference(conference):
    return {
        "kind": conference.kind,
        "held_on": conference.held_on.isoformat(),
        "duration_minutes": conference.duration_minutes,
        "language": conference.languages[0] if conference.languages else None,
        "location_type": conference.location_type or None,
        "participants": [
            {"relation": p.relation, "attendance": p.attendance}
            for p in conference.participants.all()
        ],
    }


def _agreement_status(agreement):
    items = sorted(
        agreement.evaluations.all(), key=lambda i: (i.evaluation.held_on, i.evaluation.pk)
    )
    return items[-1].status if items else None


def _plan(plan):
    decision = getattr(plan, "decision", None)
    moments = sorted(plan.evaluation_moments.all(), key=lambda m: m.due_on)
    return {
        "decision": decision.decision if decision else None,
        "evaluation_on": moments[0].due_on.isoformat() if moments else None,
        "agreements": [
            {
                "life_domain": a.life_domain,
                "carried_by": a.carried_by,
                "organization_type": a.organization_type or None,
                "status": _agreement_status(a),
            }
            for a in plan.agreements.all()
        ],
    }


def export_records(filters=None):
    """One dict per case of the cohort, in the interchange format, pseudonymised.

    Streams in chunks with a fixed number of queries per chunk, so memory stays flat.
    """
    filters = filters or Filters()
    held = Conference.objects.filter(status=ConferenceStatus.HELD).order_by("held_on", "pk")
    plans = (
        FamilyPlan.objects.select_related("decision")
        .order_by("-version")
        .prefetch_related(
            "evaluation_moments",
            Prefetch(
                "agreements",
                queryset=Agreement.objects.order_by("position", "pk").prefetch_related(
                    Prefetch(
                        "evaluations", queryset=EvaluationItem.objects.select_related("evaluation")
                    )
                ),
            ),
        )
    )
    # The earlier case of the family, by its pseudonym when it is in this file too
    # and referred before (so on an earlier line, as the import requires), else null.
    earlier_in_file = cohort(filters).filter(
        pk=OuterRef("previous_id"), referred_on__lt=OuterRef("referred_on")
    )
    cases = (
        cohort(filters)
        .annotate(
            previous_in_file=Exists(earlier_in_file),
            previous_reference=F("previous__reference"),
            previous_pseudonym=F("previous__pseudonym"),
        )
        .select_related("region", "organization")
        .prefetch_related(
            "main_persons",
            Prefetch("conferences", queryset=held.prefetch_related("participants"), to_attr="held"),
            Prefetch("plans", queryset=plans, to_attr="versions"),
            "survey_responses",
            "outcomes",
        )
        .order_by("referred_on", "pk")
    )
    for referral in cases.iterator(chunk_size=500):
        first = next((c for c in referral.held if c.is_first), None)
        follow_ups = [c for c in referral.held if c.kind == ConferenceKind.FOLLOW_UP]
        plan = referral.versions[0] if referral.versions and first else None
        yield {
            "reference": referral.pseudonym
            or exported_reference(referral.reference or f"draft-{referral.pk}"),
            "region": referral.region.name,
            "organization": {
                "name": referral.organization.name,
                "type": referral.organization.type,
            },
            "occasion": referral.occasion,
            "referred_on": referral.referred_on.isoformat(),
            "languages": list(referral.languages or []),
            "main_persons": [
                {"birth_year": p.birth_year, "sex": p.sex or None, "is_child": p.is_child}
                for p in referral.main_persons.all()
            ],
            "coordinator": None,
            "stop_reason": referral.stop_reason or None,
            "conference": _conference(first) if first else None,
            "follow_ups": [_conference(c) for c in follow_ups] if first else [],
            "plan": _plan(plan) if plan else None,
            "surveys": [
                {
                    "respondent": s.respondent,
                    "grade_conference": s.grade_conference,
                    "grade_plan": s.grade_plan,
                    "grade_coordinator": s.grade_coordinator,
                }
                for s in sorted(referral.survey_responses.all(), key=lambda s: s.pk)
            ],
            "outcomes": sorted({o.code for o in referral.outcomes.all()}),
            "previous_reference": _previous(referral),
        }


def _previous(referral):
    if not referral.previous_in_file:
        return None
    return referral.previous_pseudonym or exported_reference(referral.previous_reference)
