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


def months_after(day, months):
    """The same day ``months`` later, or the month's last day when it has no such day
    (31 January + 1 month is 28 or 29 February): the AVG counts a month so."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to the file")
    CORRECTION = "correction", _("Correction of the file")
    DESTRUCTION = "destruction", _("Destruction of the file")


# How long the law gives to answer (AVG article 12; Jeugdwet article 7.3.9).
ANSWER_MONTHS = {RequestKind.ACCESS: 1, RequestKind.CORRECTION: 1, RequestKind.DESTRUCTION: 3}

# A deadline is shown in the work queue from this many days before it.
DEADLINE_WARNING_DAYS = 14


class Requester(models.TextChoices):
    SELF = "self", _("The person themselves")
    PARENT = "parent", _("A parent or guardian, for a child")
    REPRESENTATIVE = "representative", _("A legal representative or authorised person")


class RequestOutcome(models.TextChoices):
    ANSWERED = "answered", _("Answered: the access report was given")
    CORRECTED = "corrected", _("Corrected")
    DESTROYED = "destroyed", _("Destroyed")
    REFUSED = "refused", _("Refused")


class RefusalGround(models.TextChoices):
    OTHERS_INTEREST = "others_interest", _("A significant interest of someone else")
    LEGAL_DUTY = "legal_duty", _("A legal duty to keep the file")
    DATA_CORRECT = "data_correct", _("The data is correct")


# Which grounds a refusal of each kind may give.
REFUSAL_GROUNDS = {
    RequestKind.ACCESS: [RefusalGround.OTHERS_INTEREST, RefusalGround.LEGAL_DUTY],
    RequestKind.CORRECTION: [RefusalGround.DATA_CORRECT, RefusalGround.OTHERS_INTEREST],
    RequestKind.DESTRUCTION: [RefusalGround.OTHERS_INTEREST, RefusalGround.LEGAL_DUTY],
}


class RightsRequest(models.Model):
    """A request of the family about its file (access, correction or destruction):
    who asked, for whom, when, the deadline that follows, and the decision."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="rights_requests", verbose_name=_("case")
    )
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    # The person of the case it is about, as the access report names them
    # ("main-3", "member-7"); the name itself is read from the case.
    subject = models.CharField(_("on behalf of"), max_length=20)
    requester = models.CharField(_("who asked"), max_length=16, choices=Requester.choices)
    requester_name = models.CharField(
        _("name of who asked"),
        max_length=150,
        blank=True,
        help_text=_("Only when someone else asked for the person."),
    )
    details = models.TextField(
        _("what is asked"),
        blank=True,
        help_text=_("For a correction: what is wrong, and what it should be."),
    )
    requested_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer before"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        _("decision"), max_length=12, choices=RequestOutcome.choices, blank=True
    )
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=16, choices=RefusalGround.choices, blank=True
    )
    outcome_note = models.TextField(_("explanation"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("request about the file")
        verbose_name_plural = _("requests about the file")
        indexes = [models.Index(fields=["outcome", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.requested_on:%Y-%m-%d})"

    @staticmethod
    def deadline(kind, requested_on):
        return months_after(requested_on, ANSWER_MONTHS[kind])

    @property
    def is_open(self):
        return not self.outcome

    @property
    def days_left(self):
        return (self.due_on - timezone.localdate()).days

    @property
    def days_late(self):
        return -self.days_left

    @property
    def is_due_soon(self):
        return self.is_open and self.days_left <= DEADLINE_WARNING_DAYS
