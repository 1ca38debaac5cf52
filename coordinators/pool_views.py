"""The pool record (issue 17): courses, meetings and evaluations of coordinators, and
their questions to serve another region. Rules in coordinators/rules.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coordinators import selectors, services
from coordinators.forms import (
    EvaluationForm,
    MeetingForm,
    RegionDecisionForm,
    RegionRequestForm,
    TrainingForm,
)
from coordinators.models import Coordinator, Evaluation, Meeting, RegionRequest, Training
from coordinators.rules import (
    can_record_meeting,
    can_record_pool,
    can_view_pool,
    can_view_record,
    decides_for_region,
    has_coordinator_profile,
)
from ekc.audit import AccessAction, log_access
from ekc.editing import StaleEdit, refuse_stale, submit_once
from ekc.models import Region
from ekc.rules import is_administrator, region_ids, require
from referrals.services import TransitionError

NOT_SAVED = gettext_lazy("Not saved yet: check the fields marked in red.")


def _record_for(user, pk):
    """The coordinator's record for someone who may read it, or 404 (as the pool's
    other pages: others do not learn that the coordinator exists)."""
    try:
        coordinator = selectors.pool_record_of(pk)
    except Coordinator.DoesNotExist:
        raise Http404 from None
    if not can_view_record(user, coordinator):
        raise Http404
    return coordinator


def _record_context(coordinator):
    today = timezone.localdate()
    return {
        "coordinator": coordinator,
        "today": today,
        "refresher_state": coordinator.refresher_state(today),
        "evaluation_state": coordinator.evaluation_state(today),
    }


@submit_once
def record(request, pk):
    """The manager's page of one coordinator: courses, evaluations, meetings attended;
    they record a course or an evaluation here."""
    coordinator = _record_for(request.user, pk)
    if not can_record_pool(request.user, coordinator):
        # The coordinator's own record is read-only, on their own page.
        return redirect("coordinators:own_record")
    # Two forms on one page: ids of their own, names unchanged (the one-time token).
    training_form = TrainingForm(
        request.POST if "add_training" in request.POST else None, auto_id="training_%s"
    )
    evaluation_form = EvaluationForm(
        request.POST if "add_evaluation" in request.POST else None, auto_id="evaluation_%s"
    )
    if request.method == "POST":
        if "add_training" in request.POST and training_form.is_valid():
            services.training_record(
                coordinator=coordinator, actor=request.user, **training_form.cleaned_data
            )
            messages.success(request, _("The course has been recorded."))
            return redirect("coordinators:record", pk=pk)
        if "add_evaluation" in request.POST and evaluation_form.is_valid():
            services.evaluation_record(
                coordinator=coordinator, actor=request.user, **evaluation_form.cleaned_data
            )
            messages.success(request, _("The evaluation has been recorded."))
            return redirect("coordinators:record", pk=pk)
        messages.error(request, NOT_SAVED)
    log_access(request, coordinator, AccessAction.VIEW, detail={"page": "pool_record"})
    return render(
        request,
        "coordinators/record.html",
        {
            **_record_context(coordinator),
            "can_record": True,
            "training_form": training_form,
            "evaluation_form": evaluation_form,
        },
    )


def own_record(request):
    """A coordinator's own record, read-only, and their questions to serve a region."""
    if not has_coordinator_profile(request.user):
        raise PermissionDenied
    coordinator = selectors.pool_record_of(request.user.coordinator_profile.pk)
    return render(
        request,
        "coordinators/record.html",
        {
            **_record_context(coordinator),
            "own": True,
            "region_requests": selectors.region_requests_of(coordinator),
            "region_form": _region_form(request.user),
        },
    )


def _region_form(user, data=None):
    other_regions = Region.objects.exclude(pk__in=region_ids(user)).order_by("name")
    return RegionRequestForm(data, regions=other_regions)


