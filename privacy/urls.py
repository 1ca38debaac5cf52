from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path(
        "aanmeldingen/<int:pk>/toestemming-ingetrokken/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("aanmeldingen/<int:pk>/inzage/", views.access_report, name="access_report"),
    path("aanmeldingen/<int:pk>/verzoeken/", views.case_requests, name="case_requests"),
    path("verzoeken/", views.requests, name="requests"),
    path("verzoeken/<int:pk>/", views.rights_request, name="request"),
]
