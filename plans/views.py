from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ekc.audit import AccessAction, log_access, log_access_many
from ekc.editing import OUT_OF_DATE, OnceForm, StaleEdit, refuse_stale, submit_once
from ekc.forms import with_added_row
from ekc.rules import allowed, is_administrator, region_ids, require, require_actor
from plans import services
from plans.forms import (
    AgreementFormSet,
    CloseForm,
    DecisionForm,
    EvaluationDateFormSet,
    EvaluationForm,
    HelpForm,
    PlanForm,
)
from plans.models import Agreement, EvaluationDecision, FamilyPlan
from plans.pdf import agreements_by_domain, render_plan_pdf
from plans.rules import can_view_plan, can_write_plan
from plans.scans import served_type
from plans.selectors import waiting_help_requests
from referrals.selectors import get_referral_for
from referrals.services import TransitionError


def _plans(referral):
    return referral.plans.select_related("decision__decided_by", "conference").prefetch_related(
        "agreements", "evaluation_moments"
    )


def _plan_for(request, plan_pk):
    """A plan version the user may see (404 for outsiders, whatever the reason)."""
    plan = get_object_or_404(FamilyPlan.objects.select_related("referral"), pk=plan_pk)
    referral = get_referral_for(request.user, plan.referral_id)
    if not can_view_plan(request.user, referral):
        raise Http404
    return plan, referral


def plan_page(request, pk, version=None, decision_form=None):
    """The current plan (or an earlier version) beside the bounds, with the decision."""
    referral = get_referral_for(request.user, pk)
    require(can_view_plan(request.user, referral))
    plans = list(_plans(referral))
    if version is not None:
        plan = next((p for p in plans if p.version == version), None)
        if plan is None:
            raise Http404
    else:
        plan = plans[0] if plans else None
    log_access(
        request,
        referral,
        AccessAction.VIEW,
        detail={"page": "plan", "version": plan.version if plan else None},
    )
    is_current = bool(plan and plans and plan.pk == plans[0].pk)
    decision = getattr(plan, "decision", None) if plan else None
    # Which steps are offered: the template asks each action's rule ({% allowed %}).
    return render(
        request,
        "plans/plan.html",
        {
            "referral": referral,
            "plan": plan,
            "plans": plans,
            "is_current": is_current,
            "groups": agreements_by_domain(plan.agreements.all()) if plan else [],
            "decision": decision,
            "days_to_decision": services.days_from_conference_to_decision(plan) if plan else None,
            "decision_form": decision_form or DecisionForm(),
            "evaluations": plan.evaluations.prefetch_related("items").select_related("recorded_by")
            if plan
            else [],
        },
    )


def plan_version(request, pk, version):
    return plan_page(request, pk, version=version)


