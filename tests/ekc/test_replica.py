"""Research queries can read from a replica; case work always uses the primary."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ekc import db_routers
from ekc.db_routers import REPLICA, ResearchReplicaRouter, research_reads
from referrals.models import Referral

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def routed(monkeypatch):
    """Which database the router picks for each read, with a replica configured.

    The test database has no second copy, so the reads still go to ``default``.
    """
    picks = []
    choose = ResearchReplicaRouter.db_for_read

    def spy(self, model, **hints):
        picks.append((model._meta.label, choose(self, model, **hints)))
        return None

    monkeypatch.setattr(db_routers, "replica_configured", lambda: True)
    monkeypatch.setattr(ResearchReplicaRouter, "db_for_read", spy)
    return picks


def test_router_sends_only_research_reads_to_the_replica(monkeypatch):
    router = ResearchReplicaRouter()
    monkeypatch.setattr(db_routers, "replica_configured", lambda: True)
    assert router.db_for_read(Referral) is None
    with research_reads():
        assert router.db_for_read(Referral) == REPLICA
        assert router.db_for_write(Referral) is None
    assert router.db_for_read(Referral) is None
    assert router.allow_migrate(REPLICA, "referrals") is False
    assert router.allow_migrate("default", "referrals") is True


def test_without_a_replica_everything_reads_from_default():
    with research_reads():
        assert ResearchReplicaRouter().db_for_read(Referral) is None


@pytest.mark.django_db
def test_the_dashboard_reads_its_figures_from_the_replica(client, researcher, routed):
    client.force_login(researcher)
    assert client.get(reverse("research:dashboard")).status_code == 200
    research = {alias for label, alias in routed if label.startswith("referrals.")}
    assert research == {REPLICA}
    # The login itself (session, user) is read from the primary.
    assert {alias for label, alias in routed if label == "ekc.User"} == {None}


@pytest.mark.django_db
def test_research_exports_read_from_the_replica(client, researcher, routed):
    client.force_login(researcher)
    url = reverse("research:export", args=["cases", "csv"])
    assert client.get(url).status_code == 200
    assert {alias for label, alias in routed if label.startswith("referrals.")} == {REPLICA}


@pytest.mark.django_db
def test_case_pages_never_read_from_the_replica(client, regional_manager, routed):
    client.force_login(regional_manager)
    assert client.get(reverse("referrals:list")).status_code == 200
    assert routed and all(alias is None for _label, alias in routed)


def manage(*args, **env):
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_statistics_come_from_the_replica_database(tmp_path):
    """Two real databases: the primary is empty, the 'replica' holds 12 cases."""
    primary = f"sqlite:///{tmp_path / 'primary.sqlite3'}"
    replica = f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    for url in (primary, replica):
        manage("migrate", "--noinput", DATABASE_URL=url)
    manage("seed_scale", "--cases", "12", DATABASE_URL=replica)

    on_primary = json.loads(manage("research_stats", "--json", DATABASE_URL=primary))
    on_replica = json.loads(
        manage("research_stats", "--json", DATABASE_URL=primary, DATABASE_REPLICA_URL=replica)
    )
    assert on_primary["referrals"] == 0
    assert on_replica["referrals"] == 12
