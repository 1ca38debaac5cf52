"""The registration interchange format (JSON Lines, INTERCHANGE.md): import.

``validate_lines`` checks a whole file and reports every error with its line
number; ``import_lines`` saves nothing when there is any error, and skips cases
whose reference already exists (importing the same file twice changes nothing).

This version imports the case, its region, organisation, occasion, languages,
main persons, coordinator, stop reason, its conference and follow-up conferences
with their participants, the plan with its decision, evaluation date and
agreements, the outcomes, the survey responses and the link to the family's
earlier case: the whole format.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from conferences.models import Conference, ConferenceStatus, Participant
from coordinators.models import Assignment, AssignmentStatus, Coordinator
from ekc.models import Organization, Region
from plans.models import (
    Agreement,
    Decision,
    Evaluation,
    EvaluationDecision,
    EvaluationItem,
    EvaluationMoment,
    FamilyPlan,
    Outcome,
    PlanDecision,
    PlanStatus,
)
from referrals.lifecycle import CaseStatus
from referrals.models import (
    CaseEvent,
    MainPerson,
    ReferenceCounter,
    Referral,
)
from research.models import SurveyResponse
from shell.interchange_schema import case_errors

REFERENCE = re.compile(r"EK-(\d{4})-(\d+)")


@dataclass
class Validation:
    """The result of checking a whole file. Holds no case data, so memory stays flat:
    the import reads the lines again through ``reopen``."""

    reopen: object = None  # a callable giving the lines again
    count: int = 0  # valid cases
    errors: list = field(default_factory=list)  # (line, message)

    @property
    def ok(self):
        return not self.errors


def _date(value):
    if not isinstance(value, str):
        raise ValueError
    return datetime.date.fromisoformat(value)


def validate_lines(lines):
    """Check every line; nothing is written.

    ``lines`` is a list of text lines, or a callable that returns an iterator of
    them (a file opened anew), so that a large file is never held in memory.
    """
    reopen = lines if callable(lines) else (lambda: iter(lines))
    result = Validation(reopen=reopen)
    coordinator_codes = set(Coordinator.objects.values_list("code", flat=True))
    seen = {}  # reference -> (line, referred_on)
    links = []  # (line, referred_on, previous_reference) to check against the installation
    for number, text in enumerate(reopen(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            result.errors.append((number, f"not valid JSON: {exc.msg}"))
            continue
        except RecursionError:
            # The JSON parser gives up on very deep nesting; no case is nested so.
            result.errors.append((number, "not valid JSON: nested too deeply"))
            continue
        errors = case_errors(data, coordinator_codes)
        reference = data.get("reference") if isinstance(data, dict) else None
        referred_on = _valid_date(data.get("referred_on")) if isinstance(data, dict) else None
        if isinstance(reference, str):
            if reference in seen:
                errors.append(f"reference {reference} is also on line {seen[reference][0]}")
            seen.setdefault(reference, (number, referred_on))
        previous = data.get("previous_reference") if isinstance(data, dict) else None
        if isinstance(previous, str) and not errors:
            errors += _link_errors(previous, reference, referred_on, seen, number, links)
        result.errors.extend((number, message) for message in errors)
        if not errors:
            result.count += 1
    _installation_link_errors(links, seen, result)
    return result


def _valid_date(value):
    try:
        return _date(value)
    except ValueError:
        return None


def _link_errors(previous, reference, referred_on, seen, number, links):
    """What is wrong with a case's ``previous_reference`` as far as the file tells;
    a reference not (yet) in the file is looked up in the installation later."""
    if previous == reference:
        return ["previous_reference is the case's own reference"]
    if previous not in seen:
        links.append((number, referred_on, previous))
        return []
    line, earlier_on = seen[previous]
    if earlier_on is not None and referred_on is not None and not earlier_on < referred_on:
        return [f"previous_reference {previous} (line {line}) was not referred before this case"]
    return []


def _installation_link_errors(links, seen, result):
    """The links to cases not on an earlier line: to a case already installed and
    referred before, or an error (unknown, or only on a later line). Each of these
    lines was counted valid so far."""
    installed = {}
    for start in range(0, len(links), CHUNK):
        wanted = [previous for _n, _on, previous in links[start : start + CHUNK]]
        installed.update(
            Referral.objects.filter(reference__in=wanted).values_list("reference", "referred_on")
        )
    late = []
    for number, referred_on, previous in links:
        if previous in installed:
            earlier_on = installed[previous]
            if earlier_on is None or referred_on is None or earlier_on < referred_on:
                continue
            message = f"previous_reference {previous} was not referred before this case"
        elif previous in seen:
            message = f"previous_reference {previous} is on a later line ({seen[previous][0]})"
        else:
            message = f"unknown previous_reference {previous!r}"
        late.append((number, message))
    if late:
        result.count -= len(late)
        result.errors = sorted(result.errors + late, key=lambda error: error[0])


CHUNK = 1000


def _chunks(lines):
    chunk = []
    for text in lines:
        if text.strip():
            chunk.append(json.loads(text))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


@transaction.atomic
def import_lines(validation, actor=None):
    """Save validated cases; existing references are left alone. Returns (created, skipped).

    Reads the lines again and saves them in chunks with bulk inserts: a fixed
    number of queries per chunk, and memory that does not grow with the file.
    """
    if not validation.ok:
        raise ValueError("The file has errors; nothing is imported.")
    cache = _Cache()
    created = skipped = 0
    highest = {}
    for chunk in _chunks(validation.reopen()):
        references = [data["reference"] for data in chunk]
        existing = set(
            Referral.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        new = [data for data in chunk if data["reference"] not in existing]
        _import_chunk(new, cache, actor)
        created += len(new)
        skipped += len(chunk) - len(new)
        _note_references(references, highest)
    _advance_reference_counters(highest)
    if created and connection.vendor == "postgresql":
        # Fresh statistics, or the planner picks bad plans for the research queries
        # until autovacuum gets round to the newly loaded tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return created, skipped


def vacuum_after_load(created):
    """After a large import, outside any transaction: VACUUM marks the new rows
    visible to all, so counts and lists can be read from indexes alone (index-only
    scans) instead of waiting for autovacuum. PostgreSQL only."""
    if created and connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


class _Cache:
    """Regions, organisations and coordinators, looked up once per import."""

    def __init__(self):
        self.regions = {r.name: r for r in Region.objects.all()}
        self.organizations = {(o.name, o.region_id): o for o in Organization.objects.all()}
        self.coordinators = {c.code: c for c in Coordinator.objects.all()}

    def region(self, name):
        if name not in self.regions:
            self.regions[name] = Region.objects.create(name=name)
        return self.regions[name]

    def organization(self, data, region):
        key = (data["name"].strip(), region.pk)
        if key not in self.organizations:
            self.organizations[key] = Organization.objects.create(
                name=key[0], type=data["type"], region=region
            )
        return self.organizations[key]


def _status(data, coordinator):
    if data.get("stop_reason"):
        return CaseStatus.STOPPED
    if data.get("outcomes"):
        return CaseStatus.CLOSED
    plan = data.get("plan")
    # A plan that was not accepted is not carried out (nor evaluated).
    if plan and plan.get("decision") == Decision.REJECTED:
        return CaseStatus.PLAN_NOT_ACCEPTED
    if plan and any(a.get("status") for a in plan.get("agreements") or []):
        return CaseStatus.FOLLOW_UP
    if plan and plan.get("decision"):
        return CaseStatus.PLAN_DECIDED
    if data.get("conference"):
        return CaseStatus.CONFERENCE_HELD
    if coordinator:
        return CaseStatus.COORDINATOR_ASSIGNED
    return CaseStatus.REGISTERED


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _import_chunk(chunk, cache, actor):
    """Insert one chunk of cases and all their parts, with one bulk insert per model."""
    referrals = []
    for data in chunk:
        region = cache.region(data["region"])
        referred_on = _date(data["referred_on"])
        coordinator = cache.coordinators.get(data.get("coordinator"))
        registered_at = _at(referred_on, 9)
        referrals.append(
            Referral(
                reference=data["reference"],
                status=_status(data, coordinator),
                region=region,
                organization=cache.organization(data["organization"], region),
                referred_on=referred_on,
                registered_at=registered_at,
                created_at=registered_at,
                status_changed_at=registered_at,
                occasion=data["occasion"],
                languages=list(data.get("languages") or []),
                stop_reason=data.get("stop_reason") or "",
            )
        )
    Referral.objects.bulk_create(referrals)
    pairs = list(zip(chunk, referrals, strict=True))
    _link_families(pairs)

    persons, outcomes, responses, assignments, events, conferences = [], [], [], [], [], []
    for data, referral in pairs:
        persons += [
            MainPerson(
                referral=referral,
                birth_year=p.get("birth_year"),
                sex=p.get("sex") or "",
                is_child=p.get("is_child", True) is not False,
            )
            for p in data.get("main_persons") or []
        ]
        outcomes += [
            Outcome(referral=referral, code=code)
            for code in sorted(set(data.get("outcomes") or []))
        ]
        responses += [
            SurveyResponse(
                referral=referral,
                respondent=s["respondent"],
                grade_conference=s.get("grade_conference"),
                grade_plan=s.get("grade_plan"),
                grade_coordinator=s.get("grade_coordinator"),
            )
            for s in data.get("surveys") or []
        ]
        coordinator = cache.coordinators.get(data.get("coordinator"))
        if coordinator:
            # An open imported case counts as one of its coordinator's active cases
            # (its status decides: only cases before their conference take a place).
            assignments.append(
                Assignment(
                    referral=referral,
                    coordinator=coordinator,
                    status=AssignmentStatus.ENDED
                    if referral.status == CaseStatus.STOPPED
                    else AssignmentStatus.ACCEPTED,
                    proposed_at=referral.registered_at,
                    responded_at=referral.registered_at,
                )
            )
        events.append(
            CaseEvent(
                referral=referral,
                actor=actor,
                kind="imported",
                to_status=referral.status,
                details={"reference": data["reference"]},
            )
        )
        for part in [data.get("conference"), *(data.get("follow_ups") or [])]:
            if part:
                conferences.append((referral, part, _conference(referral, part)))
    MainPerson.objects.bulk_create(persons)
    Outcome.objects.bulk_create(outcomes)
    SurveyResponse.objects.bulk_create(responses)
    Assignment.objects.bulk_create(assignments)
    CaseEvent.objects.bulk_create(events)
    Conference.objects.bulk_create([c for _r, _p, c in conferences])
    Participant.objects.bulk_create(
        [
            Participant(conference=conference, relation=p["relation"], attendance=p["attendance"])
            for _r, part, conference in conferences
            for p in part.get("participants") or []
        ]
    )
    first_conference = {}
    for referral, part, conference in conferences:
        if part["kind"] != "follow_up":
            first_conference.setdefault(referral.pk, conference)
    _import_plans(
        [
            (data["plan"], referral, first_conference[referral.pk])
            for data, referral in pairs
            if data.get("plan")
        ]
    )


def _link_families(pairs):
    """Link each case to its ``previous_reference``: a case of this chunk, of an
    earlier chunk or already installed (validation made sure it exists)."""
    previous_of = {
        referral.reference: data["previous_reference"]
        for data, referral in pairs
        if data.get("previous_reference")
    }
    if not previous_of:
        return
    ids = {referral.reference: referral.pk for _data, referral in pairs}
    missing = set(previous_of.values()) - set(ids)
    ids.update(Referral.objects.filter(reference__in=missing).values_list("reference", "pk"))
    linked = [referral for _data, referral in pairs if referral.reference in previous_of]
    for referral in linked:
        referral.previous_id = ids[previous_of[referral.reference]]
    Referral.objects.bulk_update(linked, ["previous"])


def _conference(referral, data):
    held_on = _date(data["held_on"])
    return Conference(
        referral=referral,
        kind=data["kind"],
        status=ConferenceStatus.HELD,
        starts_at=_at(held_on, 10),
        held_on=held_on,
        duration_minutes=data.get("duration_minutes"),
        languages=[data["language"]] if data.get("language") else [],
        location_type=data.get("location_type") or "",
    )


def _import_plans(rows):
    """rows: (plan data, referral, its conference). Bulk inserts per model."""
    plans = [
        FamilyPlan(
            referral=referral,
            conference=conference,
            status=PlanStatus.DECIDED if data.get("decision") else PlanStatus.SUBMITTED,
            submitted_at=conference.starts_at,
        )
        for data, referral, conference in rows
    ]
    FamilyPlan.objects.bulk_create(plans)
    PlanDecision.objects.bulk_create(
        [
            PlanDecision(plan=plan, decision=data["decision"], decided_at=conference.starts_at)
            for plan, (data, _referral, conference) in zip(plans, rows, strict=True)
            if data.get("decision")
        ]
    )
    agreements = []  # (plan, status, Agreement)
    for plan, (data, *_rest) in zip(plans, rows, strict=True):
        for index, item in enumerate(data.get("agreements") or []):
            agreements.append(
                (
                    plan,
                    item.get("status"),
                    Agreement(
                        plan=plan,
                        position=index,
                        what="",
                        who="",
                        life_domain=item["life_domain"],
                        carried_by=item["carried_by"],
                        organization_type=item.get("organization_type") or "",
                    ),
                )
            )
    Agreement.objects.bulk_create([a for _p, _s, a in agreements])
    evaluated = {plan.pk for plan, status, _a in agreements if status}
    evaluations = {}
    for plan, (data, _referral, conference) in zip(plans, rows, strict=True):
        if plan.pk in evaluated:
            on = _date(data["evaluation_on"]) if data.get("evaluation_on") else conference.held_on
            evaluations[plan.pk] = Evaluation(
                plan=plan, held_on=on, present="", decision=EvaluationDecision.CONTINUE
            )
    Evaluation.objects.bulk_create(list(evaluations.values()))
    EvaluationItem.objects.bulk_create(
        [
            EvaluationItem(evaluation=evaluations[plan.pk], agreement=agreement, status=status)
            for plan, status, agreement in agreements
            if status
        ]
    )
    EvaluationMoment.objects.bulk_create(
        [
            EvaluationMoment(
                plan=plan, due_on=_date(data["evaluation_on"]), evaluation=evaluations.get(plan.pk)
            )
            for plan, (data, *_rest) in zip(plans, rows, strict=True)
            if data.get("evaluation_on")
        ]
    )


def _note_references(references, highest):
    for reference in references:
        match = REFERENCE.fullmatch(reference)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), number)


def _advance_reference_counters(highest):
    """New references must never collide with imported ones of the same year."""
    for year, number in highest.items():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
        if counter.last_number < number:
            counter.last_number = number
            counter.save(update_fields=["last_number"])
