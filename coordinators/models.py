"""The coordinator pool, and the assignment of coordinators to cases."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.languages import language_name
from referrals.lifecycle import AssignmentStatus, TransferStatus
from referrals.models import Referral


class Coordinator(models.Model):
    """A coordinator's profile, beside their user account (name, email, regions)."""

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
    occasions = models.JSONField(_("experience with occasions"), default=list, blank=True)
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Optimistic locking for edits: a save with a stale version is refused (ekc/editing.py).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.code})"

    @property
    def language_names(self):
        return [language_name(code) for code in self.languages]


class Leave(models.Model):
    """A period in which a coordinator takes no new case."""

    coordinator = models.ForeignKey(Coordinator, on_delete=models.CASCADE, related_name="leaves")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="leave_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.start} - {self.end}"


class ConflictOfInterest(models.Model):
    """A coordinator must not take this family's case (e.g. "I know this family")."""

    coordinator = models.ForeignKey(Coordinator, on_delete=models.CASCADE, related_name="conflicts")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["coordinator", "referral"], name="conflict_once")
        ]

    def __str__(self):
        # Own columns only: lists of these (the management site's delete pages, the
        # change history) would otherwise load a coordinator and a case per row.
        return f"{self.referral_id} {self.coordinator_id}"


class DeclineReason(models.TextChoices):
    NO_TIME = "no_time", _("No time now")
    CONFLICT = "conflict_of_interest", _("I know this family or someone involved")
    LANGUAGE = "language", _("Language does not fit")
    OTHER = "other", _("Other")


class Assignment(models.Model):
    """A coordinator proposed for a case, and their answer.

    At most one assignment per case is current (proposed or accepted): a
    database constraint, so two managers assigning at once cannot both win. Its
    states and transitions are declared in ``referrals.lifecycle``.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="assignments")
    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("reason"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED]),
                name="one_active_assignment_per_case",
            )
        ]
        indexes = [models.Index(fields=["coordinator", "status"], name="assignment_coord_status")]

    def __str__(self):
        # Own columns only, as ConflictOfInterest.
        return f"{self.referral_id} {self.coordinator_id} {self.status}"

    # For templates, which cannot name the states.
    @property
    def is_accepted(self):
        return self.status == AssignmentStatus.ACCEPTED

    @property
    def is_declined(self):
        return self.status == AssignmentStatus.DECLINED

    @property
    def took_the_case(self):
        """The coordinator accepted the case (and may have finished it since)."""
        return self.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.ENDED)


class Transfer(models.Model):
    """The regional manager asks another coordinator to take over a case.

    The case keeps its state, log, network and conferences, and its coordinator,
    until the new one accepts; then the old assignment ends and a new accepted one
    takes its place. At most one open transfer per case (a database constraint).
    States and transitions: ``referrals.lifecycle.TRANSFER_LIFECYCLE``.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transfers")
    from_assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="transfers_out"
    )
    to_coordinator = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(
        max_length=16, choices=TransferStatus.choices, default=TransferStatus.OPEN
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status=TransferStatus.OPEN),
                name="one_open_transfer_per_case",
            )
        ]
        indexes = [
            models.Index(fields=["to_coordinator", "status"], name="transfer_to_status"),
        ]

    def __str__(self):
        # Own columns only, as ConflictOfInterest.
        return f"{self.referral_id} {self.to_coordinator_id} {self.status}"

    @property
    def is_open(self):
        return self.status == TransferStatus.OPEN
