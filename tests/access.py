"""A world for the access matrices: every role (the named users of conftest.py,
outsiders included) and one case in every state of its lifecycle, built once per
test module through the real services.

``tests/<app>/test_access.py`` each check their app's rules against it: every
action x every role x every relevant state, as a table of who may.
"""

import rules
from django.utils import timezone
from zeal import zeal_ignore

from conferences.services import contact_log, note_ask_advice, note_comment
from coordinators.models import Coordinator
from coordinators.services import assignment_propose, transfer_propose
from ekc.models import Organization, OrganizationType, Region
from ekc.rules import ACTIONS, allowed
from plans import services as plan_services
from plans.models import Decision
from referrals import services
from referrals.models import StopReason
from tests import factories
from tests.conftest import ROLE_FIXTURES, make_user

# The states a case is walked through; "proposed" is a registered case with a
# coordinator proposed who has not answered yet.
CASE_STATES = [
    "draft",
    "submitted",
    "returned",
    "registered",
    "proposed",
    "coordinator_assigned",
    "preparing",
    "conference_scheduled",
    "conference_held",
    "plan_decided",
    "plan_not_accepted",
    "follow_up",
    "closed",
    "stopped",
]
ALL_ROLES = frozenset(ROLE_FIXTURES)


def _users():
    region = Region.objects.create(name="Overijssel")
    other_region = Region.objects.create(name="Amsterdam")
    organization = Organization.objects.create(
        name="Bureau Jeugdzorg Overijssel", type=OrganizationType.YOUTH_CARE, region=region
    )
    other_organization = Organization.objects.create(
        name="Jeugdbescherming Amsterdam",
        type=OrganizationType.CHILD_PROTECTION,
        region=other_region,
    )
    users = {
        "admin_user": make_user("admin@ekc.test", is_superuser=True, is_staff=True),
        "regional_manager": make_user(
            "manager@ekc.test", regions=[region], is_regional_manager=True
        ),
        "other_regional_manager": make_user(
            "manager.other@ekc.test", regions=[other_region], is_regional_manager=True
        ),
        "coordinator": make_user("coordinator@ekc.test", regions=[region], is_coordinator=True),
        "other_coordinator": make_user(
            "coordinator.other@ekc.test", regions=[region], is_coordinator=True
        ),
        "referrer": make_user("referrer@ekc.test", organization=organization, is_referrer=True),
        "other_referrer": make_user(
            "referrer.other@ekc.test", organization=other_organization, is_referrer=True
        ),
        "liaison": make_user("liaison@ekc.test", organization=organization, is_liaison=True),
        "researcher": make_user("researcher@ekc.test", is_researcher=True),
        "no_role_user": make_user("nobody@ekc.test"),
    }
    for code, name in (("C001", "coordinator"), ("C002", "other_coordinator")):
        Coordinator.objects.create(user=users[name], code=code, max_active_cases=50)
    assert set(users) == ALL_ROLES
    return users, organization


def _held_with_plan(manager, organization, profile, referrer, decision):
    plan = factories.submitted_plan(manager, organization, profile, referrer=referrer)
    plan_services.plan_decide(
        plan=plan,
        actor=referrer,
        decision=decision,
        unmet_bound="safety" if decision == Decision.REJECTED else "",
        reason="Niet veilig genoeg." if decision == Decision.REJECTED else "",
    )
    plan.refresh_from_db()
    plan.referral.refresh_from_db()
    return plan


