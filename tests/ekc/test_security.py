"""Security settings and headers as a user's browser meets them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

import ekc.settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_and_validated():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    validators = {v["NAME"].rsplit(".", 1)[1] for v in project_settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= validators


def test_session_expires_after_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_logged_in_pages_are_never_cached(client, regional_manager):
    client.force_login(regional_manager)
    response = client.get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    # Scripts only from our own origin, or inline with this response's nonce.
    assert re.search(r"script-src 'self'( 'nonce-[\w+/=-]+')?;", policy)
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_404_page_is_dutch_and_plain(client, regional_manager):
    client.force_login(regional_manager)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert "Traceback" not in html


def _debug_middleware(technical):
    """The middleware list ekc/settings.py builds with DEBUG on."""
    plain = "ekc.middleware.PlainNotFoundMiddleware"
    middleware = [m for m in settings.MIDDLEWARE if m != plain]
    if not technical:
        middleware.insert(middleware.index("axes.middleware.AxesMiddleware"), plain)
    return middleware


def test_debug_mode_shows_the_dutch_404_page_not_the_url_list(client, regional_manager):
    client.force_login(regional_manager)
    with override_settings(DEBUG=True, MIDDLEWARE=_debug_middleware(technical=False)):
        for address in ("/bestaat-niet/", reverse("referrals:detail", args=[999999])):
            response = client.get(address)
            assert response.status_code == 404
            html = response.content.decode()
            assert "Pagina niet gevonden" in html
            assert "URLconf" not in html


def test_debug_technical_404_setting_keeps_the_url_list_for_developers(client, regional_manager):
    client.force_login(regional_manager)
    with override_settings(DEBUG=True, MIDDLEWARE=_debug_middleware(technical=True)):
        response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


def test_debug_settings_install_the_plain_404_unless_the_technical_page_is_asked():
    code = "from django.conf import settings; print('PlainNotFound' in str(settings.MIDDLEWARE))"
    base = {"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "ekc.settings"}
    plain = _python(code, env=base)
    technical = _python(code, env={**base, "DEBUG_TECHNICAL_404": "true"})
    assert (plain.stdout.strip(), technical.stdout.strip()) == ("True", "False")


def _python(code, env):
    clean = {k: v for k, v in os.environ.items() if k not in PROD_KEYS}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_403_page_is_dutch(client, regional_manager):
    client.force_login(regional_manager)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


@pytest.mark.urls("tests.ekc.urls_raising")
def test_500_page_is_dutch_without_stack_trace(client, regional_manager):
    client.raise_request_exception = False
    client.force_login(regional_manager)
    response = client.get("/kapot/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    assert "RuntimeError" not in html
    assert "secret detail" not in html


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PROD_KEYS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD_KEYS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "BEHIND_TLS_PROXY",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "EMAIL_URL",
}


def test_check_deploy_reports_no_issues_with_documented_production_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "x7!Qm2#vR9$kL4@pZ8^tW1&nB6*cY3(eH5)jD0-sF2+gA7=uK9",
            "ALLOWED_HOSTS": "ekc.example.nl",
            "DATABASE_URL": "sqlite:////tmp/ekc-deploy-check.sqlite3",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "ekc.example.nl"}
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_sqlite_is_set_up_for_concurrent_use():
    options = project_settings.DATABASES["default"].get("OPTIONS", {})
    if project_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
    else:
        assert project_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_time_zone_is_amsterdam():
    assert settings.TIME_ZONE == "Europe/Amsterdam"
