"""The right of access (inzage, AVG article 15): for one person in a case,
everything EKC holds about them, and who opened the file (NEN 7513).

A main person (a child, a parent) gets the file of the case: the question, the
bounds, the conference and the plan. A person from the network gets what EKC holds
about them: their own record, the conferences they were invited to, and the
contacts with them. Nobody gets what is about other people: other people's
contact details and safety notes are left out.
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import Participant
from ekc import formatting
from ekc.audit import AccessAction
from ekc.languages import language_name
from ekc.models import Role
from plans.services import current_plan
from referrals.models import MainPerson, NetworkMember, Referral
from referrals.timeline import entries


def subjects(referral):
    """(key, label) of every person a report can be made for."""
    people = [
        (f"main-{p.pk}", _("%(name)s (main person)") % {"name": p.name or _("main person")})
        for p in referral.main_persons.all()
    ]
    people += [
        (f"member-{m.pk}", _("%(name)s (network)") % {"name": m.name})
        for m in referral.network_members.order_by("name", "pk")
    ]
    return people


def subject_of(referral, key):
    """The person ``key`` names in ``referral`` (None when it names nobody there)."""
    kind, _sep, pk = key.partition("-")
    model = {"main": MainPerson, "member": NetworkMember}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(referral=referral, pk=int(pk)).first()


def _day(value):
    return formatting.day(value) if value else ""


def _views(referral):
    """Who opened the file: when, as which role, for which organisation, what."""
    rows = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(Referral),
        object_pk=str(referral.pk),
    ).order_by("timestamp", "pk")
    labels = dict(AccessAction.choices)
    roles = dict(Role.choices)
    return [
        {
            "at": formatting.moment(row.timestamp),
            "roles": ", ".join(
                str(roles.get(code, code)) for code in (row.additional_data or {}).get("roles", [])
            ),
            "acting_for": (row.additional_data or {}).get("acting_for", ""),
            "what": str(labels.get((row.additional_data or {}).get("access"), "")),
        }
        for row in rows.iterator()
    ]


def _case(referral):
    return {
        "reference": referral.display_reference,
        "status": str(referral.status_label),
        "region": referral.region.name,
        "organisation": referral.organization.name,
        "referred_on": _day(referral.referred_on),
    }


def _person(person):
    if isinstance(person, MainPerson):
        return {
            _("Name"): person.name,
            _("Birth date"): _day(person.birth_date) or (person.birth_year or ""),
            _("Sex"): person.get_sex_display(),
            _("Lives now"): person.lives_with,
        }
    return {
        _("Name"): person.name,
        _("Relation"): person.get_relation_display(),
        _("Age"): person.get_age_group_display(),
        _("Phone"): person.phone,
        _("Email"): person.email,
        _("Language"): person.language_name,
        _("Invitation"): person.get_invitation_display(),
        _("Safety note"): person.safety_note,
    }


def _conferences(referral):
    return [
        {
            "kind": conference.get_kind_display(),
            "when": formatting.moment(conference.starts_at),
            "place": conference.get_location_type_display(),
            "languages": ", ".join(language_name(code) for code in conference.languages),
        }
        for conference in referral.conferences.order_by("starts_at")
    ]


def _invitations(member):
    """The conferences ``member`` was invited to, and whether they came."""
    invited = Participant.objects.filter(member=member).select_related("conference")
    return [
        {
            "kind": p.conference.get_kind_display(),
            "when": formatting.moment(p.conference.starts_at),
            "attendance": p.get_attendance_display(),
        }
        for p in invited.order_by("conference__starts_at")
    ]


def _plan(referral):
    plan = current_plan(referral)
    if plan is None:
        return None
    decision = getattr(plan, "decision", None)
    return {
        "version": plan.version,
        "status": plan.get_status_display(),
        "decision": decision.get_decision_display() if decision else "",
        "agreements": [
            {"what": a.what, "who": a.who, "when": a.when, "domain": a.get_life_domain_display()}
            for a in plan.agreements.order_by("position", "pk")
        ],
        "contingency": plan.contingency,
        "contact_person": plan.contact_person,
    }


def access_report(referral, person):
    """Everything EKC holds about ``person`` (a main person or a network member of
    ``referral``), as plain data for the page, the PDF and the JSON file."""
    report = {
        "made_on": formatting.day(timezone.localdate()),
        "case": _case(referral),
        "person": {str(label): value for label, value in _person(person).items() if value},
        "views": _views(referral),
    }
    if isinstance(person, MainPerson):
        report["file"] = {
            "occasion": str(referral.occasion_label or ""),
            "question": referral.question,
            "bounds": referral.bounds,
            "problem_areas": referral.problem_areas,
            "address": " ".join(
                filter(None, (referral.address, referral.postcode, referral.municipality))
            ),
            "languages": ", ".join(referral.language_names),
            # Who else is in the file: names and relations only, never their details.
            "main_persons": [p.name for p in referral.main_persons.all() if p.pk != person.pk],
            "network": [
                f"{m.name} ({m.get_relation_display()})"
                for m in referral.network_members.order_by("name", "pk")
            ],
        }
        report["conferences"] = _conferences(referral)
        report["plan"] = _plan(referral)
        report["timeline"] = [
            {"at": formatting.moment(e.at), "what": e.text}
            for e in entries(referral.events.select_related("actor").order_by("-at", "-pk"))
        ]
    else:
        report["conferences"] = _invitations(person)
        report["contacts"] = [
            {"on": _day(c.on), "how": c.get_method_display(), "note": c.note}
            for c in referral.contact_moments.filter(member=person).order_by("on", "pk")
        ]
    return report
