"""The second factor: who needs it, setting it up, codes, lockout, step-up, reset."""

import re
import time
from urllib.parse import quote

import pyotp
import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from ekc import second_factor
from ekc.rules import allowed
from tests.conftest import PASSWORD
from tests.second_factor import TEST_SECRET, current_code, give_device

pytestmark = pytest.mark.django_db

SETUP = "/tweede-stap/instellen/"
VERIFY = "/tweede-stap/"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern.pattern, RoutePattern) and "^" not in prefix:
            yield prefix + str(pattern.pattern), pattern.name


def _sample(route):
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", route)


def every_page():
    """A GET address for every URL pattern of the site, a few management pages too."""
    pages = {
        (_sample(route), name)
        for route, name in _routes(get_resolver().url_patterns)
        if name not in second_factor.OPEN_URL_NAMES
    }
    admin = ["/beheer/", "/beheer/ekc/user/", "/beheer/auditlog/logentry/"]
    return sorted(pages | {(url, "admin") for url in admin})


@pytest.mark.real_second_factor
@pytest.mark.parametrize("role", ["admin_user", "regional_manager", "researcher"])
def test_a_role_that_needs_a_second_factor_reaches_no_page_before_setting_it_up(
    request, client, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    pages = every_page()
    assert len(pages) > 50
    reached = []
    for url, name in pages:
        response = client.get(url)
        if response.status_code != 302 or not response.url.startswith(SETUP + "?next="):
            reached.append((url, name, response.status_code))
    assert reached == []
    assert client.get(SETUP).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200


@pytest.mark.real_second_factor
def test_with_an_app_but_no_code_yet_every_page_asks_for_the_code(client, regional_manager):
    give_device(regional_manager)
    client.force_login(regional_manager)
    response = client.get("/aanmeldingen/?status=registered")
    assert response.url == "/tweede-stap/?next=%2Faanmeldingen%2F%3Fstatus%3Dregistered"
    assert client.get("/beheer/").url.startswith(VERIFY + "?next=")


@pytest.mark.real_second_factor
def test_setting_up_shows_the_recovery_codes_once_and_opens_the_site(client, regional_manager):
    client.force_login(regional_manager)
    page = client.get(SETUP + "?next=/aanmeldingen/")
    assert page.status_code == 200
    secret = page.context["secret"].replace(" ", "")
    assert "<svg" in page.content.decode()
    assert page.context["secret"] in page.content.decode()
    assert not TOTPDevice.objects.exists()  # opening the page writes nothing

    wrong = client.post(SETUP, {"code": "000000", "next": "/aanmeldingen/"})
    assert "Deze code klopt niet" in wrong.content.decode()
    assert client.get("/").url.startswith(SETUP)

    done = client.post(SETUP, {"code": pyotp.TOTP(secret).now(), "next": "/aanmeldingen/"})
    assert done.url == "/tweede-stap/herstelcodes/?next=%2Faanmeldingen%2F"
    codes_page = client.get(done.url)
    codes = codes_page.context["codes"]
    assert "De tweede stap is ingesteld." in codes_page.content.decode()
    assert len(codes) == 10
    assert all(code in codes_page.content.decode() for code in codes)
    assert client.get(done.url).url == "/aanmeldingen/"  # never shown again
    assert client.get("/aanmeldingen/").status_code == 200
    assert TOTPDevice.objects.get(user=regional_manager).confirmed
    assert StaticToken.objects.filter(device__user=regional_manager).count() == 10
    entry = LogEntry.objects.get_for_object(regional_manager).latest()
    assert entry.changes == {"second_factor": ["", "set up"]}


def _password_login(client, user):
    response = client.post("/inloggen/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_password_login_asks_for_the_code_and_accepts_it(client, researcher):
    give_device(researcher)
    _password_login(client, researcher)
    assert client.get("/onderzoek/").url == "/tweede-stap/?next=%2Fonderzoek%2F"
    page = client.get("/tweede-stap/?next=/onderzoek/")
    assert "Tweede stap" in page.content.decode()
    done = client.post(VERIFY, {"code": current_code(researcher), "next": "/onderzoek/"})
    assert done.url == "/onderzoek/"
    assert client.get("/onderzoek/").status_code == 200


def test_a_recovery_code_works_once(client, researcher):
    give_device(researcher)
    recovery = StaticDevice.objects.create(user=researcher, name="recovery", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    _password_login(client, researcher)
    assert client.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert client.get("/onderzoek/").status_code == 200

    client.logout()
    _password_login(client, researcher)
    again = client.post(VERIFY, {"code": "abcd2345"})
    assert again.status_code == 200
    assert "Deze code klopt niet" in again.content.decode()


def test_an_external_next_is_not_followed(client, researcher):
    give_device(researcher)
    _password_login(client, researcher)
    done = client.post(VERIFY, {"code": current_code(researcher), "next": "https://evil.test/"})
    assert done.url == "/"


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(client, researcher, settings):
    give_device(researcher)
    _password_login(client, researcher)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(VERIFY, {"code": "123456"})
        assert response.status_code == 200
    locked = client.post(VERIFY, {"code": "123456"})
    assert "Account geblokkeerd" in locked.content.decode()
    assert AccessFailureLog.objects.filter(username=researcher.email).count() == 5
    # Locked: even the right code is refused, and the password login too.
    refused = client.post(VERIFY, {"code": current_code(researcher)})
    assert "Account geblokkeerd" in refused.content.decode()
    assert client.get("/onderzoek/").status_code == 302
    other = client.__class__()
    response = other.post("/inloggen/", {"username": researcher.email, "password": PASSWORD})
    assert "Account geblokkeerd" in response.content.decode()


def test_wrong_passwords_and_wrong_codes_count_together(client, researcher, settings):
    give_device(researcher)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/inloggen/", {"username": researcher.email, "password": "wrong"})
    _password_login(client, researcher)  # a right password clears this address's count
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(VERIFY, {"code": "123456"})
    response = client.post(VERIFY, {"code": "654321"})
    assert "Account geblokkeerd" in response.content.decode()
    # The codes typed are not kept in the records of failed attempts.
    kept = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "code=" in kept
    assert "123456" not in kept


def _age_second_factor(client, minutes):
    session = client.session
    session[second_factor.SESSION_KEY]["at"] = time.time() - minutes * 60
    session.save()


CASES_CSV = "/onderzoek/export/cases.csv"


def test_case_level_export_asks_for_the_code_again_after_15_minutes(client, researcher):
    client.force_login(researcher)
    _age_second_factor(client, 14)
    assert client.get(CASES_CSV).status_code == 200
    _age_second_factor(client, 16)
    response = client.get(CASES_CSV)
    assert response.url == "/tweede-stap/?next=%2Fonderzoek%2Fexport%2Fcases.csv"
    page = client.get(response.url)
    assert "Geef opnieuw een code" in page.content.decode()
    done = client.post(VERIFY, {"code": current_code(researcher), "next": CASES_CSV})
    assert done.url == CASES_CSV
    assert client.get(CASES_CSV).status_code == 200


def test_aggregates_need_no_fresh_code(client, researcher):
    client.force_login(researcher)
    _age_second_factor(client, 60)
    assert client.get("/onderzoek/export/aggregates.csv").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/beheer/auditlog/logentry/", "/beheer/axes/accesslog/", "/beheer/axes/accessfailurelog/"],
)
def test_the_access_log_asks_for_the_code_again_after_15_minutes(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    _age_second_factor(client, 16)
    assert client.get(url).url.startswith(VERIFY + "?next=")
    assert client.get("/beheer/ekc/region/").status_code == 200  # other pages stay open


def test_roles_that_need_none_are_not_asked(client, coordinator, referrer, liaison):
    for user in (coordinator, referrer, liaison):
        client.post("/inloggen/", {"username": user.email, "password": PASSWORD})
        assert client.get("/").status_code == 200
        client.logout()
    assert not TOTPDevice.objects.exists()


def test_mfa_required_roles_all_asks_everyone(client, settings, coordinator):
    settings.MFA_REQUIRED_ROLES = "all"
    _password_login(client, coordinator)
    assert client.get("/").url.startswith(SETUP)


def test_mfa_required_roles_can_leave_out_a_role(client, settings, researcher):
    settings.MFA_REQUIRED_ROLES = frozenset({"administrator"})
    _password_login(client, researcher)
    assert client.get("/onderzoek/").status_code == 200


def test_an_administrator_resets_a_second_factor_and_it_is_logged(
    client, admin_user, regional_manager
):
    give_device(regional_manager)
    StaticDevice.objects.create(user=regional_manager, name="recovery", confirmed=True)
    client.force_login(admin_user)
    response = client.post(
        "/beheer/ekc/user/",
        {"action": "reset_second_factor", "_selected_action": [regional_manager.pk]},
        follow=True,
    )
    assert "Tweede stap gereset voor 1 gebruiker." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=regional_manager).exists()
    assert not StaticDevice.objects.filter(user=regional_manager).exists()
    entry = LogEntry.objects.get_for_object(regional_manager).latest()
    assert entry.changes == {"second_factor": ["set up", "reset"]}
    assert entry.actor == admin_user

    # At the next login the manager sets up a new one.
    other = client.__class__()
    _password_login(other, regional_manager)
    assert other.get("/").url.startswith(SETUP)


def test_the_demo_secret_gives_codes_that_oathtool_would_give():
    assert len(TEST_SECRET) == 32
    assert pyotp.TOTP(TEST_SECRET).now().isdigit()


def test_every_password_login_asks_for_the_code_again(client, researcher):
    client.force_login(researcher)
    assert client.get("/onderzoek/").status_code == 200
    client.post("/uitloggen/")
    _password_login(client, researcher)
    assert client.get("/onderzoek/").url.startswith(VERIFY + "?next=")


# A new phone: the user replaces their own app from the profile page.

PROFILE = "/profiel/"
REPLACE = SETUP + "?next=%2Fprofiel%2F"
RENEW = "/tweede-stap/herstelcodes/nieuw/?next=%2Fprofiel%2F"
MARKER = re.compile(r'data-action="([\w.]+)"')


def _with_recovery_codes(user, *codes):
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in codes:
        recovery.token_set.create(token=code)
    return recovery


def _gives_a_code(user, code):
    """Whether a fresh password login of ``user`` accepts ``code`` as the second step."""
    other = Client()
    _password_login(other, user)
    return other.post(VERIFY, {"code": code}).status_code == 302


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("regional_manager", {"ekc.replace_second_factor", "ekc.renew_recovery_codes"}),
        ("admin_user", {"ekc.replace_second_factor", "ekc.renew_recovery_codes"}),
        ("referrer", set()),
        ("coordinator", set()),
    ],
)
def test_the_profile_offers_a_new_app_exactly_to_those_who_have_one(request, client, role, offered):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(PROFILE).content.decode()
    assert "Tweede stap</h2>" in page
    shown = set(MARKER.findall(page))
    # Besides the second step, a regional manager's profile has the weekly digest.
    digest = "ekc.choose_weekly_digest"
    assert (digest in shown) == allowed(digest, user, user) == (role == "regional_manager")
    assert shown - {digest} == offered
    own_account = {"ekc.replace_second_factor", "ekc.renew_recovery_codes"}
    assert offered == {name for name in own_account if allowed(name, user)}
    if offered:
        assert "Nieuwe app koppelen" in page and f'href="{REPLACE.replace("%2F", "/")}"' in page
        assert "Je hebt nog 0 ongebruikte herstelcodes." in page
    else:
        assert "Voor jouw rol is de tweede stap niet nodig" in page


