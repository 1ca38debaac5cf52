import io

import pytest
from django.core.management import call_command

from coordinators.models import Coordinator
from referrals.models import Referral
from research.stats import compute

pytestmark = pytest.mark.django_db


def test_seed_scale_makes_realistic_data_and_is_repeatable():
    out = io.StringIO()
    call_command("seed_scale", "--cases", "300", stdout=out)
    assert "300 cases created" in out.getvalue()
    assert Coordinator.objects.filter(code__startswith="S").count() == 500
    figures = compute()
    assert figures["referrals"] == 300
    assert 0.7 < figures["conference_rate"] < 0.9
    assert 12 <= figures["agreements"]["mean"] <= 24
    assert 0.7 < figures["network_share"] < 0.9
    assert figures["grades"]["family"]["n"] > 0 and figures["outcomes"]
    call_command("seed_scale", "--cases", "300", stdout=(again := io.StringIO()))
    assert "0 cases created, 300 already there" in again.getvalue()
    assert Referral.objects.count() == 300


def test_seed_scale_writes_a_file_that_import_registrations_loads(tmp_path):
    path = tmp_path / "cases.jsonl"
    call_command("seed_scale", "--cases", "40", "--output", str(path), stdout=io.StringIO())
    assert len(path.read_text().splitlines()) == 40
    assert not Referral.objects.exists()  # written, not loaded
    call_command("import_registrations", str(path), stdout=(out := io.StringIO()))
    assert "40 cases imported, 0 already present" in out.getvalue()
    assert "cases/s" in out.getvalue()
    assert Referral.objects.count() == 40
