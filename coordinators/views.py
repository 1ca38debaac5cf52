from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordinators import selectors, services
from coordinators.forms import (
    ConflictForm,
    DeclineForm,
    ImportForm,
    LeaveForm,
    ProfileForm,
    ProposeForm,
    TransferDeclineForm,
    TransferForm,
)
from coordinators.importer import ImportScope, import_pool, parse_pool
from coordinators.matching import (
    family_conflicts,
    needs_interpreter,
    rank_coordinators,
)
from coordinators.models import Assignment, Coordinator, DueState, Leave, Transfer
from coordinators.rules import (
    can_edit_coordinator,
    can_import_coordinators,
    can_invite_coordinator,
    can_view_pool,
)
from ekc import pending_imports
from ekc.audit import AccessAction, log_access
from ekc.editing import OUT_OF_DATE, StaleEdit, refuse_stale, submit_once
from ekc.rules import allowed, require
from referrals.rules import can_manage_referral
from referrals.selectors import get_referral_for
from referrals.services import TransitionError, has_consent


@submit_once
def match(request, pk):
    """The ranked, eligible coordinators for a case; the manager proposes one."""
    referral = get_referral_for(request.user, pk)
    require(can_manage_referral(request.user, referral))
    if request.method == "POST":
        form = ProposeForm(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                OUT_OF_DATE
                if form.non_field_errors()
                else _("Choose a coordinator from the list."),
            )
            return redirect("coordinators:match", pk=pk)
        coordinator = form.cleaned_data["coordinator"]
        try:
            services.assignment_propose(
                referral=referral, coordinator=coordinator, actor=request.user
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("coordinators:match", pk=pk)
        messages.success(
            request,
            _("%(name)s has been asked by email. You will hear when they answer.")
            % {"name": coordinator.user.get_full_name()},
        )
        return redirect("referrals:detail", pk=pk)
    candidates = rank_coordinators(referral)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "match"})
    return render(
        request,
        "coordinators/match.html",
        {
            "referral": referral,
            "candidates": candidates,
            "consent": has_consent(referral),
            "needs_interpreter": needs_interpreter(referral, candidates),
            "family_conflicts": family_conflicts(referral),
            "conflict_form": ConflictForm(region=referral.region),
        },
    )


