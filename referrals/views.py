from django.conf import settings
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
from ekc.rules import allowed, is_region_staff, require
from referrals import selectors, services, timeline
from referrals.filters import WorkQueueFilter
from referrals.forms import (
    ConsentForm,
    FamilyLinkForm,
    ReasonForm,
    ReferralForm,
    StopForm,
    build_formsets,
)
from referrals.lifecycle import (
    CURRENT_ASSIGNMENT,
    TRANSFERABLE,
    WITH_REFERRER,
    CaseStatus,
    TransferStatus,
)
from referrals.models import Referral
from referrals.rules import can_register_referrals, can_see_referral_lists
from referrals.selectors import get_referral_for
from referrals.sending import labels, missing_of

PAGE_SIZE = 25


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
    show_warnings = allowed("referrals.see_queue_warnings", user)
    now = timezone.now()
    rows = [
        {
            "referral": referral,
            "flags": selectors.flags_for(referral, cutoffs) if show_warnings else [],
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
            "includes_ended": filters.search_includes_ended,
            "show_filters": is_region_staff(user),
            "show_warnings": show_warnings,
            "show_organization": allowed("referrals.see_organization_column", user),
            "can_create": can_register_referrals(user),
        },
    )


def _final_action(request):
    return "submit" in request.POST or "register" in request.POST


def _referral_form_page(request, referral=None):
    """Create or edit: the referral with its rows. Drafts save with little; sending
    (submit/register) needs the essentials, shown as errors next to the fields."""
    user = request.user
    if request.method == "POST":
        add = request.POST.get("add_row")
        final = _final_action(request)
        formsets = build_formsets(request.POST, instance=referral or Referral(), add=add)
        form = ReferralForm(
            request.POST,
            instance=referral,
            user=user,
            final=final,
            main_persons=formsets["main_persons"],
        )
        if add:
            # "Add a row" re-shows the form with one more empty row; nothing is saved.
            for formset in formsets.values():
                formset._errors = []
            form._errors = {}
            return _render_form(request, form, formsets, referral, added=add)
        if form.is_valid() and all(f.is_valid() for f in formsets.values()):
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
    return _render_form(request, form, formsets, referral)


def _render_form(request, form, formsets, referral, added=None):
    user = request.user
    if referral is None:
        # A new referral: a regional manager registers it, a referrer sends it.
        can_register = is_region_staff(user)
        can_submit = not can_register
    else:
        log_access(request, referral, AccessAction.VIEW, detail={"page": "edit"})
        can_register = allowed("referrals.register_referral", user, referral)
        can_submit = allowed("referrals.submit_referral", user, referral)
    return render(
        request,
        "referrals/form.html",
        {
            "form": form,
            "formsets": formsets,
            "referral": referral,
            "added": added,
            "can_register": can_register,
            "can_submit": can_submit,
        },
    )


@transaction.atomic
def _save_referral(request, form, formsets, referral):
    # One transaction: a referral that cannot be sent is not saved either.
    user = request.user
    data = dict(form.cleaned_data)
    children = {name: formset.changes() for name, formset in formsets.items()}
    if referral is None:
        organization = data.pop("organization", None) or user.organization
        referrer = data.pop("referrer", None)
        referral = services.referral_create(
            actor=user, organization=organization, referrer=referrer, children=children, **data
        )
    else:
        if "organization" in data:
            data["region"] = data["organization"].region
        referral = services.referral_update(
            referral=referral,
            actor=user,
            version=form.read_version,
            fields=data,
            children=children,
        )
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
    require(allowed("referrals.edit_referral", request.user, referral))
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
    # A transfer to another coordinator (coordinators app) waits only on an accepted
    # one, before the conference (held, it can no longer be accepted).
    open_transfer = None
    if current is not None and current.is_accepted and referral.status in TRANSFERABLE:
        open_transfer = (
            referral.transfers.filter(status=TransferStatus.OPEN)
            .select_related("to_coordinator__user")
            .first()
        )
        if open_transfer is not None:
            open_transfer.referral = referral
    # Which steps are offered: the template asks each action's rule ({% allowed %}).
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "timeline": timeline.entries(referral.events.all()),
            "consents": referral.consents.all(),
            "assignments": assignments,
            "current_assignment": current,
            "open_transfer": open_transfer,
            "missing": labels(missing_of(referral)) if referral.status in WITH_REFERRER else [],
            "consent_form": ConsentForm(),
            "retention_years": settings.RETENTION_YEARS,
            "family_cases": selectors.family_cases(user, referral)
            if referral.previous_id or referral.has_later_cases
            else [],
            "family_matches": _family_matches(user, referral),
        },
    )


# While the region registers a case, EKC looks for the family's earlier cases.
FAMILY_MATCH_STATES = (CaseStatus.SUBMITTED, CaseStatus.REGISTERED)


def _family_matches(user, referral):
    if referral.previous_id or referral.status not in FAMILY_MATCH_STATES:
        return []
    if not allowed("referrals.link_family", user, referral):
        return []
    return selectors.family_matches(user, referral)


def family_link(request, pk):
    """Link the case to an earlier case of the same family: one EKC found, or one
    whose reference the regional manager knows."""
    referral = get_referral_for(request.user, pk)
    require(allowed("referrals.link_family", request.user, referral))
    form = FamilyLinkForm(request.POST or None, cases=selectors.referrals_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.family_link(
                referral=referral, previous=form.cleaned_data["found"], actor=request.user
            )
        except services.TransitionError as exc:
            form.add_error("reference" if form.cleaned_data.get("reference") else None, str(exc))
        else:
            messages.success(request, _("The case is linked to the family's earlier case."))
            return redirect(reverse("referrals:detail", args=[pk]) + "#family")
    log_access(request, referral, AccessAction.VIEW, detail={"page": "family_link"})
    return render(
        request,
        "referrals/family_link.html",
        {
            "referral": referral,
            "form": form,
            "matches": []
            if referral.previous_id
            else selectors.family_matches(request.user, referral),
        },
    )


@require_POST
def family_unlink(request, pk):
    referral = get_referral_for(request.user, pk)
    require(allowed("referrals.link_family", request.user, referral))
    services.family_unlink(referral=referral, actor=request.user)
    messages.success(request, _("The link to the earlier case is removed."))
    return redirect(reverse("referrals:detail", args=[pk]) + "#family")


def _action(request, pk, service, success, **kwargs):
    """A step that is only a button: its service requires the step's rule."""
    referral = get_referral_for(request.user, pk)
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
        services.referral_submit,
        _("The referral has been sent to the regional manager."),
    )


@require_POST
def referral_register(request, pk):
    return _action(
        request,
        pk,
        services.referral_register,
        _("The referral is registered."),
    )


@require_POST
def referral_take_in(request, pk):
    return _action(
        request,
        pk,
        services.referral_take_in,
        _("The referral is taken in. You can now look for a coordinator."),
    )


def _reason_page(
    request, pk, *, action, service, form_class, title, intro, button, success, **extra
):
    """The form of a step that needs a reason. The form is offered only when the
    step's rule allows it; a sent form is decided by the service (same rule)."""
    referral = get_referral_for(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(referral=referral, actor=request.user, **form.cleaned_data, **extra)
        except services.TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
        return redirect("referrals:detail", pk=pk)
    require(allowed(action, request.user, referral))
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
        action="referrals.return_referral",
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
        action="referrals.stop_referral",
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
        action="referrals.reopen_referral",
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
    require(allowed("referrals.record_consent", request.user, referral))
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