def test_the_profile_counts_the_recovery_codes_left(client, regional_manager):
    give_device(regional_manager)
    _with_recovery_codes(regional_manager, "abcd2345")
    client.force_login(regional_manager)
    page = client.get(PROFILE).content.decode()
    assert "Je hebt nog 1 ongebruikte herstelcode." in page
    assert "De tweede stap is ingesteld" in page


def test_a_new_app_replaces_the_old_one_only_with_a_right_code_and_it_is_logged(
    client, regional_manager
):
    give_device(regional_manager)
    _with_recovery_codes(regional_manager, "abcd2345")
    client.force_login(regional_manager)
    page = client.get(REPLACE)
    assert page.status_code == 200
    assert "Nieuwe app koppelen</h1>" in page.content.decode()
    assert "Annuleren en de oude app houden" in page.content.decode()
    new_secret = page.context["secret"].replace(" ", "")
    assert new_secret != TEST_SECRET

    # A wrong code changes nothing: the old app and the old recovery codes still work.
    wrong = client.post(SETUP, {"code": "000000", "next": PROFILE})
    assert "Deze code klopt niet" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=regional_manager)
    assert second_factor.base32_secret(device) == TEST_SECRET
    assert _gives_a_code(regional_manager, current_code(regional_manager))
    assert StaticToken.objects.filter(device__user=regional_manager, token="abcd2345").exists()
    assert AccessFailureLog.objects.filter(username=regional_manager.email).count() == 1

    done = client.post(SETUP, {"code": pyotp.TOTP(new_secret).now(), "next": PROFILE})
    assert done.url == "/tweede-stap/herstelcodes/?next=%2Fprofiel%2F"
    codes_page = client.get(done.url)
    assert "Je nieuwe app is gekoppeld. De oude app werkt niet meer" in codes_page.content.decode()
    new_codes = codes_page.context["codes"]
    assert len(new_codes) == 10 and "abcd2345" not in new_codes
    assert client.get(done.url).url == PROFILE

    device = TOTPDevice.objects.get(user=regional_manager)
    assert device.confirmed and second_factor.base32_secret(device) == new_secret
    assert not _gives_a_code(regional_manager, pyotp.TOTP(TEST_SECRET).now())
    assert not _gives_a_code(regional_manager, "abcd2345")
    assert _gives_a_code(regional_manager, new_codes[0])
    entry = (
        LogEntry.objects.get_for_object(regional_manager)
        .filter(changes__has_key="second_factor")
        .latest()
    )
    assert entry.changes == {"second_factor": ["set up", "replaced"]}
    assert entry.actor == regional_manager


