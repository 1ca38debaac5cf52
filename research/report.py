"""The PDF report "Tevredenheid en resultaten" (WeasyPrint), made in the background.

A cover with the filters and the date; the key figures with the previous period
beside them; the charts and tables; a methods page with the definitions and n.
Long lists use block layout: WeasyPrint is slow on long multi-page tables.
"""

import dataclasses
import datetime

from django.core.files.base import ContentFile
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ekc.db_routers import research_reads
from research.dashboard import chart_images, figures
from research.models import REPORT_LIFECYCLE, ResearchReport
from research.stats import compute, filters_from_json

KEY_FIGURES = [
    ("referrals", "count", _("Referrals")),
    ("conferences_held", "count", _("Conferences held")),
    ("conference_rate", "rate", _("Share of referrals with a conference")),
    ("plan_rate", "rate", _("Share of conferences with a plan")),
    ("accepted_rate", "rate", _("Plans accepted by the referrer")),
    ("network_share", "rate", _("Carried out by the network")),
    ("agreements_done_rate", "rate", _("Agreements done at evaluation")),
    ("repeat_referrals", "count", _("Families who came back (linked to an earlier case)")),
]


def previous_period(filters):
    """The period of the same length just before the chosen one (None if open-ended)."""
    if not (filters.date_from and filters.date_to):
        return None
    length = filters.date_to - filters.date_from
    end = filters.date_from - datetime.timedelta(days=1)
    return dataclasses.replace(filters, date_from=end - length, date_to=end)


@research_reads()
def render_report_pdf(filters, progress=lambda percent: None):
    """The report's PDF bytes. ``progress`` is told how far it got (0-100)."""
    data = figures(filters)
    progress(30)
    before = previous_period(filters)
    previous = compute(before) if before else None
    progress(45)
    charts = chart_images(data)
    progress(70)
    html = render_to_string(
        "research/pdf/report.html",
        {
            "filters": filters,
            "data": data,
            "s": data["stats"],
            "previous": previous,
            "before": before,
            "key_figures": [
                (label, kind, data["stats"][key], previous[key] if previous else None)
                for key, kind, label in KEY_FIGURES
            ],
            "charts": charts,
            "made_on": timezone.localdate(),
        },
    )
    from weasyprint import HTML  # needs the system's Pango (see README)

    # Tagged (PDF/UA-1) with the page's language, so a screen reader can follow it.
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    progress(100)
    return pdf


@task()
def build_report(report_id, language="nl"):
    """The background task: renders the report and stores the file."""
    report = ResearchReport.objects.get(pk=report_id)
    _move(report_id, "start", progress=10)

    def progress(percent):
        ResearchReport.objects.filter(pk=report_id).update(progress=percent)

    try:
        with translation.override(language):
            pdf = render_report_pdf(filters_from_json(report.filters), progress)
    except Exception as exc:
        _move(report_id, "fail", error=str(exc)[:2000], finished_at=timezone.now())
        raise
    report.file.save(f"report-{report_id}.pdf", ContentFile(pdf), save=False)
    _move(report_id, "finish", file=report.file.name, progress=100, finished_at=timezone.now())


def _move(report_id, transition, **changes):
    """One step of the report's lifecycle, as one UPDATE (the progress is read meanwhile)."""
    ResearchReport.objects.filter(
        pk=report_id, status__in=REPORT_LIFECYCLE.sources(transition)
    ).update(status=REPORT_LIFECYCLE.target(transition), **changes)
