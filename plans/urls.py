from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("aanmeldingen/<int:pk>/plan/", views.plan_page, name="plan"),
    path("aanmeldingen/<int:pk>/plan/versie-<int:version>/", views.plan_version, name="version"),
    path("aanmeldingen/<int:pk>/plan/beginnen/", views.plan_start, name="start"),
    path("aanmeldingen/<int:pk>/afsluiten/", views.case_close, name="close"),
    path("plannen/<int:plan_pk>/bewerken/", views.plan_edit, name="edit"),
    path("plannen/<int:plan_pk>/nieuwe-versie/", views.plan_new_version, name="new_version"),
    path("plannen/<int:plan_pk>/besluit/", views.plan_decide, name="decide"),
    path("plannen/<int:plan_pk>/plan.pdf", views.plan_pdf, name="pdf"),
    path("plannen/<int:plan_pk>/scan/", views.plan_scan, name="scan"),
    path("plannen/<int:plan_pk>/evaluatie/", views.evaluate, name="evaluate"),
    path("afspraken/<int:agreement_pk>/hulp/", views.help_record, name="help"),
    path("hulpvragen/", views.waiting_help, name="waiting_help"),
]
