import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coordinators.models import Coordinator
from ekc.models import Organization, Region, User
from referrals.models import Referral
from shell.demo_cases import PLAN

pytestmark = pytest.mark.django_db


def test_seed_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_every_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Region.objects.count(), Organization.objects.count())
    call_command("seed_demo")
    assert counts == (User.objects.count(), Region.objects.count(), Organization.objects.count())
    assert Referral.objects.count() == sum(count for _, count in PLAN) == 56

    held = {role for user in User.objects.all() for role in user.roles}
    assert held == {
        "regional_manager",
        "coordinator",
        "referrer",
        "liaison",
        "researcher",
        "administrator",
    }
    assert len({t for t in Organization.objects.values_list("type", flat=True)}) >= 4
    languages = {code for c in Coordinator.objects.all() for code in c.languages}
    assert {"nl", "tr", "ar", "pl"} <= languages
    out = capsys.readouterr().out
    assert "regiomanager@ekc.example" in out
    assert "ekc-demo-2026" in out


def test_demo_login_works(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/inloggen/", {"username": "regiomanager@ekc.example", "password": "ekc-demo-2026"}
    )
    assert response.status_code == 302
    # The regional manager gives a code made from the README's demo secret.
    assert client.get("/").url.startswith("/tweede-stap/")
    code = pyotp.TOTP("EKCDEMOEKCDEMOEKCDEMOEKCDEMOEKCD").now()
    assert client.post("/tweede-stap/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200


def test_demo_users_of_roles_without_second_factor_log_in_with_password_only(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    client.post("/inloggen/", {"username": "verwijzer@ekc.example", "password": "ekc-demo-2026"})
    assert client.get("/").status_code == 200
