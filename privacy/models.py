from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import Referral


class LegalHold(models.Model):
    """A legal hold (juridische blokkade): while it holds, the file is not destroyed,
    neither at the end of its retention nor on request."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("case")
    )
    reason = models.TextField(_("why the file must be kept"))
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty when the end is not known.")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self):
        return f"{self.referral_id}: {self.until or '…'}"

    @staticmethod
    def holding_q(on_date=None, prefix=""):
        """A filter for the holds in force on ``on_date`` (today)."""
        on_date = on_date or timezone.localdate()
        return Q(**{f"{prefix}lifted_at__isnull": True}) & (
            Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on_date})
        )


class DestructionDecision(models.TextChoices):
    RETENTION = "retention", _("End of the retention period")
    REQUEST = "request", _("Request for destruction")


class DestructionRecord(models.Model):
    """The destruction register: which file (by research pseudonym), when, and by what
    decision. It holds no personal data and is never destroyed itself."""

    pseudonym = models.CharField(_("pseudonym"), max_length=20, db_index=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=12, choices=DestructionDecision.choices)
    retention_date = models.DateField(_("retention date"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Empty when the daily retention run destroyed the file."),
    )

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        verbose_name = _("destroyed file")
        verbose_name_plural = _("destruction register")

    def __str__(self):
        return f"{self.pseudonym} {self.destroyed_at:%Y-%m-%d}"
