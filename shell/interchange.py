"""The registration interchange format (JSON Lines, INTERCHANGE.md): import.

``validate_lines`` checks a whole file and reports every error with its line
number; ``import_lines`` saves nothing when there is any error, and skips cases
whose reference already exists (importing the same file twice changes nothing).

This version imports the case, its region, organisation, occasion, languages,
main persons, coordinator, stop reason, its conference and follow-up conferences
with their participants, the plan with its decision, evaluation date and
agreements, the outcomes and the survey responses: the whole format.
"""

import contextlib
import datetime
import json
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from conferences.models import Attendance, Conference, ConferenceStatus, LocationType, Participant
from coordinators.models import Assignment, AssignmentStatus, Coordinator
from ekc.languages import is_language_code
from ekc.models import Organization, OrganizationType, Region
from plans.models import (
    Agreement,
    AgreementStatus,
    CarriedBy,
    Decision,
    Evaluation,
    EvaluationDecision,
    EvaluationItem,
    EvaluationMoment,
    FamilyPlan,
    LifeDomain,
    Outcome,
    OutcomeCode,
    PlanDecision,
    PlanStatus,
)
from referrals.lifecycle import CaseStatus
from referrals.models import (
    CaseEvent,
    MainPerson,
    Occasion,
    ReferenceCounter,
    Referral,
    Relation,
    Sex,
    StopReason,
)
from research.models import Respondent, SurveyResponse

TOP_KEYS = {
    "reference",
    "region",
    "organization",
    "occasion",
    "referred_on",
    "languages",
    "main_persons",
    "coordinator",
    "stop_reason",
    "conference",
    "follow_ups",
    "plan",
    "surveys",
    "outcomes",
}
REQUIRED = ("reference", "region", "organization", "occasion", "referred_on")
PERSON_KEYS = {"birth_year", "sex", "is_child"}
CONFERENCE_KEYS = {
    "kind",
    "held_on",
    "duration_minutes",
    "language",
    "location_type",
    "participants",
}
PARTICIPANT_KEYS = {"relation", "attendance"}
SURVEY_KEYS = {"respondent", "grade_conference", "grade_plan", "grade_coordinator"}
PLAN_KEYS = {"decision", "evaluation_on", "agreements"}
AGREEMENT_KEYS = {"life_domain", "carried_by", "organization_type", "status"}
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


