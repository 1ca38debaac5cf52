from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ekc.forms import EkcPasswordResetForm
from shell import import_views, second_factor_views, views

admin.site.site_header = "EKC"
admin.site.site_title = "EKC"

handler400 = "shell.views.error_400"
handler403 = "shell.views.error_403"
handler404 = "shell.views.error_404"

urlpatterns = [
    path("", views.home, name="home"),
    path("profiel/", views.profile, name="profile"),
    path("profiel/weekoverzicht/", views.weekly_digest_choice, name="weekly_digest_choice"),
    path("ping/", views.ping, name="ping"),
    path("inloggen/", views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweede-stap/", second_factor_views.verify, name="second_factor_verify"),
    path("tweede-stap/instellen/", second_factor_views.setup, name="second_factor_setup"),
    path(
        "tweede-stap/herstelcodes/",
        second_factor_views.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "tweede-stap/herstelcodes/nieuw/",
        second_factor_views.recovery_codes_renew,
        name="second_factor_recovery_codes_renew",
    ),
    path(
        "wachtwoord-wijzigen/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "wachtwoord-wijzigen/klaar/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(form_class=EkcPasswordResetForm),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-vergeten/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-vergeten/klaar/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The language choice is offered on the login page too.
    path("taal/", login_not_required(set_language), name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("privacyverklaring/", views.privacy_statement, name="privacy_statement"),
    path("aanmeldingen/", include("referrals.urls")),
    path("", include("coordinators.urls")),
    path("", include("conferences.urls")),
    path("", include("plans.urls")),
    path("", include("research.urls")),
    path("privacy/", include("privacy.urls")),
    path("import/registraties/", import_views.import_registrations, name="import_registrations"),
    path("beheer/", admin.site.urls),
]
