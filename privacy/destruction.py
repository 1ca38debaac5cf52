"""Destroying a file: what goes, what stays, and the register.

A destroyed case keeps only the anonymous facts the statistics contract needs
(codes, dates, counts and grades), so ``research_stats`` gives the same figures
before and after. Every field of every model that holds case data is listed
below, as cleared or kept (a test fails on a field that is neither): names,
birth dates, addresses, contact details and every free text go, and so do the
network's people, the contact persons, the consents and the scans (their files
too). The access log and the change history keep who did what and when, but
their texts about the case are replaced, inside ``log_redaction()``.
"""

from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ekc.log_guard import log_redaction
from plans.scans import delete_scan_after_commit
from privacy.models import DestructionRecord, RequestOutcome, RightsRequest
from privacy.register import Entry, append_after_commit
from referrals.models import Referral
from research.export import exported_reference

# What stands in for a destroyed case's texts in the logs.
REDACTED = "[vernietigd]"


@dataclass(frozen=True)
class Rule:
    """How the rows of one model are destroyed: ``case`` is the path from the model
    to its case; ``delete`` removes the rows; otherwise ``clear`` gives each cleared
    field its new value and ``keep`` names the fields left as they are."""

    case: str
    delete: bool = False
    clear: dict = field(default_factory=dict)
    keep: frozenset = frozenset()


RULES = {
    "referrals.Referral": Rule(
        case="pk",
        clear={
            "reference": None,
            "question": "",
            "bounds": "",
            "problem_areas": "",
            "family_name": "",
            "family_key": "",
            "address": "",
            "postcode": "",
            "municipality": "",
            "funder": "",
            "budget_number": "",
            "stop_note": "",
            "return_reason": "",
        },
        keep=frozenset(
            [
                "id",
                "status",
                "region",
                "organization",
                "referrer",
                "created_by",
                "created_at",
                "status_changed_at",
                "referred_on",
                "registered_at",
                "first_contact_on",
                "occasion",
                "help_duration",
                "languages",
                "stop_reason",
                "consent_withdrawn_on",
                "version",
                "pseudonym",
                "destroyed_at",
                # The link to the family's earlier case: research counts returning
                # families (repeat_referrals); it names no one.
                "previous",
            ]
        ),
    ),
    "referrals.MainPerson": Rule(
        case="referral",
        clear={
            "name": "",
            "name_key": "",
            "birth_date": None,
            "birth_year": None,
            "sex": "",
            "lives_with": "",
        },
        keep=frozenset({"id", "referral", "is_child"}),
    ),
    "referrals.InvolvedProfessional": Rule(case="referral", delete=True),
    "referrals.NetworkMember": Rule(case="referral", delete=True),
    "referrals.Consent": Rule(case="referral", delete=True),
    "referrals.CaseEvent": Rule(
        case="referral",
        clear={"details": {}},
        keep=frozenset({"id", "referral", "at", "actor", "kind", "from_status", "to_status"}),
    ),
    "coordinators.ConflictOfInterest": Rule(case="referral", delete=True),
    # A transfer's reason and answer may speak of the family: cleared; who moved the
    # case to whom, and when, stays (as the assignments do).
    "coordinators.Transfer": Rule(
        case="referral",
        clear={"reason": "", "answer_note": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "from_assignment",
                "to_coordinator",
                "status",
                "requested_by",
                "requested_at",
                "responded_at",
            ]
        ),
    ),
    "coordinators.Assignment": Rule(
        case="referral",
        clear={"decline_note": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "coordinator",
                "status",
                "proposed_by",
                "proposed_at",
                "responded_at",
                "decline_reason",
            ]
        ),
    ),
    # What manager and coordinator wrote each other about the family.
    "conferences.OversightNote": Rule(case="referral", delete=True),
    "conferences.ContactMoment": Rule(
        case="referral",
        clear={"note": "", "professional": "", "member": None},
        keep=frozenset({"id", "referral", "on", "method", "minutes", "recorded_by", "recorded_at"}),
    ),
    "conferences.Conference": Rule(
        case="referral",
        clear={"address": "", "interpreter_note": "", "food": "", "rituals": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "kind",
                "status",
                "starts_at",
                "location_type",
                "languages",
                "interpreter",
                "held_on",
                "information_start",
                "information_end",
                "private_time_start",
                "private_time_end",
                "presentation_start",
                "presentation_end",
                "duration_minutes",
                "created_by",
                "created_at",
                "version",
            ]
        ),
    ),
    "conferences.InformingProfessional": Rule(
        case="conference__referral",
        clear={"name": "", "organization": "", "role": "", "email": ""},
        keep=frozenset({"id", "conference", "present"}),
    ),
    "conferences.Participant": Rule(
        case="conference__referral",
        clear={"member": None},
        keep=frozenset({"id", "conference", "relation", "attendance"}),
    ),
    "conferences.Reminder": Rule(case="referral", delete=True),
    "plans.FamilyPlan": Rule(
        case="referral",
        clear={"contingency": "", "reconvene": "", "contact_person": "", "scan": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "conference",
                "version",
                "status",
                "written_language",
                "created_by",
                "created_at",
                "submitted_at",
                "edit_version",
            ]
        ),
    ),
    "plans.EvaluationMoment": Rule(
        case="plan__referral", keep=frozenset({"id", "plan", "due_on", "evaluation"})
    ),
    "plans.Agreement": Rule(
        case="plan__referral",
        clear={"what": "", "who": "", "when": "", "help_not_started_note": ""},
        keep=frozenset(
            [
                "id",
                "plan",
                "position",
                "life_domain",
                "carried_by",
                "organization_type",
                "help_started_on",
                "version",
            ]
        ),
    ),
    "plans.PlanDecision": Rule(
        case="plan__referral",
        clear={"conditions": "", "reason": ""},
        keep=frozenset({"id", "plan", "decision", "unmet_bound", "decided_by", "decided_at"}),
    ),
    "plans.Evaluation": Rule(
        case="plan__referral",
        clear={"present": "", "note": ""},
        keep=frozenset({"id", "plan", "held_on", "decision", "recorded_by", "recorded_at"}),
    ),
    "plans.EvaluationItem": Rule(
        case="evaluation__plan__referral",
        keep=frozenset({"id", "evaluation", "agreement", "status"}),
    ),
    "plans.Outcome": Rule(
        case="referral", keep=frozenset({"id", "referral", "code", "recorded_by", "recorded_at"})
    ),
    "research.SurveyInvitation": Rule(
        case="referral",
        clear={"email": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "conference",
                "respondent",
                "by_email",
                "token",
                "short_code",
                "created_by",
                "created_at",
                "expires_at",
                "reminded_at",
                "used_at",
            ]
        ),
    ),
    "research.SurveyResponse": Rule(
        case="referral",
        clear={"information_needed": "", "informed_by": "", "comments": ""},
        keep=frozenset(
            [
                "id",
                "referral",
                "invitation",
                "respondent",
                "informed_enough",
                "had_say",
                "grade_conference",
                "grade_plan",
                "grade_coordinator",
                "grade_cooperation",
                "entered_by",
                "created_at",
            ]
        ),
    ),
    "privacy.LegalHold": Rule(
        case="referral",
        clear={"reason": ""},
        keep=frozenset({"id", "referral", "until", "placed_by", "placed_at", "lifted_at"}),
    ),
    # The request stays as the record of what was asked and decided, and when.
    "privacy.RightsRequest": Rule(
        case="referral",
        clear={"subject": "", "requester_name": "", "details": "", "outcome_note": ""},
        keep=frozenset(
            {
                "id",
                "referral",
                "kind",
                "requester",
                "requested_on",
                "due_on",
                "recorded_by",
                "recorded_at",
                "outcome",
                "refusal_ground",
                "decided_on",
                "decided_by",
            }
        ),
    ),
}


