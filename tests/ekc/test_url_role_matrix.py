"""Every URL pattern, as every role and as outsiders, with ids of objects they may not reach.

One case (with its assignment, network, conference, plan, agreement, survey
invitation, leave and research report) belongs to Overijssel, Bureau Jeugdzorg
and coordinator C001. For every URL pattern, filled with that case's ids:

- an outsider (a manager of another region, a referrer of another organisation, a
  coordinator not on the case, a user without a role) gets 403, 404 or 405 on
  every case page, for GET and for POST, and a POST changes nothing at all;
- no outsider sees the family's personal data on any page;
- nobody gets a server error.

A new URL pattern is in this walk automatically; its arguments must be known
below, or the walk fails.
"""

import datetime
import hashlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conferences.services import note_ask_advice
from coordinators import services as pool
from coordinators.models import Leave, Transfer
from ekc.models import Region
from research import surveys
from research.models import ResearchReport
from tests import factories

pytestmark = pytest.mark.django_db

INSIDERS = ["admin_user", "regional_manager", "coordinator", "referrer", "liaison", "researcher"]
OUTSIDERS = ["other_regional_manager", "other_referrer", "other_coordinator", "no_role_user"]
SECRETS = ["Yilmaz", "Oma Ayse", "06-0000000", "Tante Esra"]

# Pages that are not about one case: an outsider may open them (200), but they
# must not show the case. Everything else with the case's ids is closed to outsiders.
NOT_CASE_PAGES = {
    "home",
    "profile",
    "weekly_digest_choice",
    "ping",
    "healthz",
    "accessibility",
    "privacy_statement",
    "privacy:requests",
    "logout",
    "set_language",
    "second_factor_setup",
    "second_factor_verify",
    "second_factor_recovery_codes",
    "second_factor_recovery_codes_renew",
    "login",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "referrals:list",
    "referrals:create",
    "referrals:non_offers",
    "referrals:non_offer_create",
    "coordinators:availability",
    "coordinators:pool",
    "coordinators:import",
    "coordinators:own_record",
    "coordinators:region_request",
    "coordinators:meetings",
    "research:dashboard",
    "research:export",
    "research:report_request",
    "research:survey_code",
    "plans:waiting_help",
    "import_registrations",
}
# Token pages anyone may open with the token (the survey): the token is the key.
TOKEN_PAGES = {"research:survey"}
# Untouched by this walk: the database fingerprint ignores the logs themselves.
LOG_MODELS = {
    "auditlog.logentry",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "axes.accessattemptexpiration",
}


