import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zeal import zeal_ignore

from referrals.models import Referral
from research.export import export_records, pseudonym
from shell.interchange import import_lines, validate_lines
from tests import factories
from tests.research.test_stats import FIXTURE
from tests.research.test_stats_property import a_case, with_family_links


def delete_all_cases():
    # Test clean-up, not an application path (cases are never deleted in bulk):
    # the audit log names each deleted plan by its case, one lookup per plan.
    with zeal_ignore():
        Referral.objects.all().delete()


pytestmark = pytest.mark.django_db


def load(records):
    validation = validate_lines([json.dumps(r) for r in records])
    assert validation.ok, validation.errors
    import_lines(validation)


def without_reference(records):
    return [{k: v for k, v in r.items() if k != "reference"} for r in records]


def test_pseudonyms_are_stable_keyed_and_not_the_reference(settings):
    assert pseudonym("EK-2024-0001") == pseudonym("EK-2024-0001")
    assert "EK-2024" not in pseudonym("EK-2024-0001")
    first = pseudonym("EK-2024-0001")
    settings.PSEUDONYM_KEY = "another key"
    assert pseudonym("EK-2024-0001") != first


def test_export_holds_no_names_addresses_free_text_or_coordinators(
    regional_manager, organization, coordinator, referrer
):
    plan = factories.submitted_plan(
        regional_manager,
        organization,
        coordinator.coordinator_profile,
        referrer=referrer,
        address="Kerkweg 1",
    )
    (record,) = list(export_records())
    text = json.dumps(record, ensure_ascii=False)
    for secret in (
        "Jansen",
        "Sem",
        "Kerkweg",
        "Waar kunnen",
        "Oma haalt",
        coordinator.email,
        "C001",
    ):
        assert secret not in text
    assert record["coordinator"] is None
    assert record["main_persons"] == [{"birth_year": 2015, "sex": "m", "is_child": True}]
    assert record["reference"] == pseudonym(plan.referral.reference)
    assert len(record["plan"]["agreements"]) == 3


def test_export_import_export_round_trip_of_the_fixture():
    load(FIXTURE)
    first = list(export_records())
    delete_all_cases()
    load(first)
    second = list(export_records())
    assert without_reference(first) == without_reference(second)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_round_trip_of_random_data(data):
    cases = [data.draw(a_case(index)) for index in range(1, data.draw(st.integers(0, 6)) + 1)]
    cases = with_family_links(data, cases)
    with transaction.atomic():
        load(cases)
        first = list(export_records())
        delete_all_cases()
        load(first)
        assert without_reference(list(export_records())) == without_reference(first)
        transaction.set_rollback(True)


def test_command_writes_one_case_per_line_and_filters(tmp_path):
    load(FIXTURE)
    out = tmp_path / "export.jsonl"
    call_command("export_registrations", str(out), "--region", "Amsterdam", stdout=io.StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["region"] == "Amsterdam"


def test_export_query_count_does_not_grow_per_case(django_assert_num_queries):
    load(FIXTURE)
    with django_assert_num_queries(10):
        list(export_records())
    load(
        [
            {**c, "reference": c["reference"].replace("EK-2024", f"EK-20{10 + i}")}
            for i in range(5)
            for c in FIXTURE
        ]
    )
    with django_assert_num_queries(10):
        list(export_records())
