"""Every page of EKC passes axe, at phone and desktop size, for every role.

The walk loads the demo data and fills every URL pattern with one object per state
the demo has for it (a case per case state, a plan per plan state, ...). Each role
asks each filled URL once; every answer that is an HTML page is scanned in
Chromium at both sizes, and any serious or critical violation fails the test.

A pattern that answers no role with a page must say why: it is an action (POST
only), a download, or it is listed in NOT_PAGES. A new page pattern is walked
automatically; one whose arguments the walk cannot fill, or that no role can open
with the demo data, fails the test until it is covered.

``AXE_CRAWL=1`` (``make axe-crawl``) walks every object instead of one per state:
all demo cases, plans and conferences. It takes long and is not run in CI.
"""

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, When
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from pytest_playwright_axe import Axe

from conferences.models import Conference, OversightNote
from coordinators.models import (
    Assignment,
    Coordinator,
    Evaluation,
    Leave,
    Meeting,
    RegionRequest,
    Training,
    Transfer,
)
from ekc.models import User
from plans.models import Agreement, CarriedBy, FamilyPlan
from privacy.models import RightsRequest
from referrals.lifecycle import AssignmentStatus
from referrals.models import NetworkMember, Referral
from research.models import ResearchReport, SurveyInvitation
from shell.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in
from tests.browser.test_research_accessibility import SIZES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The pages are the same on both databases; the walk is the slowest test, so it
    # runs once, on SQLite.
    pytest.mark.skipif(
        connection.vendor == "postgresql" and not os.environ.get("AXE_CRAWL"),
        reason="pages render the same on PostgreSQL; scanned on SQLite",
    ),
]

CRAWL = bool(os.environ.get("AXE_CRAWL"))
REPORTS = Path(__file__).resolve().parents[2] / "axe-reports"

ROLES = {
    "administrator": "beheerder@ekc.example",
    "regional_manager": "regiomanager@ekc.example",
    "referrer": "verwijzer@ekc.example",
    "liaison": "aandachtsfunctionaris@ekc.example",
    "coordinator": "coordinator@ekc.example",
    "researcher": "onderzoeker@ekc.example",
    "anonymous": None,
}

# Patterns that are no page of their own, and why.
NOT_PAGES = {
    "healthz": "a JSON status for load balancers",
    "ping": "plain text, the benchmark's baseline",
    "logout": "an action: logs out and leaves",
    "set_language": "an action: the language form in the footer posts to it",
    "plans:scan": "a download: the scan of the signed plan (the demo has none)",
    "second_factor_recovery_codes": (
        "shown once, right after setting up the second factor: scanned in "
        "tests/browser/test_second_factor.py"
    ),
}
# Pages that change with the state of their case: scanned in every state. All
# others are scanned in the first state each role can open them in.
BY_STATE = {"referrals:detail", "conferences:preparation", "plans:plan"}
# Pages that look the same for everyone who may open them: scanned once.
SAME_FOR_ALL = {
    "accessibility",
    "privacy_statement",
    "login",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "research:survey_code",
    "research:survey",
}
# Patterns whose page is where they redirect to (the link in the reset e-mail).
FOLLOWED = {"password_reset_confirm"}
# The management site is Django's own: its index, a list and a form stand for
# its hundreds of patterns.
ADMIN_PAGES = ["admin:index", "admin:ekc_user_changelist", "admin:ekc_user_change"]


def _patterns(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", tuple(sorted(entry.pattern.converters))


def _one_per(items, key):
    """The first item of each ``key`` (every item when crawling)."""
    if CRAWL:
        return [(f"{key(item)} #{item.pk}", item) for item in items]
    seen = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.items())


def preferred(queryset, case, referrer):
    """``queryset`` with first the rows of cases most roles may open: coordinated by
    C001 and of the demo referrer's organisation."""
    by_c001 = Assignment.objects.filter(
        referral=OuterRef(case), coordinator__code="C001", status=AssignmentStatus.ACCEPTED
    )
    prefix = "" if case == "pk" else f"{case}__"
    return queryset.annotate(by_c001=Exists(by_c001)).order_by(
        F("by_c001").desc(),
        Case(When(**{f"{prefix}organization_id": referrer.organization_id}, then=0), default=1),
        "pk",
    )


