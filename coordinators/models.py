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

    # The due rules below read ``trainings`` and ``evaluations`` through ``.all()``:
    # lists prefetch them (selectors.pool_for), so a row costs no query.
    @property
    def last_course_on(self):
        """The last basic or refresher course (or the import's "trained on"), or None."""
        dates = [training.date for training in self.trainings.all()]
        if self.trained_on:
            dates.append(self.trained_on)
        return max(dates, default=None)

    @property
    def refresher_due_on(self):
        """When the next refresher course is due; None when no course is known at all."""
        last = self.last_course_on
        return add_months(last, REFRESHER_EVERY_MONTHS) if last else None

    @property
    def started_on(self):
        """The first basic course, else "trained on", else the day the account was made."""
        basics = [t.date for t in self.trainings.all() if t.kind == TrainingKind.BASIC]
        first = min(basics, default=None) or self.trained_on
        return first or timezone.localdate(self.user.date_joined)

    @property
    def last_evaluation(self):
        return max(self.evaluations.all(), key=lambda e: (e.date, e.pk), default=None)

    @property
    def evaluation_due_on(self):
        """The next yearly evaluation: the date the last one set, or a year after starting."""
        last = self.last_evaluation
        if last is not None:
            return last.next_due
        return add_months(self.started_on, EVALUATION_EVERY_MONTHS)

    def refresher_state(self, today):
        return due_state(self.refresher_due_on, today)

    def evaluation_state(self, today):
        return due_state(self.evaluation_due_on, today)


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


# The pool's due rules (issue 17): fixed here, not settings, so everyone reads the same.
# A refresher course is due this many months after the last basic or refresher course.
REFRESHER_EVERY_MONTHS = 24
# The yearly evaluation with the regional manager: this many months after the last
# one, or after the coordinator started when there was none yet.
EVALUATION_EVERY_MONTHS = 12
# From this many days before its date, a course or evaluation shows as "due".
DUE_SOON_DAYS = 60


def add_months(day, months):
    """``day`` moved ``months`` on; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class DueState(models.TextChoices):
    OK = "ok", _("in order")
    DUE = "due", _("due")
    OVERDUE = "overdue", _("overdue")


def due_state(due_on, today):
    """Whether something due on ``due_on`` is in order, due soon, or overdue (None: never
    done, so overdue)."""
    if due_on is None or due_on < today:
        return DueState.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return DueState.DUE
    return DueState.OK


class TrainingKind(models.TextChoices):
    BASIC = "basic", _("Basic course")
    REFRESHER = "refresher", _("Refresher course")


class Training(models.Model):
    """A course a coordinator followed, recorded by the regional manager."""

    coordinator = models.ForeignKey(Coordinator, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(_("course"), max_length=16, choices=TrainingKind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self):
        # Own columns only, as ConflictOfInterest.
        return f"{self.coordinator_id} {self.kind} {self.date}"


class MeetingKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision")
    INTERVISION = "intervision", _("Intervision")
    REGIONAL = "regional", _("Regional meeting")


class Meeting(models.Model):
    """A supervision, intervision or regional meeting of a region, with who attended."""

    kind = models.CharField(_("kind of meeting"), max_length=16, choices=MeetingKind.choices)
    date = models.DateField(_("date"))
    region = models.ForeignKey(
        "ekc.Region",
        on_delete=models.PROTECT,
        related_name="coordinator_meetings",
        verbose_name=_("region"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    attendees = models.ManyToManyField(
        Coordinator,
        through="Attendance",
        blank=True,
        related_name="meetings",
        verbose_name=_("attended"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.kind} {self.date} {self.region_id}"


class Attendance(models.Model):
    """A coordinator was at a meeting. A row of its own, so the change history names
    each coordinator added or taken off without loading them all (auditlog)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="attendance"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "coordinator"], name="attended_once")
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.coordinator_id}"


class Evaluation(models.Model):
    """The yearly evaluation of a coordinator with the regional manager."""

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="evaluations"
    )
    date = models.DateField(_("date"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regional manager"),
    )
    summary = models.TextField(_("short summary"), max_length=2000)
    next_due = models.DateField(_("next evaluation"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due__gt=models.F("date")), name="evaluation_next_after_date"
            )
        ]

    def __str__(self):
        return f"{self.coordinator_id} {self.date}"


class RegionRequestStatus(models.TextChoices):
    OPEN = "open", _("waiting for an answer")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class RegionRequest(models.Model):
    """A coordinator asks to serve another region; a manager of that region decides."""

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="region_requests"
    )
    region = models.ForeignKey(
        "ekc.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    motivation = models.TextField(_("motivation"), max_length=500)
    status = models.CharField(
        max_length=16, choices=RegionRequestStatus.choices, default=RegionRequestStatus.OPEN
    )
    asked_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("request to serve a region")
        verbose_name_plural = _("requests to serve a region")
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "region"],
                condition=Q(status=RegionRequestStatus.OPEN),
                name="one_open_region_request",
            )
        ]

    def __str__(self):
        return f"{self.coordinator_id} {self.region_id} {self.status}"

    @property
    def is_open(self):
        return self.status == RegionRequestStatus.OPEN

    @property
    def is_approved(self):
        return self.status == RegionRequestStatus.APPROVED
