from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conferences")

    def ready(self):
        from auditlog.registry import auditlog

        from conferences import models

        auditlog.register(models.ContactMoment)
        auditlog.register(models.Conference)
        auditlog.register(models.Participant)
        auditlog.register(models.InformingProfessional)
