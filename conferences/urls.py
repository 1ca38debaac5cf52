from django.urls import path

from conferences import oversight_views, views

app_name = "conferences"

urlpatterns = [
    path("aanmeldingen/<int:pk>/voorbereiding/", views.preparation, name="preparation"),
    path("aanmeldingen/<int:pk>/contact/", views.contact_add, name="contact_add"),
    path("aanmeldingen/<int:pk>/netwerk/", views.member_add, name="member_add"),
    path("aanmeldingen/<int:pk>/netwerk/<int:member_pk>/", views.member_edit, name="member_edit"),
    path(
        "aanmeldingen/<int:pk>/netwerk/uitnodigingen/",
        views.invitations_save,
        name="invitations_save",
    ),
    path("aanmeldingen/<int:pk>/conferentie/plannen/", views.schedule, name="schedule"),
    path(
        "aanmeldingen/<int:pk>/overleg/opmerking/",
        oversight_views.note_comment,
        name="note_comment",
    ),
    path(
        "aanmeldingen/<int:pk>/overleg/advies/",
        oversight_views.note_ask_advice,
        name="note_ask_advice",
    ),
    path(
        "aanmeldingen/<int:pk>/overleg/<int:note_pk>/antwoord/",
        oversight_views.note_answer,
        name="note_answer",
    ),
    path("conferenties/<int:conference_pk>/agenda.ics", views.ics, name="ics"),
    path("conferenties/<int:conference_pk>/dag/", views.conference_day, name="day"),
    path("conferenties/<int:conference_pk>/wijzigen/", views.conference_change, name="change"),
]
