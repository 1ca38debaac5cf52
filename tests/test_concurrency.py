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
