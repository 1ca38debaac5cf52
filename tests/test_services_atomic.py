"""Every public service that locks rows runs in its own transaction.

``select_for_update`` outside a transaction fails on PostgreSQL (and locks nothing
on SQLite, where tests would not notice): a service that locks must be wrapped in
``transaction.atomic`` itself (or open its own atomic block), not rely on its
caller. A decorator that slipped onto the wrong function once left
``referral_submit`` without one.
"""

import importlib
import inspect

import pytest

SERVICE_MODULES = [
    "referrals.services",
    "coordinators.services",
    "conferences.services",
    "plans.services",
    "privacy.services",
]
LOCKS = ("lock_case(", "select_for_update(")


def _public_functions(module):
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ == module.__name__ and not name.startswith("_"):
            yield name, function


@pytest.mark.parametrize("module_name", SERVICE_MODULES)
def test_services_that_lock_are_atomic(module_name):
    module = importlib.import_module(module_name)
    missing = []
    for name, function in _public_functions(module):
        body = inspect.getsource(inspect.unwrap(function))
        locks = name != "lock_case" and any(lock in body for lock in LOCKS)
        # Wrapped, or opening its own block (to retry after a lost race).
        atomic = hasattr(function, "__wrapped__") or "with transaction.atomic()" in body
        if locks and not atomic:
            missing.append(name)
    assert missing == []