def build_world():
    """The users and one case per state (with its plan and conference where it has them)."""
    users, organization = _users()
    manager, referrer = users["regional_manager"], users["referrer"]
    profile = users["coordinator"].coordinator_profile
    coordinator = users["coordinator"]
    today = timezone.localdate()
    cases = {}

    cases["draft"] = factories.draft(referrer, organization)
    submitted = factories.draft(referrer, organization)
    cases["submitted"] = services.referral_submit(referral=submitted, actor=referrer)
    returned = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    cases["returned"] = services.referral_return(
        referral=returned, actor=manager, reason="De vraag is nog niet duidelijk."
    )
    cases["registered"] = factories.registered(manager, organization, referrer=referrer)
    proposed = factories.registered(manager, organization, referrer=referrer)
    assignment_propose(referral=proposed, coordinator=profile, actor=manager)
    cases["proposed"] = proposed
    cases["coordinator_assigned"] = factories.assigned(
        manager, organization, profile, referrer=referrer
    )
    preparing = factories.assigned(manager, organization, profile, referrer=referrer)
    moment = contact_log(
        referral=preparing,
        actor=coordinator,
        on=today,
        method="phone",
        minutes=20,
        professional="Wijkteam",
    )
    # The notes between manager and coordinator: one open of each kind.
    note_comment(
        referral=preparing, actor=manager, text="Sprak je al met oma?", contact_moment=moment
    )
    note_ask_advice(referral=preparing, actor=coordinator, text="Mag de buurman erbij?")
    cases["preparing"] = preparing
    cases["conference_scheduled"], _conference = factories.scheduled(
        manager, organization, profile, referrer=referrer
    )
    cases["conference_held"] = factories.held(manager, organization, profile, referrer=referrer)
    decided = _held_with_plan(manager, organization, profile, referrer, Decision.ACCEPTED)
    cases["plan_decided"] = decided.referral
    rejected = _held_with_plan(manager, organization, profile, referrer, Decision.REJECTED)
    cases["plan_not_accepted"] = rejected.referral
    follow_up = _held_with_plan(manager, organization, profile, referrer, Decision.ACCEPTED)
    plan_services.evaluation_record(
        plan=follow_up,
        actor=coordinator,
        held_on=today,
        present="Familie en netwerk",
        statuses={a.pk: "done" for a in follow_up.agreements.all()},
        decision="continue",
    )
    cases["follow_up"] = follow_up.referral
    closed = _held_with_plan(manager, organization, profile, referrer, Decision.ACCEPTED)
    cases["closed"] = plan_services.case_close(referral=closed.referral, actor=manager)
    stopped = factories.registered(manager, organization, referrer=referrer)
    cases["stopped"] = services.referral_stop(
        referral=stopped, actor=manager, reason=StopReason.FAMILY_DECLINED
    )
    for case in cases.values():
        case.refresh_from_db()
    assert [cases[state].status for state in CASE_STATES if state != "proposed"] == [
        state for state in CASE_STATES if state != "proposed"
    ]
    # Held cases whose plan is being written down, or waits for the referrer.
    writing = factories.held(manager, organization, profile, referrer=referrer)
    plan_services.plan_start(referral=writing, actor=coordinator)
    waiting = factories.submitted_plan(manager, organization, profile, referrer=referrer)
    plan_cases = {"plan_draft": writing, "plan_submitted": waiting.referral}
    # A case in preparation that the manager asked another coordinator to take over.
    transferring = factories.assigned(manager, organization, profile, referrer=referrer)
    transfer_propose(
        referral=transferring,
        coordinator=users["other_coordinator"].coordinator_profile,
        actor=manager,
        reason="Verhuizing",
    )
    transfer_cases = {"transfer_open": transferring}
    return {
        "users": users,
        "cases": cases,
        "plan_cases": plan_cases,
        "transfer_cases": transfer_cases,
        "organization": organization,
        "profile": profile,
    }


def who_may(action, users, obj):
    """The roles for whom ``action``'s rule holds on ``obj``."""
    assert action in ACTIONS or rules.perm_exists(action), action
    # Asking one rule of many objects is the table's loop, not the application's.
    with zeal_ignore():
        return {role for role, user in users.items() if allowed(action, user, obj)}


def matrix(action, users, objects):
    """{state: roles allowed} for ``objects`` ({state: object})."""
    return {state: who_may(action, users, obj) for state, obj in objects.items()}


def expand(expected, states):
    """A table written by exception: ``{"*": roles, state: roles, ...}`` for ``states``."""
    default = expected.get("*", set())
    return {state: set(expected.get(state, default)) for state in states}
