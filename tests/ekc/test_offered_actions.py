"""What is offered is allowed, and what is allowed is offered.

Every button or form of a step carries ``data-action="<rule>"``: the permission
its service requires. The walk opens the case pages for a case in every state, as
every role (outsiders and the administrator included), and compares the steps the
page offers with the rules that hold for that user on that page's objects.
"""

import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from zeal import zeal_ignore

from coordinators.models import Assignment, Transfer
from ekc.rules import ACTIONS, allowed
from plans.services import current_plan
from referrals.lifecycle import CURRENT_ASSIGNMENT, AssignmentStatus, Transition, target_of
from referrals.models import Referral
from tests.access import CASE_STATES

pytestmark = pytest.mark.django_db

MARKER = re.compile(r'data-action="([\w.]+)"')


def _detail(case):
    assignments = Assignment.objects.filter(referral=case, status__in=CURRENT_ASSIGNMENT)
    return {
        **{
            name: [case]
            for name in (
                "referrals.edit_referral",
                "referrals.submit_referral",
                "referrals.register_referral",
                "referrals.take_in_referral",
                "referrals.return_referral",
                "referrals.stop_referral",
                "referrals.reopen_referral",
                "referrals.record_consent",
                "coordinators.propose_coordinator",
                "research.invite_to_surveys",
                "plans.close_case",
                "privacy.withdraw_consent",
                "privacy.produce_access_report",
                "privacy.record_request",
                "referrals.link_family",
            )
        },
        "coordinators.withdraw_coordinator": list(assignments.select_related("referral")),
        "coordinators.transfer_case": [case],
        "coordinators.cancel_transfer": list(
            Transfer.objects.filter(referral=case).select_related("referral")
        ),
    }


def _preparation(case):
    conferences = list(case.conferences.select_related("referral"))
    return {
        "conferences.prepare_conference": [case],
        "conferences.invite_network": [case],
        "conferences.schedule_conference": [case],
        "conferences.change_conference": conferences,
        "conferences.hold_conference": conferences,
        "research.invite_to_surveys": [case],
        "conferences.comment_on_preparation": [case],
        "conferences.ask_advice": [case],
        "conferences.answer_note": list(case.oversight_notes.select_related("referral")),
    }


def _plan(case):
    plan = current_plan(case)
    if plan is None:
        return {"plans.start_plan": [case]}
    shown = [a for a in plan.agreements.select_related("plan__decision", "plan__referral")]
    return {
        "plans.start_plan": [case],
        "plans.edit_plan": [plan],
        "plans.new_plan_version": [plan],
        "plans.decide_plan": [plan],
        "plans.evaluate_plan": [plan],
        "plans.record_help": shown,
    }


def _edit(case):
    return {"referrals.register_referral": [case], "referrals.submit_referral": [case]}


PAGES = {
    "referrals:detail": _detail,
    "referrals:edit": _edit,
    "conferences:preparation": _preparation,
    "plans:plan": _plan,
}


def _offered(client, url):
    response = client.get(url)
    if response.status_code != 200:
        return response.status_code, set()
    return 200, set(MARKER.findall(response.content.decode()))


def _walked_cases(world):
    """A case in every state, and held cases with a plan being written or waiting."""
    return {
        **{state: world["cases"][state] for state in CASE_STATES},
        **world["plan_cases"],
        **world["transfer_cases"],
    }


def test_every_page_offers_exactly_the_steps_its_rules_allow(world):
    clients = {}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    mismatches, seen = [], set()
    for state, case in _walked_cases(world).items():
        for page, objects_of in PAGES.items():
            url = reverse(page, args=[case.pk])
            with zeal_ignore():  # the walk's own loop over the cases
                rules_here = objects_of(case)
            assert set(rules_here) <= set(ACTIONS)
            for role, user in world["users"].items():
                status, offered = _offered(clients[role], url)
                with zeal_ignore():
                    allowed_here = {
                        name
                        for name, objects in rules_here.items()
                        if any(allowed(name, user, obj) for obj in objects)
                    }
                seen |= offered
                if offered != allowed_here:
                    mismatches.append(
                        f"{state} {page} as {role} ({status}): offered {sorted(offered)},"
                        f" allowed {sorted(allowed_here)}"
                    )
    assert mismatches == [], "\n".join(mismatches)
    # Every step of these pages was offered to someone somewhere: a marker that is
    # never shown (or misspelt) would make the comparison prove nothing.
    with zeal_ignore():
        walked = set().union(
            *(
                set(objects_of(case))
                for case in _walked_cases(world).values()
                for objects_of in PAGES.values()
            )
        )
    assert walked - seen == set()


# The steps that are only a button: what the rule allows, the POST does.
BUTTONS = {
    "referrals.submit_referral": ("referrals:submit", Transition.SUBMIT),
    "referrals.register_referral": ("referrals:register", Transition.REGISTER),
    "referrals.take_in_referral": ("referrals:take_in", Transition.TAKE_IN),
}


def test_a_step_that_is_allowed_succeeds_and_one_that_is_not_changes_nothing(world):
    wrong = []
    for role, user in world["users"].items():
        client = Client()
        client.force_login(user)
        for state in CASE_STATES:
            case = world["cases"][state]
            for name, (url_name, step) in BUTTONS.items():
                may = allowed(name, user, case)
                with transaction.atomic():
                    response = client.post(reverse(url_name, args=[case.pk]))
                    after = Referral.objects.get(pk=case.pk).status
                    transaction.set_rollback(True)
                moved = after == target_of(step) and after != case.status
                if may != moved or (not may and after != case.status):
                    wrong.append(
                        f"{name} on {state} as {role}: allowed {may}, {response.status_code}"
                    )
    assert wrong == [], "\n".join(wrong)


def test_an_administrator_is_offered_only_what_the_role_allows(world):
    """Django's has_perm lets every superuser pass; the rules do not."""
    admin = world["users"]["admin_user"]
    assert admin.has_perm("plans.close_case", world["cases"]["draft"])
    assert not allowed("plans.close_case", admin, world["cases"]["draft"])
    client = Client()
    client.force_login(admin)
    url = reverse("referrals:detail", args=[world["cases"]["draft"].pk])
    _status, offered = _offered(client, url)
    assert "plans.close_case" not in offered
    assert "referrals.register_referral" in offered


def test_the_home_page_offers_answers_to_exactly_the_open_proposals_and_transfers(world):
    open_proposals = list(
        Assignment.objects.filter(
            status=AssignmentStatus.PROPOSED, referral__in=list(world["cases"].values())
        ).select_related("coordinator", "referral")
    )
    open_transfers = list(
        Transfer.objects.filter(referral__in=list(world["transfer_cases"].values())).select_related(
            "to_coordinator", "referral"
        )
    )
    answering = {}
    for role, user in world["users"].items():
        client = Client()
        client.force_login(user)
        _status, offered = _offered(client, reverse("home"))
        with zeal_ignore():
            may = set()
            if any(allowed("coordinators.answer_proposal", user, a) for a in open_proposals):
                may.add("coordinators.answer_proposal")
            if any(allowed("coordinators.answer_transfer", user, t) for t in open_transfers):
                may.add("coordinators.answer_transfer")
        assert offered == may, role
        if may:
            answering[role] = may
    assert answering == {
        "coordinator": {"coordinators.answer_proposal"},
        "other_coordinator": {"coordinators.answer_transfer"},
    }
