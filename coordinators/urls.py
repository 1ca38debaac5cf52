from django.urls import path

from coordinators import pool_views, views

app_name = "coordinators"

urlpatterns = [
    path("aanmeldingen/<int:pk>/coordinator/", views.match, name="match"),
    path("aanmeldingen/<int:pk>/coordinator/conflict/", views.conflict_add, name="conflict"),
    path("toewijzingen/<int:pk>/accepteren/", views.accept, name="accept"),
    path("toewijzingen/<int:pk>/afwijzen/", views.decline, name="decline"),
    path("toewijzingen/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("aanmeldingen/<int:pk>/coordinator/overdragen/", views.transfer, name="transfer"),
    path("overdrachten/<int:pk>/accepteren/", views.transfer_accept, name="transfer_accept"),
    path("overdrachten/<int:pk>/afwijzen/", views.transfer_decline, name="transfer_decline"),
    path("overdrachten/<int:pk>/annuleren/", views.transfer_cancel, name="transfer_cancel"),
    path("mijn-beschikbaarheid/", views.availability, name="availability"),
    path(
        "mijn-beschikbaarheid/verlof/<int:pk>/verwijderen/", views.leave_delete, name="leave_delete"
    ),
    path("mijn-dossier/", pool_views.own_record, name="own_record"),
    path("mijn-dossier/regio-vragen/", pool_views.region_request, name="region_request"),
    path("coordinatoren/", views.pool, name="pool"),
    path("coordinatoren/importeren/", views.import_view, name="import"),
    path("coordinatoren/bijeenkomsten/", pool_views.meetings, name="meetings"),
    path("coordinatoren/bijeenkomsten/<int:pk>/", pool_views.meeting_edit, name="meeting_edit"),
    path("coordinatoren/<int:pk>/", pool_views.record, name="record"),
    path("coordinatoren/<int:pk>/uitnodigen/", views.invite, name="invite"),
    path("coordinatoren/opleidingen/<int:pk>/", pool_views.training_edit, name="training_edit"),
    path("coordinatoren/evaluaties/<int:pk>/", pool_views.evaluation_edit, name="evaluation_edit"),
    path(
        "regio-vragen/<int:pk>/beslissen/",
        pool_views.region_request_decide,
        name="region_request_decide",
    ),
]
