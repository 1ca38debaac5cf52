"""Every page that shows a family's personal data writes an access entry (NEN 7513).

The test walks every URL pattern over the demo data (cases in every state of the
lifecycle), as every role that may see each case. Whenever a response shows a
family's personal data (the name of a main person or network member, a phone
number, an address), that request must have written an access entry for the
user. A new URL must be placed in one of the lists below: it cannot slip past.
"""

import io
import re

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader

from ekc.models import User
from plans.models import Agreement
from referrals.lifecycle import CaseStatus
from referrals.models import MainPerson, NetworkMember, Referral

# Pages with a case in the address: walked for a case in each state.
CASE_PAGES = {
    "referrals:detail",
    "referrals:edit",
    "referrals:submit",
    "referrals:register",
    "referrals:take_in",
    "referrals:return",
    "referrals:consent",
    "referrals:stop",
    "referrals:reopen",
    "referrals:family_link",
    "referrals:family_unlink",
    "coordinators:match",
    "coordinators:conflict",
    "conferences:preparation",
    "conferences:contact_add",
    "conferences:member_add",
    "conferences:member_edit",
    "conferences:invitations_save",
    "conferences:schedule",
    "conferences:ics",
    "conferences:day",
    "conferences:change",
    "conferences:note_comment",
    "conferences:note_ask_advice",
    "conferences:note_answer",
    "plans:plan",
    "plans:version",
    "plans:start",
    "plans:close",
    "plans:edit",
    "plans:new_version",
    "plans:decide",
    "plans:pdf",
    "plans:scan",
    "plans:evaluate",
    "plans:help",
    "research:survey_admin",
    "research:survey_print",
    "research:survey_paper",
    "coordinators:accept",
    "coordinators:decline",
    "coordinators:withdraw",
    "coordinators:transfer",
    "coordinators:transfer_accept",
    "coordinators:transfer_decline",
    "coordinators:transfer_cancel",
    "privacy:consent_withdraw",
    "privacy:access_report",
    "privacy:case_requests",
    "privacy:request",
}
# Pages without a case in the address that can list cases or their people.
LIST_PAGES = {
    "home",
    "referrals:list",
    "plans:waiting_help",
    "privacy:requests",
}
# Pages that never show a family's personal data: said explicitly, and checked.
NO_PERSONAL_DATA = {
    "profile",
    "weekly_digest_choice",
    "ping",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "second_factor_setup",
    "second_factor_verify",
    "second_factor_recovery_codes",
    "second_factor_recovery_codes_renew",
    "healthz",
    "accessibility",
    "privacy_statement",
    "referrals:create",  # an empty form
    "referrals:non_offers",  # counts and motivations without names
    "referrals:non_offer_create",
    "coordinators:availability",
    "coordinators:leave_delete",
    "coordinators:pool",  # the coordinators themselves, not families
    "coordinators:invite",
    "coordinators:import",
    # The pool record: the coordinators' own courses, meetings and evaluations (the
    # record pages log access to the coordinator; tests/coordinators/test_pool.py).
    "coordinators:record",
    "coordinators:own_record",
    "coordinators:training_edit",
    "coordinators:evaluation_edit",
    "coordinators:meetings",
    "coordinators:meeting_edit",
    "coordinators:region_request",
    "coordinators:region_request_decide",
    "import_registrations",
    "research:dashboard",  # aggregates
    "research:export",  # pseudonymised; its access entries are tested in tests/research
    "research:report_request",
    "research:report",
    "research:report_download",
    "research:survey_code",
    "research:survey",  # a token page: the conference date and coordinator's first name
}
# The management site: administrators only, for users, regions and the logs.
ADMIN_PREFIX = "admin:"
WORD = re.compile(r"[\w'-]+")


