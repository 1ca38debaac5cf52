from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from referrals import models

        # Change history (field diffs, who, when) of everything the case records.
        # Contact details and safety notes are hidden entirely in the history: only
        # the coordinator and the regional manager may read them (ekc/audit.py).
        auditlog.register(models.Referral, exclude_fields=["version"], mask_fields=["address"])
        auditlog.register(models.MainPerson)
        auditlog.register(models.InvolvedProfessional, mask_fields=["contact"])
        auditlog.register(
            models.NetworkMember,
            exclude_fields=["version"],
            mask_fields=["phone", "email", "safety_note"],
        )
        auditlog.register(models.Consent)
