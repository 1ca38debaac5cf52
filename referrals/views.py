from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ekc.audit import AccessAction, log_access, log_access_many
from ekc.editing import StaleEdit, refuse_stale, submit_once
from ekc.rules import require
from referrals import selectors, services
from referrals.filters import WorkQueueFilter
from referrals.forms import (
    ConsentForm,
    ReasonForm,
    ReferralForm,
    StopForm,
    build_formsets,
)
from referrals.lifecycle import CaseStatus, Transition, can_transition
from referrals.models import Referral
from referrals.rules import (
    CURRENT_ASSIGNMENT,
    can_edit_referral,
    can_manage_referral,
    can_register_referrals,
    can_reopen_referral,
    can_see_referral_lists,
    can_stop_referral,
)

PAGE_SIZE = 25


def get_referral_for(user, pk):
    """The case if ``user`` may see it; 404 otherwise (outsiders learn nothing)."""
    try:
        return selectors.referrals_for(user).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None


def referral_list(request):
    user = request.user
    require(can_see_referral_lists(user))
    filters = WorkQueueFilter(request.GET or None, user=user)
    queue = filters.qs
    # Count and page over ids only (from the queue index), then load the page's cases.
    page = Paginator(queue.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    cases = selectors.in_order(queue, page.object_list)
    cutoffs = selectors.attention_cutoffs()
    now = timezone.now()
    rows = [
        {
            "referral": referral,
            "flags": selectors.flags_for(referral, cutoffs),
            "waiting_days": (now - referral.status_changed_at).days,
        }
        for referral in cases
    ]
    # Every row shown is in the access log: as a search result, or as listed.
    if filters.search:
        log_access_many(request, cases, AccessAction.SEARCH, detail={"query": filters.search})
    else:
        log_access_many(request, cases, AccessAction.LIST, detail={"page": "work_queue"})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "form": filters.form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "show_filters": user.is_regional_manager or user.is_superuser,
            "can_create": can_register_referrals(user),
        },
    )


def _final_action(request):
    return "submit" in request.POST or "register" in request.POST


def _referral_form_page(request, referral=None):
    """Create or edit: the referral with its rows. Drafts save with little; sending
    (submit/register) needs the essentials, shown as errors next to the fields."""
    user = request.user
    is_manager = user.is_regional_manager or user.is_superuser
    if request.method == "POST":
        add = request.POST.get("add_row")
        final = _final_action(request)
        form = ReferralForm(request.POST, instance=referral, user=user, final=final)
        formsets = build_formsets(request.POST, instance=referral or Referral(), add=add)
        if add:
            # "Add a row" re-shows the form with one more empty row; nothing is saved.
            for formset in formsets.values():
                formset._errors = []
            form._errors = {}
            return _render_form(request, form, formsets, referral, added=add)
        valid = form.is_valid() and all(f.is_valid() for f in formsets.values())
        if valid and final and not _has_main_person(formsets["main_persons"]):
            messages.error(request, _("Add at least one main person before you send the referral."))
            valid = False
        if valid:
            try:
                referral = _save_referral(request, form, formsets, referral)
            except StaleEdit as stale:
                refuse_stale(form, stale, url=reverse("referrals:detail", args=[referral.pk]))
                return _render_form(request, form, formsets, referral)
            except services.TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("referrals:edit", pk=referral.pk)
            return redirect("referrals:detail", pk=referral.pk)
        messages.error(request, _("Not saved yet: check the fields marked in red."))
    else:
        form = ReferralForm(instance=referral, user=user)
        formsets = build_formsets(instance=referral or Referral())
    return _render_form(request, form, formsets, referral, is_manager=is_manager)


def _has_main_person(formset):
    return any(
        f.cleaned_data and f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
        for f in formset.forms
    )


def _render_form(request, form, formsets, referral, added=None, is_manager=None):
    user = request.user
    if is_manager is None:
        is_manager = user.is_regional_manager or user.is_superuser
    if referral is not None:
        log_access(request, referral, AccessAction.VIEW, detail={"page": "edit"})
    return render(
        request,
        "referrals/form.html",
        {
            "form": form,
            "formsets": formsets,
            "referral": referral,
            "added": added,
            "is_manager": is_manager,
            "can_send": referral is None
            or referral.status in (CaseStatus.DRAFT, CaseStatus.RETURNED),
        },
    )


@transaction.atomic
def _save_referral(request, form, formsets, referral):
    user = request.user
    data = dict(form.cleaned_data)
    if referral is None:
        organization = data.pop("organization", None) or user.organization
        referrer = data.pop("referrer", None)
        referral = services.referral_create(
            actor=user, organization=organization, referrer=referrer, **data
        )
    else:
        if "organization" in data:
            data["region"] = data["organization"].region
        referral = services.referral_update(
            referral=referral,
            actor=user,
            version=form.read_version,
            fields=data,
        )
    for formset in formsets.values():
        formset.instance = referral
        formset.save()
    if "submit" in request.POST:
        referral = services.referral_submit(referral=referral, actor=user)
        messages.success(request, _("The referral has been sent to the regional manager."))
    elif "register" in request.POST:
        referral = services.referral_register(referral=referral, actor=user)
        messages.success(
            request, _("The referral has been registered as %(ref)s.") % {"ref": referral.reference}
        )
    else:
        messages.success(request, _("Saved as a draft. You can finish it later."))
    return referral