def test_a_new_app_needs_a_recent_code_first(client, regional_manager):
    give_device(regional_manager)
    client.force_login(regional_manager)
    _age_second_factor(client, 16)
    response = client.get(REPLACE)
    assert response.url == "/tweede-stap/?next=" + quote(REPLACE, safe="")
    page = client.get(response.url)
    assert "Geef opnieuw een code" in page.content.decode()

    # A stolen session cannot post a code of an app of its own either.
    session = client.session
    session[second_factor.PENDING_KEY] = default_key()
    session.save()
    pending = TOTPDevice(key=session[second_factor.PENDING_KEY])
    posted = client.post(SETUP, {"code": pyotp.TOTP(_b32(pending)).now(), "next": PROFILE})
    assert posted.url.startswith(VERIFY + "?next=")
    assert second_factor.base32_secret(TOTPDevice.objects.get(user=regional_manager)) == (
        TEST_SECRET
    )
    assert not LogEntry.objects.filter(changes__has_key="second_factor").exists()

    # With the code of the current app, the setup of the new one opens.
    done = client.post(VERIFY, {"code": current_code(regional_manager), "next": REPLACE})
    assert done.url == REPLACE
    assert client.get(REPLACE).status_code == 200


def _b32(device):
    return second_factor.base32_secret(device)