def _rows(label, referral):
    rule = RULES[label]
    model = apps.get_model(label)
    return model, rule, model._default_manager.filter(**{rule.case: referral.pk})


def _logged_objects(referral):
    """The log entries about the case: of its rows, and of rows it had that were
    deleted before (their creation entry names the row they belonged to)."""
    objects = Q(pk__in=[])
    ids_of = {}
    for label in RULES:
        model, rule, rows = _rows(label, referral)
        ids = list(rows.values_list("pk", flat=True))
        ids_of[model] = ids
        content_type = ContentType.objects.get_for_model(model)
        if ids:
            objects |= Q(content_type=content_type, object_pk__in=[str(pk) for pk in ids])
    for label, rule in RULES.items():
        if rule.case == "pk":
            continue
        model = apps.get_model(label)
        hop = rule.case.split("__")[0]
        parents = ids_of.get(model._meta.get_field(hop).related_model, [])
        if parents:
            content_type = ContentType.objects.get_for_model(model)
            values = [*parents, *(str(pk) for pk in parents)]
            # [old, new]: a creation names the case second, a deletion first.
            objects |= Q(content_type=content_type) & (
                Q(**{f"changes__{hop}__1__in": values}) | Q(**{f"changes__{hop}__0__in": values})
            )
    return objects


