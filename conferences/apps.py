from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conferences")

    def ready(self):
        from auditlog.registry import auditlog

        from conferences import models, selectors, timeline  # noqa: F401 (registers sentences)
        from referrals.selectors import register_list_column

        register_list_column("conference_at", selectors.conference_at)

        auditlog.register(models.ContactMoment)
        # The place may be the family's home: hidden in the history (ekc/audit.py).
        auditlog.register(models.Conference, exclude_fields=["version"], mask_fields=["address"])
        auditlog.register(models.Participant)
        auditlog.register(models.InformingProfessional)
        auditlog.register(models.OversightNote)