class Demo:
    """The demo's objects, one per state."""

    def __init__(self):
        referrer = User.objects.get(email=ROLES["referrer"])
        self.cases = _one_per(
            preferred(Referral.objects.all(), "pk", referrer), key=lambda r: r.status
        )
        self.plans = _one_per(
            preferred(FamilyPlan.objects.select_related("decision"), "referral", referrer),
            key=lambda p: f"{p.status}/{getattr(getattr(p, 'decision', None), 'decision', '')}",
        )
        self.conferences = _one_per(
            preferred(Conference.objects.all(), "referral", referrer),
            key=lambda c: f"{c.kind}/{c.status}",
        )
        first_members = {}
        members = NetworkMember.objects.filter(referral__in=[r for _, r in self.cases])
        for member in members.select_related("referral").order_by("pk"):
            first_members.setdefault(member.referral_id, member)
        self.members = _one_per(first_members.values(), key=lambda m: m.referral.status)
        self.notes = _one_per(
            OversightNote.objects.order_by("pk"), key=lambda n: f"{n.kind}/{n.status}"
        )
        self.assignments = _one_per(
            Assignment.objects.filter(coordinator__code="C001").order_by("pk"),
            key=lambda a: a.status,
        )
        self.help = _one_per(
            Agreement.objects.filter(carried_by=CarriedBy.PROFESSIONAL).order_by("pk"),
            key=lambda a: bool(a.help_started_on),
        )
        invitation = SurveyInvitation.objects.filter(expires_at__gt=timezone.now()).first()
        self.token = invitation.token if invitation else None
        self.coordinator = Coordinator.objects.get(code="C001")
        self.leave = Leave.objects.filter(coordinator=self.coordinator).first()
        self.report = ResearchReport.objects.order_by("pk").first()
        self.transfer = Transfer.objects.order_by("pk").first()
        self.rights_request = RightsRequest.objects.filter(outcome="").order_by("pk").first()
        self.reset_user = User.objects.get(email=ROLES["referrer"])
        self.pool = {
            "training": Training.objects.filter(coordinator=self.coordinator).first(),
            "evaluation": Evaluation.objects.filter(coordinator=self.coordinator).first(),
            "meeting": Meeting.objects.first(),
            "region_request": RegionRequest.objects.first(),
        }


POOL_KINDS = {"training", "evaluation", "meeting", "region_request"}
# URL patterns whose "pk" is not a case.
PK_OF = {
    "coordinators:accept": "assignment",
    "coordinators:decline": "assignment",
    "coordinators:withdraw": "assignment",
    "coordinators:transfer_accept": "transfer",
    "coordinators:transfer_decline": "transfer",
    "coordinators:transfer_cancel": "transfer",
    "coordinators:invite": "coordinator",
    "coordinators:leave_delete": "leave",
    "coordinators:record": "coordinator",
    "coordinators:training_edit": "training",
    "coordinators:evaluation_edit": "evaluation",
    "coordinators:meeting_edit": "meeting",
    "coordinators:region_request_decide": "region_request",
    "research:report": "report",
    "research:report_download": "report",
    "privacy:request": "rights_request",
}


def _fills(name, params, demo):
    """(state, kwargs) for URL ``name``: one per state the demo has for it."""
    kind = PK_OF.get(name)
    if kind == "assignment":
        return [(s, {"pk": a.pk}) for s, a in demo.assignments]
    if kind in POOL_KINDS | {"coordinator", "leave", "report", "rights_request", "transfer"}:
        item = {
            "transfer": demo.transfer,
            "coordinator": demo.coordinator,
            "leave": demo.leave,
            "report": demo.report,
            "rights_request": demo.rights_request,
            **demo.pool,
        }[kind]
        return [(kind, {"pk": item.pk})] if item else []
    if params == ():
        return [("", {})]
    if params == ("pk",):
        return [(s, {"pk": r.pk}) for s, r in demo.cases]
    if params == ("member_pk", "pk"):
        return [(s, {"pk": m.referral_id, "member_pk": m.pk}) for s, m in demo.members]
    if params == ("note_pk", "pk"):
        return [(s, {"pk": n.referral_id, "note_pk": n.pk}) for s, n in demo.notes]
    if params == ("conference_pk",):
        return [(s, {"conference_pk": c.pk}) for s, c in demo.conferences]
    if params == ("plan_pk",):
        return [(s, {"plan_pk": p.pk}) for s, p in demo.plans]
    if params == ("pk", "version"):
        return [(s, {"pk": p.referral_id, "version": p.version}) for s, p in demo.plans]
    if params == ("agreement_pk",):
        return [(f"help started {s}", {"agreement_pk": a.pk}) for s, a in demo.help]
    if params == ("token",):
        return [("valid link", {"token": demo.token})] if demo.token else []
    if params == ("token", "uidb64"):
        user = demo.reset_user
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return [("link", {"uidb64": uid, "token": default_token_generator.make_token(user)})]
    if params == ("fmt", "what"):
        return [("cases.csv", {"what": "cases", "fmt": "csv"})]
    pytest.fail(f"{name}: say how to fill {params} from the demo data in this test")