def _redact_logs(referral, name):
    entries = LogEntry.objects.filter(_logged_objects(referral))
    with log_redaction():
        entries.update(object_repr=name, changes=None, changes_text="", serialized_data=None)
        # A search's words may have been the family's name.
        for entry in entries.filter(additional_data__has_key="query"):
            entry.additional_data = {**entry.additional_data, "query": REDACTED}
            LogEntry.objects.filter(pk=entry.pk).update(additional_data=entry.additional_data)


def case_pseudonym(referral):
    """The research pseudonym a case is known by, in exports and in the register."""
    return referral.pseudonym or exported_reference(referral.reference or f"draft-{referral.pk}")


@transaction.atomic
def destroy_case(referral, *, decision, actor=None, destroyed_at=None):
    """Destroy ``referral``'s file (see the module's docstring); returns its record in
    the destruction register.

    Once this commits, the record's line is appended to the register file; when
    that fails it is logged and RegisterFileError is raised from the commit (the case
    is destroyed whole by then). ``destroyed_at`` is for a restore re-applying the
    register only: the original time, and no line is appended (it has one already).
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.destroyed_at:
        raise ValueError("This file has been destroyed already.")
    name = case_pseudonym(referral)
    now = destroyed_at or timezone.now()
    record = DestructionRecord.objects.create(
        pseudonym=name,
        destroyed_at=now,
        decision=decision,
        retention_date=referral.retention_date,
        decided_by=actor,
    )
    _redact_logs(referral, name)
    scans = list(
        apps.get_model("plans.FamilyPlan")
        .objects.filter(referral=referral)
        .exclude(scan="")
        .values_list("scan", flat=True)
    )
    # Not in the change history: a deletion's entry would copy the very names it removes.
    with disable_auditlog():
        for label, rule in RULES.items():
            if rule.delete:
                _rows(label, referral)[2].delete()
    for label, rule in RULES.items():
        if rule.clear:
            _rows(label, referral)[2].update(**rule.clear)
    # A request still open has its answer: the file is gone.
    RightsRequest.objects.filter(referral=referral, outcome="").update(
        outcome=RequestOutcome.DESTROYED, decided_on=timezone.localdate(now)
    )
    Referral.objects.filter(pk=referral.pk).update(pseudonym=name, destroyed_at=now)
    for path in scans:
        delete_scan_after_commit(path)
    if destroyed_at is None:
        # Last: a register file that cannot be written must not keep a scan.
        append_after_commit(record)
    return record


def register_reapply(file_entries, *, log=print):
    """After a restore: destroy again, with ``destroy_case`` and the same decision and
    time, every case the register names that the restored data still holds, and add
    back the register rows the restored table lacks. The register is the file's
    ``file_entries`` (by pseudonym) and the restored table. Returns the pseudonyms
    destroyed again."""
    entries = dict(file_entries)
    in_table = set()
    for record in DestructionRecord.objects.order_by("destroyed_at", "pk"):
        entries.setdefault(record.pseudonym, Entry.of(record))
        in_table.add(record.pseudonym)
    live = {
        case_pseudonym(case): case
        for case in Referral.objects.filter(destroyed_at__isnull=True).only(
            "pk", "reference", "pseudonym", "created_at"
        )
    }
    destroyed = set(
        Referral.objects.filter(destroyed_at__isnull=False).values_list("pseudonym", flat=True)
    )
    again, unknown = [], 0
    for entry in sorted(entries.values(), key=lambda entry: entry.destroyed_at):
        case = live.get(entry.pseudonym)
        # A case made after the destruction is another one (a draft's number can
        # come back after a restore, and with it its pseudonym).
        if case is not None and case.created_at <= entry.destroyed_at:
            record = destroy_case(case, decision=entry.decision, destroyed_at=entry.destroyed_at)
            # The older data may give an older date than the destruction went by.
            DestructionRecord.objects.filter(pk=record.pk).update(
                retention_date=entry.retention_date
            )
            again.append(entry.pseudonym)
            when = entry.destroyed_at.isoformat(timespec="seconds")
            log(f"Destroyed again: {entry.pseudonym} (destroyed {when}, {entry.decision}).")
        elif entry.pseudonym not in in_table:
            DestructionRecord.objects.create(
                pseudonym=entry.pseudonym,
                destroyed_at=entry.destroyed_at,
                decision=entry.decision,
                retention_date=entry.retention_date,
            )
            if entry.pseudonym not in destroyed:
                unknown += 1
    log(
        f"Destruction register re-applied: {len(entries)} entries, "
        f"{len(again)} file(s) destroyed again."
    )
    if unknown:
        log(
            f"{unknown} entries name no case of this backup: cases made after it, or "
            "another PSEUDONYM_KEY than the one they were destroyed with (then set that key "
            "and restore again)."
        )
    return again
