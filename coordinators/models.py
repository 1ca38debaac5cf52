"""The coordinator pool: independent citizens who prepare conferences."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Coordinator(models.Model):
    """A coordinator's profile, beside their user account (which holds name, email, regions)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinator_profile",
        verbose_name=_("user"),
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Language codes (ISO 639-1 where one exists), e.g. nl, tr, ar."),
    )
    max_active_cases = models.PositiveSmallIntegerField(_("most open cases at once"), default=2)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.code})"
