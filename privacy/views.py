from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coordinators.services import current_assignment
from ekc.audit import AccessAction, log_access
from ekc.rules import allowed, require
from privacy import services
from privacy.forms import ConsentWithdrawalForm
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