@submit_once
def referral_create(request):
    require(can_register_referrals(request.user))
    return _referral_form_page(request)


def referral_edit(request, pk):
    referral = get_referral_for(request.user, pk)
    require(can_edit_referral(request.user, referral))
    return _referral_form_page(request, referral)


def referral_detail(request, pk):
    user = request.user
    try:
        referral = selectors.referral_detail(user, pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    log_access(request, referral, AccessAction.VIEW)
    assignments = list(referral.assignments.select_related("coordinator__user"))
    current = next((a for a in assignments if a.status in CURRENT_ASSIGNMENT), None)
    is_case_coordinator = bool(current and current.coordinator.user_id == user.pk)
    manage = can_manage_referral(user, referral)
    status = referral.status
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": referral.events.all(),
            "consents": referral.consents.all(),
            "assignments": assignments,
            "current_assignment": current,
            "can_manage": manage,
            "can_edit": can_edit_referral(user, referral),
            "can_stop": can_stop_referral(user, referral),
            "can_reopen": can_reopen_referral(user, referral)
            and can_transition(status, Transition.REOPEN),
            "can_submit": user.is_referrer
            and user.organization_id == referral.organization_id
            and can_transition(status, Transition.SUBMIT),
            "can_register": manage and can_transition(status, Transition.REGISTER),
            "can_take_in": manage and can_transition(status, Transition.TAKE_IN),
            "can_record_consent": (manage or can_edit_referral(user, referral))
            and status not in (CaseStatus.CLOSED, CaseStatus.STOPPED),
            "can_match": manage and status == CaseStatus.REGISTERED,
            "is_case_coordinator": is_case_coordinator,
            "missing": services.missing_for_registration(referral)
            if status in (CaseStatus.DRAFT, CaseStatus.RETURNED)
            else [],
            "consent_form": ConsentForm(),
        },
    )


def _action(request, pk, check, service, success, **kwargs):
    referral = get_referral_for(request.user, pk)
    require(check(request.user, referral))
    try:
        service(referral=referral, actor=request.user, **kwargs)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("referrals:detail", pk=pk)


@require_POST
def referral_submit(request, pk):
    return _action(
        request,
        pk,
        lambda u, r: u.is_referrer and u.organization_id == r.organization_id,
        services.referral_submit,
        _("The referral has been sent to the regional manager."),
    )


@require_POST
def referral_register(request, pk):
    return _action(
        request,
        pk,
        can_manage_referral,
        services.referral_register,
        _("The referral is registered."),
    )


@require_POST
def referral_take_in(request, pk):
    return _action(
        request,
        pk,
        can_manage_referral,
        services.referral_take_in,
        _("The referral is taken in. You can now look for a coordinator."),
    )


def _reason_page(
    request, pk, *, check, service, form_class, title, intro, button, success, **extra
):
    referral = get_referral_for(request.user, pk)
    require(check(request.user, referral))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(referral=referral, actor=request.user, **form.cleaned_data, **extra)
        except services.TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
        return redirect("referrals:detail", pk=pk)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "reason"})
    return render(
        request,
        "referrals/reason.html",
        {"referral": referral, "form": form, "title": title, "intro": intro, "button": button},
    )


def referral_return(request, pk):
    return _reason_page(
        request,
        pk,
        check=can_manage_referral,
        service=services.referral_return,
        form_class=ReasonForm,
        title=_("Send back to the referrer"),
        intro=_("Say what is missing or needs to change. The referrer gets your reason by email."),
        button=_("Send back"),
        success=_("The referral has been sent back to the referrer."),
    )


def referral_stop(request, pk):
    return _reason_page(
        request,
        pk,
        check=can_stop_referral,
        service=services.referral_stop,
        form_class=StopForm,
        title=_("End without a conference"),
        intro=_(
            "The case ends without a conference. The reason is kept for research: "
            "why referrals do not lead to a conference is important to know."
        ),
        button=_("End the case"),
        success=_("The case has ended without a conference."),
    )


def referral_reopen(request, pk):
    return _reason_page(
        request,
        pk,
        check=can_reopen_referral,
        service=services.referral_reopen,
        form_class=ReasonForm,
        title=_("Reopen the case"),
        intro=_("The case goes back to the state it had before it ended. Say why."),
        button=_("Reopen"),
        success=_("The case has been reopened."),
    )


@require_POST
@submit_once
def consent_add(request, pk):
    referral = get_referral_for(request.user, pk)
    require(
        can_manage_referral(request.user, referral) or can_edit_referral(request.user, referral)
    )
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_record(referral=referral, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The family's consent has been recorded."))
        return redirect(reverse("referrals:detail", args=[pk]) + "#consent")
    log_access(request, referral, AccessAction.VIEW, detail={"page": "consent"})
    return render(
        request,
        "referrals/consent_form.html",
        {"referral": referral, "form": form},
    )
