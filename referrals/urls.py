from django.urls import path

from referrals import non_offer_views, views

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
    path("<int:pk>/gezin/", views.family_link, name="family_link"),
    path("<int:pk>/gezin/ontkoppelen/", views.family_unlink, name="family_unlink"),
    path("<int:pk>/stoppen/", views.referral_stop, name="stop"),
    path("<int:pk>/heropenen/", views.referral_reopen, name="reopen"),
    path("geen-conferentie/", non_offer_views.non_offer_list, name="non_offers"),
    path("geen-conferentie/nieuw/", non_offer_views.non_offer_create, name="non_offer_create"),
]