def _url_names(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


ALL_NAMES = sorted(set(_url_names()))


def test_every_url_is_placed_in_one_list():
    placed = CASE_PAGES | LIST_PAGES | NO_PERSONAL_DATA
    unplaced = [n for n in ALL_NAMES if n not in placed and not n.startswith(ADMIN_PREFIX)]
    assert unplaced == [], "Say whether these pages show a family's personal data"
    assert not (CASE_PAGES & NO_PERSONAL_DATA)
    assert placed - set(ALL_NAMES) == set(), "listed pages that no longer exist"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, made once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        # Staff names are on every page: a family name inside one proves nothing.
        staff = " ".join(f"{u.get_full_name()} {u.email}" for u in User.objects.all())
        secrets = {
            *Referral.objects.exclude(family_name="").values_list("family_name", flat=True),
            *MainPerson.objects.exclude(name="").values_list("name", flat=True),
            *NetworkMember.objects.values_list("name", flat=True),
            *NetworkMember.objects.exclude(phone="").values_list("phone", flat=True),
            *Referral.objects.exclude(address="").values_list("address", flat=True),
        }
        secrets = {
            s: frozenset(WORD.findall(s))
            for s in secrets
            if len(s) >= 5 and s.lower() not in staff.lower()
        }
        samples = {}
        for status in CaseStatus:
            case = Referral.objects.filter(status=status).order_by("pk").first()
            if case is not None:
                samples[status] = case.pk
        yield {"secrets": secrets, "samples": samples}
        transaction.set_rollback(True)


def _shown_text(response):
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/pdf"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if content_type.startswith(("text/", "application/json")):
        return body.decode("utf-8", "replace")
    return ""


def _users_for(case):
    """Everyone who may see this case, by role."""
    users = {
        "admin": User.objects.get(email="beheerder@ekc.example"),
        "manager": User.objects.get(email="regiomanager@ekc.example"),
        "researcher": User.objects.get(email="onderzoeker@ekc.example"),
        "liaison": User.objects.get(email="aandachtsfunctionaris@ekc.example"),
    }
    if case is not None:
        # A researcher reaches no case page (tests/ekc/test_url_role_matrix.py).
        del users["researcher"]
        users["referrer"] = case.referrer or case.created_by
        assignment = case.assignments.order_by("-pk").select_related("coordinator__user").first()
        if assignment is not None:
            users["coordinator"] = assignment.coordinator.user
    else:
        users["referrer"] = User.objects.get(email="verwijzer@ekc.example")
        users["coordinator"] = User.objects.get(email="coordinator@ekc.example")
    return users


def _kwargs(name, case):
    """The address arguments of ``name`` for ``case``, or None when the case has no such part."""
    plan = case.plans.order_by("-version").first()
    conference = case.conferences.order_by("pk").first()
    member = case.network_members.order_by("pk").first()
    assignment = case.assignments.order_by("-pk").first()
    if name in (
        "plans:edit",
        "plans:new_version",
        "plans:decide",
        "plans:pdf",
        "plans:scan",
        "plans:evaluate",
    ):
        return {"plan_pk": plan.pk} if plan else None
    if name == "plans:help":
        agreement = Agreement.objects.filter(plan=plan).order_by("pk").first() if plan else None
        return {"agreement_pk": agreement.pk} if agreement else None
    if name == "privacy:request":
        asked = case.rights_requests.order_by("pk").first()
        return {"pk": asked.pk} if asked else None
    if name == "plans:version":
        return {"pk": case.pk, "version": plan.version} if plan else None
    if name in ("conferences:ics", "conferences:day", "conferences:change"):
        return {"conference_pk": conference.pk} if conference else None
    if name == "conferences:note_answer":
        note = case.oversight_notes.order_by("pk").first()
        return {"pk": case.pk, "note_pk": note.pk} if note else None
    if name == "conferences:member_edit":
        return {"pk": case.pk, "member_pk": member.pk} if member else None
    if name in ("coordinators:accept", "coordinators:decline", "coordinators:withdraw"):
        return {"pk": assignment.pk} if assignment else None
    if name in (
        "coordinators:transfer_accept",
        "coordinators:transfer_decline",
        "coordinators:transfer_cancel",
    ):
        transfer = case.transfers.order_by("-pk").first()
        return {"pk": transfer.pk} if transfer else None
    return {"pk": case.pk}


def _client_for(clients, user):
    """One logged-in client per user: a login per request would be most of the walk."""
    if user.pk not in clients:
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    return clients[user.pk]


def _check(client, user, url, secrets):
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user).count()
    response = client.get(url)
    if response.status_code != 200:
        return None
    shown = _shown_text(response)
    # Only secrets whose every word is on the page are looked for as a whole.
    words = set(WORD.findall(shown))
    leaked = sorted(
        secret for secret, parts in secrets.items() if parts <= words and secret in shown
    )
    after = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user).count()
    return leaked, after - before


def _walk(demo, names, cases):
    missing, clients = [], {}
    for case_pk in cases:
        case = Referral.objects.get(pk=case_pk) if case_pk else None
        users = _users_for(case)
        for name in names:
            kwargs = _kwargs(name, case) if case else {}
            if kwargs is None:
                continue
            url = reverse(name, kwargs=kwargs)
            for role, user in users.items():
                client = _client_for(clients, user)
                result = _check(client, user, url, demo["secrets"])
                if result and result[0] and not result[1]:
                    missing.append(f"{name} as {role}: {url} shows {result[0][:2]}")
    return missing


@pytest.mark.django_db
def test_every_case_page_that_shows_personal_data_logs_it(demo):
    missing = _walk(demo, sorted(CASE_PAGES), list(demo["samples"].values()))
    assert missing == [], "\n".join(missing)


@pytest.mark.django_db
def test_every_list_page_that_shows_personal_data_logs_it(demo):
    missing = _walk(demo, sorted(LIST_PAGES), [None])
    assert missing == [], "\n".join(missing)


@pytest.mark.django_db
def test_pages_said_to_hold_no_personal_data_show_none(demo):
    shown, clients = [], {}
    for name in sorted(NO_PERSONAL_DATA):
        try:
            url = reverse(name)
        except Exception:  # noqa: BLE001 - a page with arguments: its own tests cover it
            continue
        for role, user in _users_for(None).items():
            result = _check(_client_for(clients, user), user, url, demo["secrets"])
            if result and result[0]:
                shown.append(f"{url} as {role} shows {result[0][:2]}")
    assert shown == [], "\n".join(shown)


@pytest.mark.django_db
def test_the_walk_reaches_cases_in_every_state(demo):
    assert set(demo["samples"]) == set(CaseStatus)
