"""The stop reason ``consent_withdrawn`` (INTERCHANGE.md) in and out of the
registration interchange format, and in the statistics."""

import json

import pytest

from referrals.lifecycle import CaseStatus
from referrals.models import Referral
from research.export import export_records
from research.stats import compute
from shell.interchange import import_lines, validate_lines
from tests.research.test_export import delete_all_cases, without_reference
from tests.research.test_stats import case

pytestmark = pytest.mark.django_db

RECORDS = [
    case("EK-2019-0001", stop_reason="consent_withdrawn"),
    case("EK-2019-0002", stop_reason="other"),
]


def load(records):
    validation = validate_lines([json.dumps(r) for r in records])
    assert validation.ok, validation.errors
    import_lines(validation)


def test_a_case_stopped_for_withdrawn_consent_is_imported_and_exported_the_same():
    load(RECORDS)
    imported = Referral.objects.get(reference="EK-2019-0001")
    assert imported.status == CaseStatus.STOPPED
    assert imported.stop_reason == "consent_withdrawn"
    first = list(export_records())
    assert sorted(r["stop_reason"] for r in first) == ["consent_withdrawn", "other"]
    delete_all_cases()
    load(first)
    assert without_reference(list(export_records())) == without_reference(first)


def test_the_statistics_count_withdrawn_consent_apart():
    load(RECORDS)
    figures = compute()
    assert figures["stopped"] == 2
    assert figures["stop_reasons"] == {"consent_withdrawn": 1, "other": 1}


def test_an_unknown_stop_reason_is_still_an_error():
    validation = validate_lines([json.dumps(case("EK-2019-0003", stop_reason="consent"))])
    assert not validation.ok
