from django.urls import path

from research import views

app_name = "research"

urlpatterns = [
    path("onderzoek/", views.dashboard, name="dashboard"),
]