@require_POST
def conflict_add(request, pk):
    referral = get_referral_for(request.user, pk)
    require(can_manage_referral(request.user, referral))
    form = ConflictForm(request.POST, region=referral.region)
    if form.is_valid():
        services.conflict_record(
            referral=referral,
            coordinator=form.cleaned_data["coordinator"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The conflict of interest has been recorded."))
    else:
        messages.error(request, _("Choose a coordinator and give a reason."))
    return redirect("coordinators:match", pk=pk)


def _assignment_for(user, pk):
    """An assignment the user answers (their own), or 404."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("referral", "coordinator__user"), pk=pk
    )
    if assignment.coordinator.user_id != user.pk:
        raise Http404
    return assignment


@require_POST
def accept(request, pk):
    assignment = _assignment_for(request.user, pk)
    try:
        services.assignment_accept(assignment=assignment, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("home")
    messages.success(
        request,
        _("Thank you! You are the coordinator of %(ref)s now. Contact the family soon.")
        % {"ref": assignment.referral.reference},
    )
    return redirect("referrals:detail", pk=assignment.referral_id)


def decline(request, pk):
    assignment = _assignment_for(request.user, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_decline(
                assignment=assignment, actor=request.user, **form.cleaned_data
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You said no. The regional manager has been told."))
        return redirect("home")
    log_access(request, assignment.referral, AccessAction.VIEW, detail={"page": "decline"})
    return render(request, "coordinators/decline.html", {"assignment": assignment, "form": form})


@require_POST
def withdraw(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("referral"), pk=pk)
    referral = get_referral_for(request.user, assignment.referral_id)
    try:
        services.assignment_withdraw(assignment=assignment, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The coordinator is no longer on this case."))
    return redirect("referrals:detail", pk=referral.pk)


@submit_once
def transfer(request, pk):
    """The manager hands the case to another coordinator: the eligible candidates,
    best first, without the current one; or the open transfer, to cancel."""
    referral = get_referral_for(request.user, pk)
    require(can_manage_referral(request.user, referral))
    current = services.current_assignment(referral)
    candidates = services.transfer_candidates(referral)
    form = TransferForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if form.is_valid():
            coordinator = form.cleaned_data["coordinator"]
            try:
                services.transfer_propose(
                    referral=referral,
                    coordinator=coordinator,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("coordinators:transfer", pk=pk)
            messages.success(
                request,
                _(
                    "%(name)s has been asked by email to take over the case. Until they say"
                    " yes, %(current)s stays the coordinator."
                )
                % {
                    "name": coordinator.user.get_full_name(),
                    "current": current.coordinator.user.get_full_name(),
                },
            )
            return redirect("referrals:detail", pk=pk)
        if form.non_field_errors():
            messages.error(request, OUT_OF_DATE)
            return redirect("coordinators:transfer", pk=pk)
        messages.error(request, _("Not saved yet: check the fields marked in red."))
    open_transfer = services.open_transfer(referral)
    if open_transfer:
        open_transfer.referral = referral
    exclude = current.coordinator_id if current else None
    ranked = [c for c in rank_coordinators(referral) if c.coordinator.pk != exclude]
    log_access(request, referral, AccessAction.VIEW, detail={"page": "transfer"})
    return render(
        request,
        "coordinators/transfer.html",
        {
            "referral": referral,
            "current": current,
            "candidates": ranked,
            "form": form,
            "open_transfer": open_transfer,
            "can_transfer": allowed("coordinators.transfer_case", request.user, referral),
        },
    )


def _transfer_for(user, pk):
    """A transfer the user answers (they are asked to take over), or 404."""
    transfer = get_object_or_404(
        Transfer.objects.select_related(
            "referral", "to_coordinator__user", "from_assignment__coordinator__user"
        ),
        pk=pk,
    )
    if transfer.to_coordinator.user_id != user.pk:
        raise Http404
    return transfer


@require_POST
def transfer_accept(request, pk):
    transfer = _transfer_for(request.user, pk)
    try:
        services.transfer_accept(transfer=transfer, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("home")
    messages.success(
        request,
        _("Thank you! You are the coordinator of %(ref)s now.")
        % {"ref": transfer.referral.reference},
    )
    return redirect("referrals:detail", pk=transfer.referral_id)


@require_POST
def transfer_decline(request, pk):
    transfer = _transfer_for(request.user, pk)
    form = TransferDeclineForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.transfer_decline(transfer=transfer, actor=request.user, note=note)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You said no. The regional manager has been told."))
    return redirect("home")


@require_POST
def transfer_cancel(request, pk):
    transfer = get_object_or_404(
        Transfer.objects.select_related("referral", "to_coordinator__user"), pk=pk
    )
    referral = get_referral_for(request.user, transfer.referral_id)
    try:
        services.transfer_cancel(transfer=transfer, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The transfer has been cancelled."))
    return redirect("referrals:detail", pk=referral.pk)


@submit_once
def availability(request):
    """A coordinator keeps their languages, capacity, experience and leave up to date."""
    coordinator = getattr(request.user, "coordinator_profile", None)
    if coordinator is None or not can_edit_coordinator(request.user, coordinator):
        raise PermissionDenied
    profile_form = ProfileForm(
        request.POST if "save_profile" in request.POST else None, instance=coordinator
    )
    leave_form = LeaveForm(request.POST if "add_leave" in request.POST else None)
    if request.method == "POST":
        if "save_profile" in request.POST and profile_form.is_valid():
            try:
                services.coordinator_update_profile(
                    coordinator=coordinator,
                    actor=request.user,
                    version=profile_form.read_version,
                    **profile_form.cleaned_data,
                )
            except StaleEdit as stale:
                refuse_stale(profile_form, stale, url=request.path)
            else:
                messages.success(request, _("Your details have been saved."))
                return redirect("coordinators:availability")
        elif "add_leave" in request.POST and leave_form.is_valid():
            services.leave_add(
                coordinator=coordinator, actor=request.user, **leave_form.cleaned_data
            )
            messages.success(request, _("Your leave has been saved. You get no new cases then."))
            return redirect("coordinators:availability")
        else:
            messages.error(request, _("Not saved yet: check the fields marked in red."))
    leaves = coordinator.leaves.filter(end__gte=timezone.localdate())
    return render(
        request,
        "coordinators/availability.html",
        {
            "coordinator": coordinator,
            "profile_form": profile_form,
            "leave_form": leave_form,
            "leaves": leaves,
        },
    )


@require_POST
def leave_delete(request, pk):
    leave = get_object_or_404(Leave.objects.select_related("coordinator__user"), pk=pk)
    if not can_edit_coordinator(request.user, leave.coordinator):
        raise Http404
    services.leave_remove(leave=leave, actor=request.user)
    messages.success(request, _("The leave has been removed."))
    return redirect("coordinators:availability")


def pool(request):
    """The coordinators of the manager's regions, with workload, leave, and who is due
    for a refresher course or an evaluation; open questions to serve a region."""
    require(can_view_pool(request.user))
    today = timezone.localdate()
    coordinators = list(selectors.pool_for(request.user))
    for c in coordinators:
        c.refresher = c.refresher_state(today)
        c.evaluation = c.evaluation_state(today)
    due = [c for c in coordinators if c.refresher != DueState.OK or c.evaluation != DueState.OK]
    only_due = request.GET.get("due") == "on"
    return render(
        request,
        "coordinators/pool.html",
        {
            "coordinators": due if only_due else coordinators,
            "due_count": len(due),
            "only_due": only_due,
            "region_requests": list(selectors.open_region_requests_for(request.user)),
            "can_import": can_import_coordinators(request.user),
        },
    )


@require_POST
def invite(request, pk):
    coordinator = get_object_or_404(
        Coordinator.objects.select_related("user").prefetch_related("user__regions"), pk=pk
    )
    if not can_invite_coordinator(request.user, coordinator):
        raise Http404
    with transaction.atomic():
        services.coordinator_invite(coordinator=coordinator, actor=request.user)
    messages.success(
        request,
        _("%(name)s gets an email with a link to choose a password.")
        % {"name": coordinator.user.get_full_name()},
    )
    return redirect("coordinators:pool")


def import_view(request):
    """Upload a pool CSV, see a preview with every error, then confirm. The upload
    waits in the private storage (``ekc.pending_imports``) until then."""
    require(can_import_coordinators(request.user))
    pending = {"kind": "coordinators", "user": request.user, "suffix": ".csv"}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            name = pending_imports.waiting(request.POST.get("upload"), **pending)
        except pending_imports.Expired:
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect("coordinators:import")
        try:
            scope = ImportScope.for_user(request.user)
            parsed = parse_pool(pending_imports.text(name), scope=scope)
            try:
                created, updated = import_pool(parsed, scope=scope)
            except ValueError:
                messages.error(request, _("The file has errors; nothing has been imported."))
                return redirect("coordinators:import")
        finally:
            pending_imports.discard(name)
        messages.success(
            request,
            _("Imported: %(created)s new coordinators, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("coordinators:pool")
    form = ImportForm(request.POST or None, request.FILES or None)
    parsed = token = None
    if request.method == "POST" and form.is_valid():
        parsed = parse_pool(form.cleaned_data["file"], scope=ImportScope.for_user(request.user))
        if parsed.ok:
            token, _name = pending_imports.keep(form.cleaned_data["file"], **pending)
    return render(
        request,
        "coordinators/import.html",
        {"form": form, "parsed": parsed, "upload_token": token},
    )
