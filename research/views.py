import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from ekc.audit import AccessAction, log_access, log_access_to_rows
from ekc.db_routers import research_reads
from ekc.editing import OUT_OF_DATE, OnceForm, submit_once
from ekc.second_factor import require_recent_second_factor
from referrals.models import Referral
from research import datasets
from research.dashboard import snapshot_for
from research.export import export_records
from research.filters import DashboardFilter
from research.models import ResearchReport
from research.report import build_report
from research.rules import can_export_research, can_view_research
from research.stats import cohort, compute, filters_to_json


def _filters_for(request):
    """The dashboard's filters from the query string, limited to what the user may see."""
    filterset = DashboardFilter(request.GET or None, user=request.user)
    return filterset.form, filterset.stats_filters(), filterset.own_only


EXPORTS = {
    "aggregates": {"csv", "xlsx"},
    "cases": {"csv", "xlsx", "sav"},
    "jsonl": {"jsonl"},
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "jsonl": "application/x-ndjson; charset=utf-8",
}


@require_safe
def export(request, what, fmt):
    """Aggregates, or the pseudonymised case-level data, as a file. Researchers and
    administrators only; every export is recorded in the access log."""
    if not can_export_research(request.user):
        raise PermissionDenied
    if fmt not in EXPORTS.get(what, ()):
        raise Http404
    # Case-level data, even pseudonymised, asks for a recent second factor; aggregates do not.
    if what != "aggregates" and (step_up := require_recent_second_factor(request)):
        return step_up
    _form, filters, _own = _filters_for(request)
    detail = {"export": what, "format": fmt, "filters": request.GET.urlencode()}
    with research_reads():
        body = _export_body(what, fmt, filters)
        cases = [] if what == "aggregates" else list(cohort(filters).values_list("pk", "reference"))
    log_access(request, request.user, AccessAction.EXPORT, detail={**detail, "cases": len(cases)})
    # Case-level data, even pseudonymised, is in each case's own access log too.
    log_access_to_rows(request, Referral, cases, AccessAction.EXPORT, detail=detail)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ekc-{what}-{stamp}.{fmt}"'
    return response


def _export_body(what, fmt, filters):
    if what == "aggregates":
        rows = datasets.aggregate_rows(compute(filters))
        columns = ["figure", "value"]
        body = (
            datasets.to_csv(rows, columns)
            if fmt == "csv"
            else datasets.to_xlsx(rows, columns, "EKC")
        )
    elif what == "jsonl":
        body = "".join(
            json.dumps(record, ensure_ascii=False) + "\n" for record in export_records(filters)
        ).encode()
    else:
        rows = list(datasets.case_rows(filters))
        columns = [name for name, _label in datasets.CASE_COLUMNS]
        if fmt == "csv":
            body = datasets.to_csv(rows, columns)
        elif fmt == "xlsx":
            body = datasets.to_xlsx(rows, columns, "EKC")
        else:
            body = datasets.to_sav(rows)
    return body


def dashboard(request):
    """Outcome and satisfaction figures for a cohort. A regional manager sees their
    own regions only; the figures are aggregates, never names."""
    user = request.user
    if not can_view_research(user):
        raise PermissionDenied
    form, filters, own_only = _filters_for(request)
    snapshot, data, charts = snapshot_for(filters)
    return render(
        request,
        "research/dashboard.html",
        {
            "form": form,
            "snapshot": snapshot,
            "data": data,
            "s": data["stats"] if data else None,
            "charts": charts,
            "own_only": own_only,
            "can_export": can_export_research(user),
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@submit_once
def report_request(request):
    """Start making the PDF report for the current selection, in the background."""
    if not can_view_research(request.user):
        raise PermissionDenied
    if not OnceForm(request.POST).is_valid():
        messages.error(request, OUT_OF_DATE)
        return redirect(f"{reverse('research:dashboard')}?{request.GET.urlencode()}")
    _form, filters, _own = _filters_for(request)
    report = ResearchReport.objects.create(
        requested_by=request.user,
        filters=filters_to_json(filters),
        query=request.GET.urlencode()[:500],
    )
    build_report.enqueue(report.pk, language=get_language())
    return redirect("research:report", pk=report.pk)


def _report_for(request, pk):
    report = get_object_or_404(ResearchReport, pk=pk)
    if report.requested_by_id != request.user.pk or not can_view_research(request.user):
        raise Http404
    return report


def report_status(request, pk):
    """Progress while the report is being made (the page refreshes itself), then the link."""
    report = _report_for(request, pk)
    return render(request, "research/report.html", {"report": report})


@require_safe
def report_download(request, pk):
    report = _report_for(request, pk)
    if not report.is_ready or not report.file:
        raise Http404
    log_access(
        request,
        request.user,
        AccessAction.PRINT,
        detail={"report": report.pk, "filters": report.query},
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"tevredenheid-en-resultaten-{report.created_at:%Y%m%d}.pdf",
        content_type="application/pdf",
    )