def _check_case(data, coordinator_codes):
    """The errors of one case (a list of messages)."""
    errors = []
    if not isinstance(data, dict):
        return ["a line must be a JSON object"]
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        errors.append(f"unknown keys: {', '.join(unknown)}")
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            errors.append(f"{key} is required")
    reference = data.get("reference")
    if reference is not None and not (isinstance(reference, str) and 0 < len(reference) <= 20):
        errors.append("reference must be text of at most 20 characters")
    if data.get("region") is not None and not isinstance(data.get("region"), str):
        errors.append("region must be text")
    organization = data.get("organization")
    if organization is not None:
        if not isinstance(organization, dict) or set(organization) != {"name", "type"}:
            errors.append('organization must be {"name": ..., "type": ...}')
        elif organization["type"] not in OrganizationType.values:
            errors.append(f"unknown organization type {organization['type']!r}")
        elif not isinstance(organization["name"], str) or not organization["name"].strip():
            errors.append("organization name is required")
    if data.get("occasion") is not None and data["occasion"] not in Occasion.values:
        errors.append(f"unknown occasion {data['occasion']!r}")
    if data.get("referred_on") is not None:
        try:
            _date(data["referred_on"])
        except ValueError:
            errors.append("referred_on must be a date (YYYY-MM-DD)")
    languages = data.get("languages")
    if languages is not None and (
        not isinstance(languages, list) or not all(is_language_code(c) for c in languages)
    ):
        errors.append("languages must be a list of ISO 639 codes")
    for index, person in enumerate(data.get("main_persons") or [], start=1):
        errors.extend(_check_person(person, index))
    if data.get("main_persons") is not None and not isinstance(data["main_persons"], list):
        errors.append("main_persons must be a list")
    coordinator = data.get("coordinator")
    if coordinator is not None and coordinator not in coordinator_codes:
        errors.append(f"unknown coordinator {coordinator!r} (import coordinators first)")
    stop_reason = data.get("stop_reason")
    if stop_reason is not None and stop_reason not in StopReason.values:
        errors.append(f"unknown stop_reason {stop_reason!r}")
    if stop_reason is not None and (data.get("conference") or data.get("plan")):
        errors.append("a case with a stop_reason has no conference and no plan")
    if data.get("plan") is not None and data.get("conference") is None:
        errors.append("plan requires conference")
    if data.get("follow_ups") and data.get("conference") is None:
        errors.append("follow_ups require conference")
    referred_on = None
    if isinstance(data.get("referred_on"), str):
        with contextlib.suppress(ValueError):
            referred_on = _date(data["referred_on"])
    if data.get("conference") is not None:
        errors.extend(_check_conference(data["conference"], "conference", FIRST_KINDS, referred_on))
    follow_ups = data.get("follow_ups")
    if follow_ups is not None and not isinstance(follow_ups, list):
        errors.append("follow_ups must be a list")
    for index, follow_up in enumerate(follow_ups or [] if isinstance(follow_ups, list) else [], 1):
        errors.extend(
            _check_conference(follow_up, f"follow_ups[{index}]", {"follow_up"}, referred_on)
        )
    if data.get("plan") is not None:
        errors.extend(_check_plan(data["plan"]))
    outcomes = data.get("outcomes")
    if outcomes is not None and (
        not isinstance(outcomes, list) or any(code not in OutcomeCode.values for code in outcomes)
    ):
        errors.append("outcomes must be a list of outcome codes")
    surveys = data.get("surveys")
    if surveys is not None and not isinstance(surveys, list):
        errors.append("surveys must be a list")
    for index, survey in enumerate(surveys if isinstance(surveys, list) else [], start=1):
        errors.extend(_check_survey(survey, f"surveys[{index}]"))
    return errors


FIRST_KINDS = {"family_group", "restorative"}


def _check_conference(conference, name, kinds, referred_on):
    if not isinstance(conference, dict):
        return [f"{name} must be an object"]
    errors = []
    unknown = sorted(set(conference) - CONFERENCE_KEYS)
    if unknown:
        errors.append(f"{name}: unknown keys: {', '.join(unknown)}")
    if conference.get("kind") not in kinds:
        errors.append(f"{name}: kind must be one of {', '.join(sorted(kinds))}")
    try:
        held_on = _date(conference.get("held_on"))
    except ValueError:
        errors.append(f"{name}: held_on must be a date (YYYY-MM-DD)")
    else:
        if referred_on and held_on < referred_on:
            errors.append(f"{name}: held_on is before referred_on")
    minutes = conference.get("duration_minutes")
    if minutes is not None and not (isinstance(minutes, int) and 0 < minutes < 24 * 60):
        errors.append(f"{name}: duration_minutes must be a whole number of minutes")
    language = conference.get("language")
    if language is not None and not is_language_code(language):
        errors.append(f"{name}: language must be an ISO 639 code")
    location = conference.get("location_type")
    if location is not None and location not in LocationType.values:
        errors.append(f"{name}: unknown location_type {location!r}")
    participants = conference.get("participants")
    if participants is not None and not isinstance(participants, list):
        errors.append(f"{name}: participants must be a list")
        participants = []
    for index, participant in enumerate(participants or [], start=1):
        where = f"{name}.participants[{index}]"
        if not isinstance(participant, dict) or set(participant) - PARTICIPANT_KEYS:
            errors.append(f'{where} must be {{"relation": ..., "attendance": ...}}')
            continue
        if participant.get("relation") not in Relation.values:
            errors.append(f"{where}: unknown relation {participant.get('relation')!r}")
        if participant.get("attendance") not in Attendance.values:
            errors.append(f"{where}: unknown attendance {participant.get('attendance')!r}")
    return errors


