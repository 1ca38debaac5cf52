from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ekc import second_factor
from ekc.accounts import weekly_digest_choose
from ekc.audit import AccessAction, log_access_many
from ekc.forms import EmailAuthenticationForm, WeeklyDigestForm
from ekc.rules import allowed, require
from shell.selectors import cases_on_home, home_work, role_cards_for


def home(request):
    """The landing page after login: who you are, a card per role, and your work."""
    work = home_work(request.user)
    log_access_many(request, cases_on_home(work), AccessAction.LIST, detail={"page": "home"})
    return render(
        request,
        "shell/home.html",
        {
            "role_cards": role_cards_for(request.user),
            "work": work,
            "today": timezone.localdate(),
        },
    )


@login_not_required
@require_GET
def accessibility(request):
    """The accessibility statement, public as Dutch public bodies must publish it.
    Long prose: one template per language instead of a translated string per line."""
    language = "en" if get_language() == "en" else "nl"
    return render(
        request,
        f"shell/accessibility_{language}.html",
        {"contact": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


@login_not_required
@require_GET
def privacy_statement(request):
    """The privacy statement: what EKC keeps, why, how long, and how to use your rights.
    Public, like the accessibility statement, and one template per language."""
    language = "en" if get_language() == "en" else "nl"
    return render(
        request,
        f"shell/privacy_{language}.html",
        {
            "controller": settings.PRIVACY_CONTROLLER_NAME,
            "contact": settings.PRIVACY_CONTACT_EMAIL,
            "retention_years": settings.RETENTION_YEARS,
            "survey_days": settings.SURVEY_VALID_DAYS,
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    )


def ping(request):
    """A bare page behind the login: the baseline of the benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def profile(request):
    """Your own details, the password, and the second step (a new phone, new codes)."""
    user = request.user
    has_app = second_factor.has_device(user)
    return render(
        request,
        "shell/profile.html",
        {
            "role_cards": role_cards_for(user),
            "second_step": {
                "has_app": has_app,
                "required": second_factor.required_for(user),
                "codes_left": second_factor.recovery_codes_left(user) if has_app else 0,
            },
            "digest_form": WeeklyDigestForm(
                initial={"wants_weekly_digest": user.wants_weekly_digest}
            ),
        },
    )


@require_POST
def weekly_digest_choice(request):
    """A regional manager switches her weekly digest on or off (profile page)."""
    require(allowed("ekc.choose_weekly_digest", request.user, request.user))
    form = WeeklyDigestForm(request.POST)
    form.is_valid()  # a single tick box: always valid, missing means off
    wants = form.cleaned_data.get("wants_weekly_digest", False)
    weekly_digest_choose(user=request.user, wants=wants)
    if wants:
        messages.success(request, _("You get the weekly digest every Monday."))
    else:
        messages.success(request, _("The weekly digest is switched off."))
    return redirect("profile")


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)
