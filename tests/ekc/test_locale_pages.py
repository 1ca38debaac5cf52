"""Dutch pages of the demo data speak Dutch: no English month names and no numbers
written the English way ("77.8%", "€ 32600") on the dashboard, the report, the plan
PDF, the case pages and the lists."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ekc.languages import OFFERED
from ekc.models import User
from plans.models import FamilyPlan
from plans.pdf import render_plan_pdf
from referrals.selectors import referrals_for
from research.report import render_report_pdf
from research.stats import Filters

pytestmark = pytest.mark.django_db

MONTHS = "January February March April June July August September October November December"
# Abbreviations only beside a day or year ("Jan" is also a name). Django's |date:"M"
# writes the Dutch "nov" as "Nov", which reads as English: that counts too.
SHORT = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
ENGLISH = [
    (re.compile(r"\b(" + MONTHS.replace(" ", "|") + r")\b"), "English month name"),
    (re.compile(rf"\b\d{{1,2}}\s+({SHORT})\b|\b({SHORT})\.?\s+\d"), "English month abbreviation"),
    (re.compile(r"\d\.\d{1,2}(?!\d)\s?%"), "English decimal share"),
    (re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])"), "English decimal point"),
    (re.compile(r"€\s?\d{4,}"), "amount without thousands separator"),
    (re.compile(r"€\s?\d{1,3},\d{3}"), "amount with an English separator"),
]


def english_in(text):
    return [
        (why, match.group(0), text[max(match.start() - 40, 0) : match.end() + 40])
        for pattern, why in ENGLISH
        for match in pattern.finditer(text)
    ]


def visible_text(page):
    page = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", page)
    page = re.sub(r'(?s)<img\b[^>]*\balt="([^"]*)"[^>]*>', r" \1 ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _pages(client):
    users = {
        email: User.objects.get(email=email)
        for email in ("regiomanager@ekc.example", "onderzoeker@ekc.example")
    }
    cases = referrals_for(users["regiomanager@ekc.example"]).order_by("pk")
    closed = cases.filter(status="closed").first()
    planned = FamilyPlan.objects.filter(referral__in=cases).order_by("pk").first()
    client.force_login(users["regiomanager@ekc.example"])
    yield "home", client.get(reverse("home"))
    yield "case list", client.get(reverse("referrals:list"))
    yield "pool", client.get(reverse("coordinators:pool"))
    for referral in cases[:: max(cases.count() // 8, 1)]:
        yield f"case {referral.pk}", client.get(reverse("referrals:detail", args=[referral.pk]))
    if closed:
        yield "closed case", client.get(reverse("referrals:detail", args=[closed.pk]))
    if planned:
        yield "plan", client.get(reverse("plans:plan", args=[planned.referral_id]))
    client.force_login(users["onderzoeker@ekc.example"])
    yield "dashboard", client.get(reverse("research:dashboard"))


def test_dutch_pages_of_the_demo_have_no_english_dates_or_numbers(demo, client):
    found = {}
    for name, response in _pages(client):
        assert response.status_code == 200, name
        problems = english_in(visible_text(response.content.decode()))
        if problems:
            found[name] = problems
    report = [f"{n}: {w} {m!r} in {c!r}" for n, ps in found.items() for w, m, c in ps[:3]]
    assert found == {}, "\n".join(report)


def test_dutch_pdfs_of_the_demo_have_no_english_dates_or_numbers(demo):
    with translation.override("nl"):
        report = pdf_text(render_report_pdf(Filters()))
        plan = pdf_text(render_plan_pdf(FamilyPlan.objects.order_by("pk").first()))
    assert english_in(report) == []
    assert english_in(plan) == []


# A code is what the program stores; a page shows its name or sentence instead.
EVENT_CODE = re.compile(r"\b[A-Za-z]+_[a-z]+(?:_[a-z]+)*\b")
LANGUAGE_CODE = [
    re.compile(r"\bspreekt ([a-z]{2,3})\b"),
    re.compile(r"\bTalen: ([a-z]{2,3})\b"),
    re.compile(r"\bTalen: [^.\n]*?, ([a-z]{2,3})\b"),
    re.compile(r"· ([a-z]{2,3})\b"),
]


def codes_in(text):
    found = [("event code", m.group(0)) for m in EVENT_CODE.finditer(text)]
    for pattern in LANGUAGE_CODE:
        found += [
            ("language code", m.group(0)) for m in pattern.finditer(text) if m.group(1) in OFFERED
        ]
    return found


def _code_pages(client):
    manager = User.objects.get(email="regiomanager@ekc.example")
    client.force_login(manager)
    cases = list(referrals_for(manager).order_by("pk"))
    for referral in cases:
        yield f"case {referral.pk}", client.get(reverse("referrals:detail", args=[referral.pk]))
    for referral in [r for r in cases if r.status in ("registered",)][:3]:
        yield (
            f"ranking {referral.pk}",
            client.get(reverse("coordinators:match", args=[referral.pk])),
        )
    prepared = [r for r in cases if r.status not in ("draft", "submitted", "registered")]
    for referral in prepared[:6]:
        page = client.get(reverse("conferences:preparation", args=[referral.pk]))
        if page.status_code == 200:
            yield f"network {referral.pk}", page
    client.force_login(User.objects.get(email="onderzoeker@ekc.example"))
    yield "dashboard", client.get(reverse("research:dashboard"))


def test_dutch_pages_of_the_demo_show_no_event_or_language_codes(demo, client):
    found = {}
    names = set()
    with translation.override("nl"):
        for name, response in _code_pages(client):
            assert response.status_code == 200, name
            names.add(name.split()[0])
            problems = codes_in(visible_text(response.content.decode()))
            if problems:
                found[name] = problems
    # The demo has every kind of page this test reads.
    assert names == {"case", "ranking", "network", "dashboard"}
    assert found == {}, found


@pytest.mark.parametrize(
    "text",
    ["Plan_submitted", "Network_added — Kees", "spreekt tr", "Talen: nl, tr", "oma · tr"],
)
def test_the_code_finder_finds_codes(text):
    assert codes_in(text)


@pytest.mark.parametrize("text", ["spreekt Turks", "Talen: Nederlands, Turks", "oma · 12-18"])
def test_the_code_finder_passes_names(text):
    assert codes_in(text) == []
