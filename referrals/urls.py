from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("nieuw/", views.referral_create, name="create"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/bewerken/", views.referral_edit, name="edit"),
    path("<int:pk>/indienen/", views.referral_submit, name="submit"),
    path("<int:pk>/registreren/", views.referral_register, name="register"),
    path("<int:pk>/innemen/", views.referral_take_in, name="take_in"),
    path("<int:pk>/terugsturen/", views.referral_return, name="return"),
    path("<int:pk>/toestemming/", views.consent_add, name="consent"),
    path("<int:pk>/stoppen/", views.referral_stop, name="stop"),
    path("<int:pk>/heropenen/", views.referral_reopen, name="reopen"),
]
