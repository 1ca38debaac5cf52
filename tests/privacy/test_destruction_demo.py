"""Destroying every demo case: the statistics stay the same to the last figure, and
no personal text of those cases is left anywhere in the database."""

import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from ekc.models import User
from privacy.destruction import RULES, destroy_case
from privacy.models import DestructionDecision, DestructionRecord
from referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _stats():
    out = io.StringIO()
    call_command("research_stats", "--json", stdout=out)
    return json.loads(out.getvalue())


def _case_texts():
    """Every personal text of the demo's cases: what destruction must remove."""
    texts = set()
    for label, rule in RULES.items():
        model = apps.get_model(label)
        fields = (
            [
                f.name
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField") and not f.choices
            ]
            if rule.delete
            else [name for name, value in rule.clear.items() if value == ""]
        )
        for row in model._default_manager.values_list(*fields):
            texts |= {value for value in row if isinstance(value, str) and len(value) >= 6}
    # What the rest of the database holds anyway is not the family's: the names of
    # organisations, regions and professionals (a coordinator may share a surname).
    rest = io.StringIO()
    exclude = [*(label.lower() for label in RULES), "auditlog", "privacy", "sessions"]
    call_command("dumpdata", *[f"--exclude={label}" for label in exclude], stdout=rest)
    professionals = {user.get_full_name() for user in User.objects.all()}
    codes = {t for t in texts if re.fullmatch(r"[a-z_]+", t)}  # stored codes, not texts
    return {t for t in texts if t not in rest.getvalue()} - professionals - codes


def test_destroying_every_demo_case_keeps_the_figures_and_no_personal_text(demo, tmp_path):
    figures = _stats()
    texts = _case_texts()
    assert {"Tante Esra, 06-12345678", "Soep en broodjes"} <= texts  # the demo has them
    for referral in Referral.objects.order_by("pk"):
        destroy_case(referral, decision=DestructionDecision.RETENTION)
    assert _stats() == figures
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    dumped = dump.getvalue()
    left = {
        t: dumped[max(dumped.index(t) - 200, 0) : dumped.index(t) + 50]
        for t in texts
        if t in dumped
    }
    assert left == {}
    assert DestructionRecord.objects.count() == Referral.objects.count()
