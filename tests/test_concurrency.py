"""Races that only a real database with row locks can show: run on PostgreSQL.

On SQLite (where select_for_update does nothing) these tests skip; CI runs the
suite on PostgreSQL too.
"""

import threading

import pytest
from django.db import connection, connections

from coordinators import services as coordinator_services
from coordinators.models import Assignment
from referrals import services
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def run_together(functions):
    """Start every function at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - the result under test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_registrations_get_different_references(regional_manager, organization):
    drafts = [factories.draft(regional_manager, organization) for _ in range(8)]
    results = run_together(
        [
            (lambda d=d: services.referral_register(referral=d, actor=regional_manager))
            for d in drafts
        ]
    )
    references = [r.reference for r in results]
    assert len(set(references)) == 8, results


def test_two_managers_assigning_at_once_one_wins(regional_manager, organization, region):
    from tests.conftest import make_user

    second_manager = make_user("manager2@ekc.test", regions=[region], is_regional_manager=True)
    referral = factories.registered(regional_manager, organization)
    first = factories.coordinator(region, "C701")
    second = factories.coordinator(region, "C702")
    results = run_together(
        [
            lambda: coordinator_services.assignment_propose(
                referral=referral, coordinator=first, actor=regional_manager
            ),
            lambda: coordinator_services.assignment_propose(
                referral=referral, coordinator=second, actor=second_manager
            ),
        ]
    )
    winners = [r for r in results if isinstance(r, Assignment)]
    losers = [r for r in results if isinstance(r, coordinator_services.AlreadyAssigned)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Assignment.objects.filter(referral=referral, status="proposed").count() == 1


def test_two_saves_of_one_plan_draft_at_once_one_wins(regional_manager, organization, coordinator):
    from ekc.editing import StaleEdit
    from plans import services as plan_services

    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = plan_services.plan_start(referral=referral, actor=coordinator)
    read_at = plan.edit_version

    def save(contingency):
        return plan_services.plan_save(
            plan=plan,
            actor=coordinator,
            version=read_at,
            fields={"contingency": contingency},
            agreements=[factories.AGREEMENT_ROWS[0]],
            evaluation_dates=[],
        )

    results = run_together([lambda: save("Eerste"), lambda: save("Tweede")])
    refused = [r for r in results if isinstance(r, StaleEdit)]
    saved = [r for r in results if not isinstance(r, Exception)]
    assert len(saved) == 1 and len(refused) == 1, results
    plan.refresh_from_db()
    assert plan.contingency == saved[0].contingency
    assert plan.edit_version == read_at + 1
    assert plan.agreements.count() == 1


def test_two_changes_of_one_conference_at_once_one_wins_and_one_notice_goes(
    regional_manager, organization, coordinator, referrer, mailoutbox
):
    import datetime

    from django.utils import timezone

    from conferences import services as conference_services
    from conferences.models import Conference
    from ekc.editing import StaleEdit

    _referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    mailoutbox.clear()
    read_at = conference.version

    def change(days):
        return conference_services.conference_reschedule(
            conference=conference,
            actor=coordinator,
            version=read_at,
            starts_at=timezone.now() + datetime.timedelta(days=days),
        )

    results = run_together([lambda: change(20), lambda: change(30)])
    refused = [r for r in results if isinstance(r, StaleEdit)]
    saved = [r for r in results if isinstance(r, Conference)]
    assert len(saved) == 1 and len(refused) == 1, results
    conference.refresh_from_db()
    assert conference.starts_at == saved[0].starts_at
    assert [m.to for m in mailoutbox] == [[referrer.email]]


def test_one_form_sent_twice_at_once_makes_one_record(liaison):
    import datetime

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from ekc.editing import new_form_token
    from referrals.models import NonOffer

    data = {
        "form_token": new_form_token(),
        "decided_on": str(timezone.localdate() - datetime.timedelta(days=1)),
        "occasion": "crisis",
        "motivation": "Geen netwerk bekend",
    }
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(liaison)
    url = reverse("referrals:non_offer_create")
    results = run_together([(lambda c=c: c.post(url, data)) for c in clients])
    assert [r.status_code for r in results] == [302, 302], results
    assert results[0]["Location"] == results[1]["Location"]
    assert NonOffer.objects.count() == 1
