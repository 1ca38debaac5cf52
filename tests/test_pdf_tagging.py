"""Both PDFs are tagged with their language, so a screen reader can follow them."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from pypdf import PdfReader

from plans.models import FamilyPlan
from plans.pdf import render_plan_pdf
from research.report import render_report_pdf
from research.stats import Filters

pytestmark = pytest.mark.django_db


def tagging(content):
    root = PdfReader(io.BytesIO(content)).trailer["/Root"]
    return {
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "structure": "/StructTreeRoot" in root,
        "language": str(root.get("/Lang")),
    }


def test_plan_pdf_and_report_are_tagged_with_their_language():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
    plan = FamilyPlan.objects.order_by("pk").first()
    for language in ("nl", "en"):
        with translation.override(language):
            expected = {"marked": True, "structure": True, "language": language}
            assert tagging(render_plan_pdf(plan)) == expected
            assert tagging(render_report_pdf(Filters())) == expected
