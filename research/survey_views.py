from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from conferences.models import ConferenceStatus
from conferences.rules import can_view_preparation
from coordinators.selectors import case_coordinator
from ekc.audit import AccessAction, log_access
from ekc.editing import submit_once
from referrals.selectors import get_referral_for
from referrals.services import TransitionError
from research import surveys
from research.models import SurveyInvitation
from research.survey_forms import CodeForm, InviteForm, PaperForm, SurveyForm


def _public_context(invitation):
    # A token page shows nothing about the case beyond the conference date and
    # the coordinator's first name.
    coordinator = case_coordinator(invitation.referral)
    return {
        "conference_date": invitation.conference.held_on,
        "coordinator_first_name": coordinator.first_name if coordinator else "",
        "respondent": invitation.respondent,
    }


@login_not_required
@never_cache
def survey(request, token):
    invitation = surveys.invitation_by_token(token)
    if invitation is None:
        raise Http404
    context = _public_context(invitation)
    if invitation.used_at is not None:
        return render(request, "research/survey_done.html", {**context, "already": True})
    if invitation.is_expired:
        return render(request, "research/survey_expired.html", context, status=410)
    form = SurveyForm(request.POST or None, respondent=invitation.respondent)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.response_submit(token=token, answers=form.cleaned_data)
        except TransitionError:
            return redirect("research:survey", token=token)
        return render(request, "research/survey_done.html", context)
    return render(request, "research/survey.html", {**context, "form": form})


@login_not_required
@never_cache
def survey_code(request):
    """People with a printed invitation type the code from their letter."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().upper().replace(" ", "")
        invitation = SurveyInvitation.objects.filter(short_code=code).first()
        if invitation:
            return redirect("research:survey", token=invitation.token)
        form.add_error("code", _("We do not know this code. Check it and try again."))
    return render(request, "research/survey_code.html", {"form": form})


def _case(request, pk):
    referral = get_referral_for(request.user, pk)
    if not can_view_preparation(request.user, referral):
        raise PermissionDenied
    return referral


@submit_once
def survey_admin(request, pk):
    """Invite the family, the young people, the referrer and professionals, and see
    how many answered. Responses themselves are for research only."""
    referral = _case(request, pk)
    conference = (
        referral.conferences.filter(status=ConferenceStatus.HELD).order_by("held_on").first()
    )
    form = InviteForm(request.POST or None)
    if request.method == "POST" and conference and form.is_valid():
        try:
            created = surveys.invitations_create(
                conference=conference,
                actor=request.user,
                respondent=form.cleaned_data["respondent"],
                emails=form.cleaned_data["emails"],
                printed=form.cleaned_data["printed"] or 0,
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext("%(n)s invitation made.", "%(n)s invitations made.", len(created))
                % {"n": len(created)},
            )
            return redirect("research:survey_admin", pk=pk)
    invitations = list(referral.survey_invitations.order_by("created_at", "pk"))
    log_access(request, referral, AccessAction.VIEW, detail={"page": "surveys"})
    return render(
        request,
        "research/survey_admin.html",
        {
            "referral": referral,
            "conference": conference,
            "form": form,
            "invitations": invitations,
            "answered": sum(1 for i in invitations if i.used_at),
            "paper": referral.survey_responses.filter(invitation__isnull=True).count(),
        },
    )


def survey_print(request, pk):
    """A page to print: one invitation per printed link, with a QR code and a code."""
    referral = _case(request, pk)
    invitations = referral.survey_invitations.filter(email="", used_at__isnull=True)
    sheets = [
        {
            "invitation": invitation,
            "qr": mark_safe(surveys.qr_svg(surveys.survey_url(invitation))),  # noqa: S308 - segno output
            "url": surveys.survey_url(invitation),
        }
        for invitation in invitations
        if not invitation.is_expired
    ]
    log_access(request, referral, AccessAction.PRINT, detail={"page": "survey_letters"})
    return render(request, "research/survey_print.html", {"referral": referral, "sheets": sheets})


@submit_once
def survey_paper(request, pk):
    referral = _case(request, pk)
    form = PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        respondent = data.pop("respondent")
        try:
            surveys.paper_response_enter(
                referral=referral, actor=request.user, respondent=respondent, answers=data
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The paper questionnaire has been saved."))
        return redirect("research:survey_admin", pk=pk)
    log_access(request, referral, AccessAction.VIEW, detail={"page": "survey_paper"})
    return render(request, "research/survey_paper.html", {"referral": referral, "form": form})
