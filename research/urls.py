from django.urls import path

from research import survey_views, views

app_name = "research"

urlpatterns = [
    path("onderzoek/", views.dashboard, name="dashboard"),
    path("onderzoek/export/<str:what>.<str:fmt>", views.export, name="export"),
    path("onderzoek/rapport/", views.report_request, name="report_request"),
    path("onderzoek/rapport/<int:pk>/", views.report_status, name="report"),
    path("onderzoek/rapport/<int:pk>/download/", views.report_download, name="report_download"),
    path("vragenlijst/", survey_views.survey_code, name="survey_code"),
    path("vragenlijst/<str:token>/", survey_views.survey, name="survey"),
    path("aanmeldingen/<int:pk>/vragenlijsten/", survey_views.survey_admin, name="survey_admin"),
    path(
        "aanmeldingen/<int:pk>/vragenlijsten/afdrukken/",
        survey_views.survey_print,
        name="survey_print",
    ),
    path(
        "aanmeldingen/<int:pk>/vragenlijsten/papier/",
        survey_views.survey_paper,
        name="survey_paper",
    ),
]
