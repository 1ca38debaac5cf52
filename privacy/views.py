from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from coordinators.services import current_assignment
from ekc import formatting
from ekc.audit import AccessAction, log_access, log_access_many
from ekc.editing import submit_once
from ekc.rules import allowed, require
from ekc.second_factor import require_recent_second_factor
from privacy import services
from privacy.access_report import access_report as access_report_of
from privacy.access_report import subject_of, subjects
from privacy.forms import ConsentWithdrawalForm, RightsDecisionForm, RightsRequestForm
from privacy.models import RequestKind, RequestOutcome
from privacy.register import RegisterFileError
from privacy.rules import can_see_requests
from privacy.selectors import decided_requests_for, open_requests_for, requests_for
from referrals.selectors import get_referral_for
from referrals.services import TransitionError
from research.models import SurveyInvitation


def consent_withdraw(request, pk):
    """Record withdrawn consent: the form (date, note), then a page that says what
    will happen, then the step itself. Only a confirmed form reaches the service,
    which decides (the same rule) when the case changed in between."""
    user = request.user
    referral = get_referral_for(user, pk)
    form = ConsentWithdrawalForm(
        request.POST or None, initial={"withdrawn_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid() and "confirm" in request.POST:
        try:
            services.consent_withdraw(referral=referral, actor=user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Recorded: the family withdrew its consent. The case has ended.")
            )
        return redirect("referrals:detail", pk=pk)
    require(allowed("privacy.withdraw_consent", user, referral))
    log_access(request, referral, AccessAction.VIEW, detail={"page": "consent_withdraw"})
    context = {"referral": referral, "form": form}
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        context.update(
            confirming=True,
            assignment=current_assignment(referral),
            open_survey_links=SurveyInvitation.objects.filter(
                referral=referral, used_at__isnull=True, expires_at__gt=now
            ).count(),
        )
    return render(request, "privacy/consent_withdraw.html", context)


ACCESS_FORMATS = ("page", "pdf", "json")


@require_safe
def access_report(request, pk):
    """The right of access: choose the person, then read the report on the page, or
    download it as a PDF or a JSON file. Every report made is in the access log."""
    user = request.user
    referral = get_referral_for(user, pk)
    require(allowed("privacy.produce_access_report", user, referral))
    people = subjects(referral)
    key = request.GET.get("person", "")
    fmt = request.GET.get("format", "page")
    person = subject_of(referral, key) if key else None
    if person is None or fmt not in ACCESS_FORMATS:
        log_access(request, referral, AccessAction.VIEW, detail={"page": "access_report"})
        # Asked for a report without a person, or for one of another case.
        asked = key or "format" in request.GET
        error = _("Choose a person of this case.") if asked and person is None else ""
        return render(
            request,
            "privacy/access_report.html",
            {"referral": referral, "people": people, "error": error, "chosen": key},
        )
    # The report lists who opened the file: like the access log, it asks for a
    # recent second factor.
    if step_up := require_recent_second_factor(request):
        return step_up
    report = access_report_of(referral, person)
    action = AccessAction.VIEW if fmt == "page" else AccessAction.EXPORT
    log_access(
        request, referral, action, detail={"page": "access_report", "person": key, "format": fmt}
    )
    name = f"inzage-{referral.display_reference}-{key}"
    if fmt == "json":
        response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    if fmt == "pdf":
        response = HttpResponse(render_access_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return render(
        request,
        "privacy/access_report.html",
        {"referral": referral, "people": people, "report": report, "chosen": key},
    )


def render_access_pdf(report):
    html = render_to_string("privacy/pdf/access_report.html", {"report": report})
    from weasyprint import HTML  # the system's Pango is needed only for PDFs

    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@require_safe
def requests(request):
    """The region's requests about files: open ones by deadline, then the decided."""
    user = request.user
    require(can_see_requests(user))
    open_requests = list(open_requests_for(user))
    decided = list(decided_requests_for(user))
    shown = [r.referral for r in open_requests + decided if not r.referral.destroyed_at]
    log_access_many(request, shown, AccessAction.LIST, detail={"page": "rights_requests"})
    return render(
        request,
        "privacy/requests.html",
        {"open_requests": open_requests, "decided": decided, "today": timezone.localdate()},
    )


@submit_once
def case_requests(request, pk):
    """A case's requests, and the form to record a new one."""
    user = request.user
    referral = get_referral_for(user, pk)
    require(allowed("privacy.record_request", user, referral))
    form = RightsRequestForm(
        request.POST or None, referral=referral, initial={"requested_on": timezone.localdate()}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = services.rights_request_record(
                    referral=referral, actor=user, **form.cleaned_data
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Request recorded. Answer it before %(day)s.")
                    % {"day": formatting.day(recorded.due_on)},
                )
                return redirect("privacy:request", pk=recorded.pk)
        messages.error(request, _("Not saved yet: check the fields marked in red."))
    log_access(request, referral, AccessAction.VIEW, detail={"page": "rights_requests"})
    names = dict(subjects(referral))
    recorded = [(r, names.get(r.subject, "—")) for r in referral.rights_requests.all()]
    return render(
        request,
        "privacy/case_requests.html",
        {
            "referral": referral,
            "form": form,
            "recorded": recorded,
            "today": timezone.localdate(),
        },
    )


def rights_request(request, pk):
    """One request: what was asked, the deadline, and the decision (while open)."""
    user = request.user
    asked = get_object_or_404(requests_for(user), pk=pk)
    referral = asked.referral
    if referral.destroyed_at:
        # Only the record of the decision is left; the file is gone.
        return render(request, "privacy/request.html", {"asked": asked, "destroyed": True})
    require(allowed("privacy.decide_request", user, referral))
    blocker = (
        services.destruction_blocker(referral) if asked.kind == RequestKind.DESTRUCTION else ""
    )
    form = None
    if asked.is_open:
        form = RightsDecisionForm(
            request.POST or None,
            rights_request=asked,
            initial={"decided_on": timezone.localdate()},
            can_destroy=not blocker,
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This request has been decided already."))
            return redirect("privacy:request", pk=pk)
        if form.is_valid():
            try:
                decided = services.rights_request_decide(
                    rights_request=asked, actor=user, **form.cleaned_data
                )
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("privacy:request", pk=pk)
            except RegisterFileError:
                # Destroyed and committed; only the file outside the database lags
                # (logged; the nightly retention run adds the line).
                messages.warning(
                    request,
                    _(
                        "The file has been destroyed, but the destruction register file "
                        "could not be written. Tell the administrator."
                    ),
                )
                return redirect("privacy:requests")
            if decided.outcome == RequestOutcome.DESTROYED:
                referral.refresh_from_db(fields=["pseudonym"])
                messages.success(
                    request,
                    _(
                        "The file has been destroyed. The destruction register names it "
                        "%(pseudonym)s."
                    )
                    % {"pseudonym": referral.pseudonym},
                )
                return redirect("privacy:requests")
            messages.success(request, _("Decision saved."))
            return redirect("privacy:request", pk=pk)
        messages.error(request, _("Not saved yet: check the fields marked in red."))
    log_access(request, referral, AccessAction.VIEW, detail={"page": "rights_request"})
    return render(
        request,
        "privacy/request.html",
        {
            "asked": asked,
            "referral": referral,
            "person": dict(subjects(referral)).get(asked.subject, "—"),
            "form": form,
            "blocker": blocker,
            "today": timezone.localdate(),
        },
    )
