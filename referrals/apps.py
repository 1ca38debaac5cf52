from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from referrals import models

        # Change history (field diffs, who, when) of everything the case records.
        auditlog.register(models.Referral, exclude_fields=["version"])
        auditlog.register(models.MainPerson)
        auditlog.register(models.InvolvedProfessional)
        auditlog.register(models.NetworkMember)
        auditlog.register(models.Consent)
