"""Preparation and the conference itself: contact moments, the conference with its
three phases, who informs, who took part, and the reminders sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.languages import language_name
from ekc.lifecycle import Lifecycle
from referrals.models import NetworkMember, Referral, Relation


class ConferenceKind(models.TextChoices):
    FAMILY_GROUP = "family_group", _("Eigen Kracht-conferentie")
    FOLLOW_UP = "follow_up", _("Follow-up conference")
    RESTORATIVE = "restorative", _("Restorative conference (Echt Recht)")


class LocationType(models.TextChoices):
    FAMILY_HOME = "family_home", _("At the family's home")
    NETWORK_HOME = "network_home", _("At the home of someone in the network")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    RELIGIOUS_BUILDING = "religious_building", _("Church, mosque or other religious building")
    OFFICE = "office", _("Office")
    OTHER = "other", _("Other")


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    MESSAGE = "message", _("Message")


class Attendance(models.TextChoices):
    """On the day; codes as in INTERCHANGE.md."""

    ATTENDED = "attended", _("Came")
    DECLINED = "declined", _("Said no")
    ABSENT = "absent", _("Did not come")
    EXCLUDED = "excluded", _("Excluded by the coordinator")


# The case's own conference (one per case); follow-ups come after its plan.
FIRST_CONFERENCE_KINDS = (ConferenceKind.FAMILY_GROUP, ConferenceKind.RESTORATIVE)


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")


# A conference is scheduled (and may be changed), then its day is logged: held.
CONFERENCE_LIFECYCLE = Lifecycle({"hold": ({ConferenceStatus.SCHEDULED}, ConferenceStatus.HELD)})


class ContactMoment(models.Model):
    """One contact during the preparation: with whom, how, how long."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="contact_moments")
    on = models.DateField(_("date"))
    member = models.ForeignKey(
        NetworkMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_moments",
        verbose_name=_("with network member"),
    )
    professional = models.CharField(_("or with professional"), max_length=200, blank=True)
    method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("short note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        indexes = [models.Index(fields=["referral", "on"], name="contact_referral_on")]

    def __str__(self):
        return f"{self.on} {self.get_method_display()}"

    @property
    def with_whom(self):
        return self.member.name if self.member else self.professional


class Conference(models.Model):
    """A conference of a case: the first one, a follow-up, or a restorative one."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="conferences")
    kind = models.CharField(_("kind"), max_length=16, choices=ConferenceKind.choices)
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.SCHEDULED
    )
    starts_at = models.DateTimeField(_("date and time"))
    location_type = models.CharField(_("place"), max_length=20, choices=LocationType.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_note = models.CharField(_("interpreter"), max_length=200, blank=True)
    food = models.CharField(_("food and drink"), max_length=300, blank=True)
    rituals = models.CharField(_("rituals and customs"), max_length=300, blank=True)

    held_on = models.DateField(_("held on"), null=True, blank=True, db_index=True)
    information_start = models.TimeField(_("information: start"), null=True, blank=True)
    information_end = models.TimeField(_("information: end"), null=True, blank=True)
    private_time_start = models.TimeField(_("private family time: start"), null=True, blank=True)
    private_time_end = models.TimeField(_("private family time: end"), null=True, blank=True)
    presentation_start = models.TimeField(_("presentation: start"), null=True, blank=True)
    presentation_end = models.TimeField(_("presentation: end"), null=True, blank=True)
    # Computed from the phase times when the day is logged; never typed.
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking for edits: a save with a stale version is refused (ekc/editing.py).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"

    @property
    def language_names(self):
        return [language_name(code) for code in self.languages]

    @property
    def is_held(self):
        return not CONFERENCE_LIFECYCLE.can(self.status, "hold")

    @property
    def is_first(self):
        return self.kind in FIRST_CONFERENCE_KINDS


class InformingProfessional(models.Model):
    """A professional who informs the family in phase 1."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="professionals"
    )
    name = models.CharField(_("name"), max_length=150)
    organization = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=150, blank=True)
    # Optional: with an address, they get the scheduling mail with the calendar file.
    email = models.EmailField(_("email"), blank=True)
    present = models.BooleanField(_("was present"), null=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("informing professional")
        verbose_name_plural = _("informing professionals")

    def __str__(self):
        return self.name


class Participant(models.Model):
    """Who was invited to one conference and whether they came (research counts these)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        NetworkMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "member"],
                condition=models.Q(member__isnull=False),
                name="participant_once_per_conference",
            )
        ]

    def __str__(self):
        return f"{self.relation} {self.attendance}"


class Reminder(models.Model):
    """A reminder email that was sent; its uniqueness makes the daily run idempotent."""

    kind = models.CharField(max_length=40)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    # What the reminder is about (e.g. the last contact's date): a new occasion
    # deserves a new reminder, the same one never twice.
    about = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "referral", "about"], name="reminder_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.referral_id} {self.about}"


class NoteKind(models.TextChoices):
    # The regional manager about the contact log or the preparation; the coordinator answers.
    COMMENT = "comment", _("Comment of the regional manager")
    # The coordinator asks the region's managers; one of them answers.
    ADVICE_REQUEST = "advice_request", _("Request for advice")


class NoteStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


# A note is written, then answered once.
NOTE_LIFECYCLE = Lifecycle({"answer": ({NoteStatus.OPEN}, NoteStatus.ANSWERED)})

NOTE_MAX_LENGTH = 2000


class OversightNote(models.Model):
    """A short note between the regional manager and the case's coordinator: a
    comment on the preparation (optionally on one contact moment), or a request
    for advice; the other side answers it once."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="oversight_notes")
    contact_moment = models.ForeignKey(
        ContactMoment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="oversight_notes",
        verbose_name=_("about the contact"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.OPEN
    )
    text = models.TextField(_("text"), max_length=NOTE_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), max_length=NOTE_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("note between manager and coordinator")
        verbose_name_plural = _("notes between manager and coordinator")
        indexes = [
            models.Index(fields=["kind", "status"], name="oversight_kind_status"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_answered(self):
        return not NOTE_LIFECYCLE.can(self.status, "answer")

    @property
    def is_comment(self):
        return self.kind == NoteKind.COMMENT