def _check_plan(plan):
    if not isinstance(plan, dict):
        return ["plan must be an object"]
    errors = []
    unknown = sorted(set(plan) - PLAN_KEYS)
    if unknown:
        errors.append(f"plan: unknown keys: {', '.join(unknown)}")
    if plan.get("decision") is not None and plan["decision"] not in Decision.values:
        errors.append(f"plan: unknown decision {plan['decision']!r}")
    if plan.get("evaluation_on") is not None:
        try:
            _date(plan["evaluation_on"])
        except ValueError:
            errors.append("plan: evaluation_on must be a date (YYYY-MM-DD)")
    agreements = plan.get("agreements") or []
    if not isinstance(agreements, list):
        return [*errors, "plan: agreements must be a list"]
    for index, agreement in enumerate(agreements, start=1):
        errors.extend(_check_agreement(agreement, f"plan.agreements[{index}]"))
    return errors


def _check_agreement(agreement, where):
    if not isinstance(agreement, dict):
        return [f"{where} must be an object"]
    errors = []
    unknown = sorted(set(agreement) - AGREEMENT_KEYS)
    if unknown:
        errors.append(f"{where}: unknown keys: {', '.join(unknown)}")
    if agreement.get("life_domain") not in LifeDomain.values:
        errors.append(f"{where}: unknown life_domain {agreement.get('life_domain')!r}")
    carried_by = agreement.get("carried_by")
    if carried_by not in CarriedBy.values:
        errors.append(f"{where}: carried_by must be network or professional")
    org_type = agreement.get("organization_type")
    if carried_by == CarriedBy.PROFESSIONAL and org_type not in OrganizationType.values:
        errors.append(f"{where}: organization_type is required for a professional")
    if carried_by == CarriedBy.NETWORK and org_type is not None:
        errors.append(f"{where}: organization_type must be null for the network")
    if agreement.get("status") is not None and agreement["status"] not in AgreementStatus.values:
        errors.append(f"{where}: unknown status {agreement['status']!r}")
    return errors


def _check_survey(survey, where):
    if not isinstance(survey, dict):
        return [f"{where} must be an object"]
    errors = []
    unknown = sorted(set(survey) - SURVEY_KEYS)
    if unknown:
        errors.append(f"{where}: unknown keys: {', '.join(unknown)}")
    if survey.get("respondent") not in Respondent.values:
        errors.append(f"{where}: unknown respondent {survey.get('respondent')!r}")
    for key in ("grade_conference", "grade_plan", "grade_coordinator"):
        grade = survey.get(key)
        if grade is not None and not (
            isinstance(grade, int) and not isinstance(grade, bool) and 1 <= grade <= 10
        ):
            errors.append(f"{where}: {key} must be a whole number from 1 to 10, or null")
    return errors


def _check_person(person, index):
    if not isinstance(person, dict):
        return [f"main_persons[{index}] must be an object"]
    errors = []
    unknown = sorted(set(person) - PERSON_KEYS)
    if unknown:
        errors.append(f"main_persons[{index}]: unknown keys: {', '.join(unknown)}")
    year = person.get("birth_year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        errors.append(f"main_persons[{index}]: birth_year must be a year")
    if person.get("sex") is not None and person["sex"] not in Sex.values:
        errors.append(f"main_persons[{index}]: sex must be f, m or x")
    if person.get("is_child") is not None and not isinstance(person["is_child"], bool):
        errors.append(f"main_persons[{index}]: is_child must be true or false")
    return errors


def validate_lines(lines):
    """Check every line; nothing is written.

    ``lines`` is a list of text lines, or a callable that returns an iterator of
    them (a file opened anew), so that a large file is never held in memory.
    """
    reopen = lines if callable(lines) else (lambda: iter(lines))
    result = Validation(reopen=reopen)
    coordinator_codes = set(Coordinator.objects.values_list("code", flat=True))
    seen = {}
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
        errors = _check_case(data, coordinator_codes)
        reference = data.get("reference") if isinstance(data, dict) else None
        if isinstance(reference, str):
            if reference in seen:
                errors.append(f"reference {reference} is also on line {seen[reference]}")
            seen.setdefault(reference, number)
        result.errors.extend((number, message) for message in errors)
        if not errors:
            result.count += 1
    return result


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