def _patterns(patterns=None, namespace="", prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


PATTERNS = sorted({(name, tuple(sorted(entry.pattern.converters))) for name, entry in _patterns()})


@pytest.fixture
def world(regional_manager, organization, coordinator, referrer, liaison, admin_user):
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    referral = plan.referral
    factories.network(referral, coordinator, size=2)
    conference = referral.conferences.get()
    (invitation,) = surveys.invitations_create(
        conference=conference, actor=coordinator, respondent="family", emails=["oma@example.nl"]
    )
    leave = Leave.objects.create(
        coordinator=coordinator.coordinator_profile,
        start="2030-01-01",
        end="2030-01-10",
    )
    report = ResearchReport.objects.create(requested_by=admin_user, filters={})
    # A transfer asked of a coordinator who is no outsider here (made directly: the
    # case is past the point where a transfer can start).
    transfer = Transfer.objects.create(
        referral=referral,
        from_assignment=referral.assignments.get(),
        to_coordinator=factories.coordinator(referral.region, "C900"),
        reason="Verhuizing",
        requested_by=regional_manager,
    )
    profile = coordinator.coordinator_profile
    training = pool.training_record(
        coordinator=profile, actor=regional_manager, kind="basic", date=datetime.date(2025, 1, 1)
    )
    evaluation = pool.evaluation_record(
        coordinator=profile, actor=regional_manager, date=datetime.date(2025, 6, 1), summary="Goed"
    )
    meeting = pool.meeting_record(
        actor=regional_manager,
        kind="regional",
        date=datetime.date(2025, 6, 1),
        region=referral.region,
        attendees=[profile],
    )
    # A region no outsider manages: only an administrator may answer.
    asked = pool.region_request_ask(
        coordinator=profile,
        actor=coordinator,
        region=Region.objects.create(name="Friesland"),
        motivation="Dichtbij",
    )
    note = note_ask_advice(referral=referral, actor=coordinator, text="Hoe betrek ik Tante Esra?")
    return {
        "pk": referral.pk,
        "plan_pk": plan.pk,
        "member_pk": referral.network_members.first().pk,
        "conference_pk": conference.pk,
        "agreement_pk": plan.agreements.first().pk,
        "version": plan.version,
        "token": invitation.token,
        "assignment_pk": referral.assignments.get().pk,
        "coordinator_pk": coordinator.coordinator_profile.pk,
        "leave_pk": leave.pk,
        "report_pk": report.pk,
        "transfer_pk": transfer.pk,
        "training_pk": training.pk,
        "evaluation_pk": evaluation.pk,
        "meeting_pk": meeting.pk,
        "region_request_pk": asked.pk,
        "note_pk": note.pk,
    }


def _kwargs(name, params, world):
    """The arguments of URL ``name`` filled with the world's ids (None: not this walk's)."""
    if name.startswith("admin:"):
        return None  # the management site: administrators only, tested in tests/ekc
    special = {
        "coordinators:accept": {"pk": world["assignment_pk"]},
        "coordinators:decline": {"pk": world["assignment_pk"]},
        "coordinators:withdraw": {"pk": world["assignment_pk"]},
        "coordinators:transfer_accept": {"pk": world["transfer_pk"]},
        "coordinators:transfer_decline": {"pk": world["transfer_pk"]},
        "coordinators:transfer_cancel": {"pk": world["transfer_pk"]},
        "coordinators:invite": {"pk": world["coordinator_pk"]},
        "coordinators:leave_delete": {"pk": world["leave_pk"]},
        "coordinators:record": {"pk": world["coordinator_pk"]},
        "coordinators:training_edit": {"pk": world["training_pk"]},
        "coordinators:evaluation_edit": {"pk": world["evaluation_pk"]},
        "coordinators:meeting_edit": {"pk": world["meeting_pk"]},
        "coordinators:region_request_decide": {"pk": world["region_request_pk"]},
        "research:report": {"pk": world["report_pk"]},
        "research:report_download": {"pk": world["report_pk"]},
        "research:export": {"what": "cases", "fmt": "csv"},
        "password_reset_confirm": {"uidb64": "x", "token": "x"},
    }
    if name in special:
        return special[name]
    missing = set(params) - set(world)
    assert not missing, f"{name}: say how to fill {missing} in this test"
    return {param: world[param] for param in params}


def _fingerprint():
    """A digest of every row of every model but the logs."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.label_lower in LOG_MODELS or not model._meta.managed:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(f"{model._meta.label_lower}{list(rows)}".encode())
    return digest.hexdigest()


def _shown(response):
    if response.streaming:
        return ""
    return response.content.decode("utf-8", "replace")


def _clients(request, fixtures):
    """One logged-in client per role, logged in once."""
    clients = {}
    for fixture in fixtures:
        clients[fixture] = Client()
        clients[fixture].force_login(request.getfixturevalue(fixture))
    return clients


def test_outsiders_reach_nothing_and_change_nothing(request, world):
    problems, clients = [], _clients(request, OUTSIDERS)
    for name, params in PATTERNS:
        kwargs = _kwargs(name, params, world)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        closed = name not in NOT_CASE_PAGES | TOKEN_PAGES
        for fixture, client in clients.items():
            if name == "logout":  # would end the shared login: a client of its own
                client = _clients(request, [fixture])[fixture]
            before = _fingerprint() if closed else None
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                status = response.status_code
                leaked = [secret for secret in SECRETS if secret in _shown(response)]
                if status >= 500 or leaked or (closed and status not in (403, 404, 405)):
                    problems.append(f"{method.upper()} {url} as {fixture}: {status} {leaked}")
            if closed and _fingerprint() != before:
                problems.append(f"POST {url} as {fixture} changed data")
    assert problems == [], "\n".join(problems)


def test_every_role_gets_an_answer_never_a_server_error(request, world):
    # The insiders' empty POSTs may move the case on; every answer must still be < 500.
    problems, clients = [], _clients(request, INSIDERS)
    for name, params in PATTERNS:
        kwargs = _kwargs(name, params, world)
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        for fixture, client in clients.items():
            if name == "logout":  # would end the shared login: a client of its own
                client = _clients(request, [fixture])[fixture]
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status >= 500:
                    problems.append(f"{method.upper()} {url} as {fixture}: {status}")
    assert problems == [], "\n".join(problems)


def test_the_walk_covers_every_url_pattern():
    names = {name for name, _ in PATTERNS}
    assert {"referrals:detail", "plans:decide", "conferences:day", "research:survey"} <= names
    assert len(names) == len(list(_patterns()))
