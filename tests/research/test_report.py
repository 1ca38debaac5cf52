import io
import json
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from research.models import ResearchReport
from research.report import render_report_pdf
from research.stats import Filters
from shell.interchange import import_lines, validate_lines
from tests.forms import post_form
from tests.research.test_stats import FIXTURE

pytestmark = pytest.mark.django_db


def load(records):
    validation = validate_lines([json.dumps(r) for r in records])
    assert validation.ok, validation.errors
    import_lines(validation)


def pdf_text(content):
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def test_researcher_requests_and_downloads_the_report(client, researcher):
    load(FIXTURE)
    client.force_login(researcher)
    query = "?date_from=2024-01-01&date_to=2024-06-30"
    response = post_form(
        client,
        reverse("research:dashboard") + query,
        {},
        action=reverse("research:report_request") + query,
    )
    report = ResearchReport.objects.get()
    assert response["Location"] == reverse("research:report", args=[report.pk])
    assert report.status == "done" and report.progress == 100  # tests run tasks at once
    page = client.get(reverse("research:report", args=[report.pk])).content.decode()
    assert "Het rapport is klaar." in page
    download = client.get(reverse("research:report_download", args=[report.pk]))
    content = b"".join(download.streaming_content)
    download.close()
    text = pdf_text(content)
    assert "Tevredenheid en resultaten" in text
    assert "Vorige periode" in text
    assert "Methode" in text
    assert re.search(r"Pagina 2 / \d+", text)
    assert "EK-2024" not in text


def test_someone_elses_report_is_not_found(client, researcher, admin_user):
    load(FIXTURE)
    client.force_login(researcher)
    post_form(client, reverse("research:dashboard"), {}, action=reverse("research:report_request"))
    report = ResearchReport.objects.get()
    client.force_login(admin_user)
    assert client.get(reverse("research:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("research:report_download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize("fixture", ["referrer", "coordinator", "liaison"])
def test_no_report_for_referrers_and_coordinators(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.post(reverse("research:report_request")).status_code == 403


def test_report_query_count_is_the_same_for_small_and_large_cohorts(django_assert_num_queries):
    load(FIXTURE)
    filters = Filters()
    with django_assert_num_queries(22):
        render_report_pdf(filters)
    load(
        [
            {**c, "reference": c["reference"].replace("EK-2024", f"EK-20{10 + i}")}
            for i in range(10)
            for c in FIXTURE
        ]
    )
    with django_assert_num_queries(22):
        render_report_pdf(filters)


def test_a_zero_is_a_figure_and_the_dash_means_nothing_to_compute(monkeypatch):
    from research import report

    real = report.figures

    def with_same_day_conferences(filters):
        data = real(filters)
        data["stats"]["days_to_conference"] = {"mean": 0.0, "median": 0.0}
        data["stats"]["professionals"] = {"mean": None}
        return data

    load(FIXTURE)
    monkeypatch.setattr(report, "figures", with_same_day_conferences)
    text = pdf_text(render_report_pdf(Filters()))
    assert "Dagen van aanmelding tot conferentie (gemiddeld / mediaan) 0,0 / 0,0" in text
    assert re.search(r"Aanwezige professionals \(gemiddeld\) –", text)