@require_POST
@submit_once
def plan_start(request, pk):
    referral = get_referral_for(request.user, pk)
    if not OnceForm(request.POST).is_valid():
        messages.error(request, OUT_OF_DATE)
        return redirect("plans:plan", pk=pk)
    try:
        plan = services.plan_start(referral=referral, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("plans:plan", pk=pk)
    return redirect("plans:edit", plan_pk=plan.pk)


def plan_edit(request, plan_pk):
    """Type in the plan as the family wrote it. Rows are added without reloading
    (with JavaScript) or with the "add a row" button (without)."""
    plan, referral = _plan_for(request, plan_pk)
    require(can_write_plan(request.user, referral))
    if plan.is_frozen:
        messages.info(
            request, _("This plan has been submitted and cannot change. Make a new version.")
        )
        return redirect("plans:plan", pk=referral.pk)
    if request.method == "POST":
        add = request.POST.get("add_row")
        data = with_added_row(request.POST, add) if add in ("agreements", "dates") else request.POST
        form = PlanForm(data, request.FILES, instance=plan)
        agreements = AgreementFormSet(data, prefix="agreements")
        dates = EvaluationDateFormSet(data, prefix="dates")
        if add:
            form.errors.clear()
            agreements._errors, dates._errors = [], []
        elif form.is_valid() and agreements.is_valid() and dates.is_valid():
            rows = [
                f.cleaned_data
                for f in agreements
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            days = [f.cleaned_data["due_on"] for f in dates if f.cleaned_data.get("due_on")]
            if "submit" in request.POST and not rows:
                messages.error(request, _("A plan needs at least one agreement."))
            else:
                try:
                    services.plan_save(
                        plan=plan,
                        actor=request.user,
                        version=form.read_version,
                        fields={k: form.cleaned_data[k] for k in services.PLAN_FIELDS},
                        agreements=rows,
                        evaluation_dates=days,
                        # A new file (checked by the form), False when cleared.
                        scan=form.cleaned_data["scan"] if "scan" in form.changed_data else None,
                    )
                    if "submit" in request.POST:
                        services.plan_submit(plan=plan, actor=request.user)
                        messages.success(
                            request, _("The plan has been sent to the referrer for a decision.")
                        )
                        return redirect("plans:plan", pk=referral.pk)
                except StaleEdit as stale:
                    refuse_stale(form, stale, url=reverse("plans:plan", args=[referral.pk]))
                except TransitionError as exc:
                    messages.error(request, str(exc))
                    return redirect("plans:plan", pk=referral.pk)
                else:
                    messages.success(request, _("The plan has been saved."))
                    return redirect("plans:edit", plan_pk=plan.pk)
        else:
            messages.error(request, _("Not saved yet: check the fields marked in red."))
    else:
        form = PlanForm(instance=plan)
        initial = [
            {
                n: getattr(a, n)
                for n in ("what", "who", "when", "life_domain", "carried_by", "organization_type")
            }
            for a in plan.agreements.all()
        ]
        agreements = AgreementFormSet(prefix="agreements", initial=initial)
        agreements.extra = 0 if initial else 1
        dates = EvaluationDateFormSet(
            prefix="dates", initial=[{"due_on": m.due_on} for m in plan.evaluation_moments.all()]
        )
    return render(
        request,
        "plans/edit.html",
        {
            "plan": plan,
            "referral": referral,
            "form": form,
            "agreements": agreements,
            "dates": dates,
        },
    )


@require_POST
@submit_once
def plan_new_version(request, plan_pk):
    plan, referral = _plan_for(request, plan_pk)
    if not OnceForm(request.POST).is_valid():
        messages.error(request, OUT_OF_DATE)
        return redirect("plans:plan", pk=referral.pk)
    try:
        new = services.plan_new_version(plan=plan, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("plans:plan", pk=referral.pk)
    messages.success(
        request,
        _("Version %(v)s has been made. Change it, then submit it again.") % {"v": new.version},
    )
    return redirect("plans:edit", plan_pk=new.pk)


@require_POST
@submit_once
def plan_decide(request, plan_pk):
    plan, referral = _plan_for(request, plan_pk)
    require_actor("plans.decide_plan", request.user, plan)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.plan_decide(plan=plan, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Your decision is saved. The coordinator and the regional manager know it now."),
            )
        return redirect("plans:plan", pk=referral.pk)
    messages.error(request, _("Not saved yet: check the fields marked in red."))
    return plan_page(request, referral.pk, decision_form=form)


@require_safe
def plan_pdf(request, plan_pk):
    plan, referral = _plan_for(request, plan_pk)
    plan = (
        FamilyPlan.objects.select_related("referral", "conference", "decision__decided_by")
        .prefetch_related("agreements", "evaluation_moments")
        .get(pk=plan.pk)
    )
    pdf = render_plan_pdf(plan)
    log_access(
        request, referral, AccessAction.PRINT, detail={"document": "plan", "version": plan.version}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{referral.reference}-v{plan.version}.pdf"'
    )
    return response


@require_safe
def plan_scan(request, plan_pk):
    """The scan of the written plan, only for those who may see the case."""
    plan, referral = _plan_for(request, plan_pk)
    if not plan.scan:
        raise Http404
    handle = plan.scan.open("rb")
    kind = served_type(plan.scan.name, handle.read(16))
    handle.seek(0)
    log_access(
        request,
        referral,
        AccessAction.VIEW,
        detail={"document": "plan scan", "version": plan.version},
    )
    response = FileResponse(
        handle,
        content_type=kind.content_type if kind else "application/octet-stream",
        as_attachment=True,
        filename=f"plan-{referral.reference}-scan{kind.extension if kind else ''}",
    )
    # Uploaded content: the browser must never guess another type (the middleware
    # sets this too; a scan keeps it whatever the settings say).
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def help_record(request, agreement_pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("plan__referral"), pk=agreement_pk
    )
    referral = get_referral_for(request.user, agreement.plan.referral_id)
    require(allowed("plans.record_help", request.user, agreement))
    form = HelpForm(request.POST, record=agreement)
    saved_at = reverse("plans:plan", args=[referral.pk]) + f"#agreement-{agreement.pk}"
    if form.is_valid():
        try:
            services.help_record(
                agreement=agreement,
                actor=request.user,
                version=form.read_version,
                **form.cleaned_data,
            )
        except StaleEdit as stale:
            refuse_stale(form, stale, url=saved_at)
        else:
            messages.success(request, _("Saved."))
            return redirect(saved_at)
    return render(
        request, "plans/help.html", {"referral": referral, "agreement": agreement, "form": form}
    )


@submit_once
def evaluate(request, plan_pk):
    plan, referral = _plan_for(request, plan_pk)
    agreements = list(plan.agreements.all())
    form = EvaluationForm(request.POST or None, agreements=agreements)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_record(
                plan=plan,
                actor=request.user,
                held_on=data["held_on"],
                present=data["present"],
                note=data["note"],
                statuses=form.statuses(),
                decision=data["decision"],
                outcomes=data["outcomes"],
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("plans:plan", pk=referral.pk)
        if data["decision"] == EvaluationDecision.RECONVENE:
            messages.success(
                request, _("The evaluation is saved. Now schedule the follow-up conference.")
            )
            return redirect("conferences:schedule", pk=referral.pk)
        messages.success(request, _("The evaluation is saved."))
        return redirect("plans:plan", pk=referral.pk)
    require(allowed("plans.evaluate_plan", request.user, plan))
    log_access(request, referral, AccessAction.VIEW, detail={"page": "evaluation"})
    return render(
        request, "plans/evaluate.html", {"plan": plan, "referral": referral, "form": form}
    )


def case_close(request, pk):
    referral = get_referral_for(request.user, pk)
    require(allowed("plans.close_case", request.user, referral))
    # Bound on every POST: closing with nothing ticked sends no field at all.
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(referral=referral, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The case is closed."))
            referral.refresh_from_db()
            if "then_surveys" in request.POST and allowed(
                "research.invite_to_surveys", request.user, referral
            ):
                return redirect("research:survey_admin", pk=pk)
        return redirect("referrals:detail", pk=pk)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "close"})
    can_invite = allowed("research.invite_to_surveys", request.user, referral)
    return render(
        request,
        "plans/close.html",
        {"referral": referral, "form": form, "can_invite": can_invite},
    )


def waiting_help(request):
    """Requests to professionals whose help has not started, with the days waited."""
    user = request.user
    require(allowed("plans.view_waiting_help", user))
    requests = waiting_help_requests()
    if not is_administrator(user):
        requests = requests.filter(plan__referral__region__in=region_ids(user))
    today = timezone.localdate()
    rows = [
        {"agreement": a, "days": (today - timezone.localdate(a.plan.decision.decided_at)).days}
        for a in requests[:500]
    ]
    log_access_many(
        request, {row["agreement"].plan.referral for row in rows}, detail={"page": "waiting_help"}
    )
    return render(request, "plans/waiting_help.html", {"rows": rows})