def test_the_first_setup_is_logged_as_set_up_not_replaced(client, referrer):
    client.force_login(referrer)  # a role that needs none may still set one up
    page = client.get(SETUP)
    assert "Tweede stap instellen</h1>" in page.content.decode()
    secret = page.context["secret"].replace(" ", "")
    client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    entry = LogEntry.objects.get_for_object(referrer).latest()
    assert entry.changes == {"second_factor": ["", "set up"]}


def test_new_recovery_codes_replace_the_old_ones_and_it_is_logged(client, researcher):
    give_device(researcher)
    _with_recovery_codes(researcher, "abcd2345", "efgh6789")
    client.force_login(researcher)
    page = client.get(RENEW)
    assert page.status_code == 200
    assert "Je hebt nog 2 ongebruikte herstelcodes." in page.content.decode()
    assert 'data-action="ekc.renew_recovery_codes"' in page.content.decode()

    done = client.post(RENEW, {"next": PROFILE})
    assert done.url == "/tweede-stap/herstelcodes/?next=%2Fprofiel%2F"
    codes_page = client.get(done.url)
    assert "Er zijn nieuwe herstelcodes gemaakt." in codes_page.content.decode()
    codes = codes_page.context["codes"]
    assert len(codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=researcher).values_list("token", flat=True)
    ) == set(codes)
    assert not _gives_a_code(researcher, "abcd2345")
    assert _gives_a_code(researcher, codes[3])
    # The app itself is untouched.
    assert _b32(TOTPDevice.objects.get(user=researcher)) == TEST_SECRET
    entry = LogEntry.objects.get_for_object(researcher).latest()
    assert entry.changes == {"recovery_codes": ["", "renewed"]}
    assert entry.actor == researcher


def test_new_recovery_codes_need_a_recent_code_first(client, researcher):
    give_device(researcher)
    _with_recovery_codes(researcher, "abcd2345")
    client.force_login(researcher)
    _age_second_factor(client, 16)
    for response in (client.get(RENEW), client.post(RENEW)):
        assert response.url == "/tweede-stap/?next=" + quote(RENEW, safe="")
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["abcd2345"]
    assert not LogEntry.objects.filter(changes__has_key="recovery_codes").exists()


def test_without_an_app_there_are_no_recovery_codes_to_renew(client, referrer, rf):
    client.force_login(referrer)
    assert client.post(RENEW).url.startswith(SETUP + "?next=")
    assert not StaticDevice.objects.exists()
    request = rf.post("/")
    request.user = referrer
    request.session = {}
    with pytest.raises(PermissionDenied):
        second_factor.recovery_codes_renew(request=request)


def test_the_services_themselves_refuse_without_a_recent_code(rf, researcher):
    give_device(researcher)
    _with_recovery_codes(researcher, "abcd2345")
    request = rf.post("/")
    request.user = researcher
    request.session = {}
    second_factor.mark_verified(request.session, researcher)
    request.session[second_factor.SESSION_KEY]["at"] -= 16 * 60
    device = second_factor.pending_device(request)
    with pytest.raises(PermissionDenied):
        second_factor.second_factor_setup_confirm(
            request=request, device=device, code=pyotp.TOTP(_b32(device)).now()
        )
    with pytest.raises(PermissionDenied):
        second_factor.recovery_codes_renew(request=request)
    assert _b32(TOTPDevice.objects.get(user=researcher)) == TEST_SECRET
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["abcd2345"]