def _targets(demo):
    """Which role opens which page (as an HTML page), per pattern and state."""
    clients = {}
    for role, email in ROLES.items():
        clients[role] = Client()
        if email:
            clients[role].force_login(User.objects.get(email=email))
    pages, answers, opened = defaultdict(list), defaultdict(set), set()
    for name, params in sorted(set(_patterns())):
        if name in NOT_PAGES or (name.startswith("admin:") and name not in ADMIN_PAGES):
            continue
        if name == "admin:ekc_user_change":
            fills = [("user", {"object_id": demo.reset_user.pk})]
        else:
            fills = _fills(name, params, demo)
        for state, kwargs in fills:
            url = reverse(name, kwargs=kwargs)
            for role, client in clients.items():
                response = client.get(url, follow=name in FOLLOWED)
                chain = getattr(response, "redirect_chain", None)
                shown = chain[-1][0] if chain else url
                assert response.status_code < 500, (url, role, response.status_code)
                kind = response.get("Content-Type", "")
                if role != "anonymous" or response.status_code != 302:  # not the login wall
                    answers[name].add(
                        response.status_code if kind.startswith("text/html") else kind
                    )
                if response.status_code == 200 and kind.startswith("text/html"):
                    if (name, role) in opened and name not in BY_STATE:
                        continue
                    if name in SAME_FOR_ALL and name in {n for n, _ in opened}:
                        continue
                    opened.add((name, role))
                    pages[role].append((name, state, shown))
    return pages, answers


def _uncovered(pages, answers):
    scanned = {name for entries in pages.values() for name, _, _ in entries}
    problems = []
    for name, seen in answers.items():
        if name in scanned:
            continue
        downloads = {kind for kind in seen if isinstance(kind, str)}
        if seen == {405} or downloads:
            continue  # an action (POST only) or a download: no page to scan
        problems.append(f"{name}: no role opens it with the demo data (answers {sorted(seen)})")
    return problems


def _serious(page):
    results = Axe().run(
        page,
        options={"resultTypes": ["violations"], "iframes": False},
        html_report_generated=False,
        json_report_generated=False,
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "targets": [node["target"] for node in violation["nodes"]][:3],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def _log_in(context, live_server, email):
    page = context.new_page()
    if email:
        # The demo users of roles that need one give the second factor's code too.
        log_in(page, live_server.url, email, DEMO_PASSWORD)
        page.wait_for_url(lambda url: "/inloggen/" not in url and "/tweede-stap/" not in url)
    return page


def test_every_page_passes_axe_for_every_role_at_both_sizes(browser, live_server, settings):
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    demo = Demo()
    pages, answers = _targets(demo)
    assert _uncovered(pages, answers) == []
    if os.environ.get("AXE_LIST"):
        for role, entries in pages.items():
            print(role, len(entries), sorted({name for name, _, _ in entries}))

    found = []
    for role, entries in pages.items():
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, locale="nl-NL")
            page = _log_in(context, live_server, ROLES[role])
            for name, state, url in entries:
                page.goto(f"{live_server.url}{url}")
                for violation in _serious(page):
                    found.append(
                        {
                            "page": name,
                            "state": state,
                            "role": role,
                            "size": size,
                            "url": url,
                            **violation,
                        }
                    )
            context.close()
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "pages.json").write_text(json.dumps(found, indent=2, default=str))
    scans = sum(len(entries) for entries in pages.values()) * len(SIZES)
    summary = sorted({(v["page"], v["rule"], v["role"], v["size"]) for v in found})
    assert found == [], f"{len(found)} violations in {scans} scans:\n" + "\n".join(
        " ".join(item) for item in summary
    )