@require_POST
@submit_once
def region_request(request):
    """A coordinator asks to serve another region, with a short motivation."""
    if not has_coordinator_profile(request.user):
        raise PermissionDenied
    coordinator = request.user.coordinator_profile
    form = _region_form(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a region you do not serve yet and say why."))
        return redirect("coordinators:own_record")
    try:
        services.region_request_ask(
            coordinator=coordinator, actor=request.user, **form.cleaned_data
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your question has been sent. The regional manager of %(region)s answers it.")
            % {"region": form.cleaned_data["region"].name},
        )
    return redirect("coordinators:own_record")


@require_POST
def region_request_decide(request, pk):
    """A manager of the region asked for approves or refuses (one button each)."""
    region_request = get_object_or_404(
        RegionRequest.objects.select_related("region", "coordinator__user"), pk=pk
    )
    if not decides_for_region(request.user, region_request):
        raise Http404
    form = RegionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect("coordinators:pool")
    approve = form.cleaned_data["decision"]
    try:
        services.region_request_decide(
            region_request=region_request, actor=request.user, approve=approve
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        name = region_request.coordinator.user.get_full_name()
        region = region_request.region.name
        messages.success(
            request,
            (
                _("%(name)s now also serves %(region)s.")
                if approve
                else _("You said no to %(name)s for %(region)s.")
            )
            % {"name": name, "region": region},
        )
    next_page = request.POST.get("next")
    return redirect("home" if next_page == "home" else "coordinators:pool")


def _edit(request, form, *, update, done, pk):
    """Save an edit form through ``update``; the form again on errors or a stale edit."""
    if request.method == "POST" and form.is_valid():
        try:
            update(version=form.read_version, **form.cleaned_data)
        except StaleEdit as stale:
            refuse_stale(form, stale, url=request.path)
        else:
            messages.success(request, done)
            return redirect("coordinators:record", pk=pk)
    elif request.method == "POST":
        messages.error(request, NOT_SAVED)
    return None


def _record_item_edit(request, model, pk, *, form_class, update, done, page, title):
    """Change one course or evaluation of a coordinator's record (``update`` is the
    service, called with the item and the form's data)."""
    item = get_object_or_404(
        model.objects.select_related("coordinator__user").prefetch_related(
            "coordinator__user__regions"
        ),
        pk=pk,
    )
    coordinator = item.coordinator
    if not can_record_pool(request.user, coordinator):
        raise Http404
    form = form_class(request.POST or None, instance=item)
    response = _edit(
        request,
        form,
        update=lambda **data: update(item, actor=request.user, **data),
        done=done,
        pk=coordinator.pk,
    )
    if response:
        return response
    log_access(request, coordinator, AccessAction.VIEW, detail={"page": page})
    return render(
        request,
        "coordinators/record_edit.html",
        {"coordinator": coordinator, "form": form, "title": title},
    )


def training_edit(request, pk):
    return _record_item_edit(
        request,
        Training,
        pk,
        form_class=TrainingForm,
        update=lambda training, **kw: services.training_update(training=training, **kw),
        done=_("The course has been saved."),
        page="training_edit",
        title=_("Change a course"),
    )


def evaluation_edit(request, pk):
    return _record_item_edit(
        request,
        Evaluation,
        pk,
        form_class=EvaluationForm,
        update=lambda evaluation, **kw: services.evaluation_update(evaluation=evaluation, **kw),
        done=_("The evaluation has been saved."),
        page="evaluation_edit",
        title=_("Change an evaluation"),
    )


def _my_regions(user):
    regions = Region.objects.order_by("name")
    return regions if is_administrator(user) else regions.filter(pk__in=region_ids(user))


def _meeting_form(request, data=None, instance=None):
    regions = _my_regions(request.user)
    return MeetingForm(
        data,
        instance=instance,
        regions=regions,
        attendee_choices=selectors.coordinators_of_regions(
            [instance.region] if instance else regions
        ).prefetch_related("user__regions"),
    )


@submit_once
def meetings(request):
    """Supervision, intervision and regional meetings of the manager's regions, with
    attendance; a new one is recorded here."""
    require(can_view_pool(request.user))
    form = _meeting_form(request, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.meeting_record(actor=request.user, **data)
            messages.success(request, _("The meeting has been recorded."))
            return redirect("coordinators:meetings")
        messages.error(request, NOT_SAVED)
    return render(
        request,
        "coordinators/meetings.html",
        {"meetings": selectors.meetings_for(request.user)[:50], "form": form},
    )


def meeting_edit(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("region"), pk=pk)
    if not can_record_meeting(request.user, meeting.region):
        raise Http404
    form = _meeting_form(request, request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "region"}
        try:
            services.meeting_update(
                meeting=meeting, actor=request.user, version=form.read_version, **data
            )
        except StaleEdit as stale:
            refuse_stale(form, stale, url=request.path)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("coordinators:meetings")
    elif request.method == "POST":
        messages.error(request, NOT_SAVED)
    return render(
        request,
        "coordinators/record_edit.html",
        {"form": form, "title": _("Change a meeting"), "back": "coordinators:meetings"},
    )
