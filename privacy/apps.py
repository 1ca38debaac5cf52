from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The law's side of a file: retention and destruction, legal holds, and the
    family's rights (access, erasure, correction). Sits above every app whose data
    it keeps or destroys."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from auditlog.registry import auditlog

        from privacy import rules, selectors, timeline  # noqa: F401 (rules and sentences)
        from privacy.models import LegalHold, RightsRequest
        from referrals.selectors import register_list_column

        auditlog.register(RightsRequest)
        auditlog.register(LegalHold)
        register_list_column("request_due", selectors.request_due)
