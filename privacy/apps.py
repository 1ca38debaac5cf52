from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The law's side of a file: retention and destruction, legal holds, and the
    family's rights (access, erasure, correction). Sits above every app whose data
    it keeps or destroys."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from privacy import rules, timeline  # noqa: F401 (registers the rules and sentences)
