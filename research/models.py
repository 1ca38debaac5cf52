"""Research: satisfaction surveys (their invitations and responses)."""

import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from ekc.lifecycle import Lifecycle
from referrals.models import Referral

GRADE = [MinValueValidator(1), MaxValueValidator(10)]


def private_storage():
    """Reports hold no names, but stay out of the web root like every case file."""
    return storages["private"]


class Respondent(models.TextChoices):
    """The four respondent groups; codes as in INTERCHANGE.md."""

    FAMILY = "family", _("Family and network (adults)")
    YOUTH = "youth", _("Young people (12 and older)")
    REFERRER = "referrer", _("Referrer")
    PROFESSIONAL = "professional", _("Other professionals")


class YesPartlyNo(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


def new_token():
    return secrets.token_urlsafe(24)


def new_short_code():
    # For people without email: printed with a QR code, typed in on the survey page.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class SurveyInvitation(models.Model):
    """A personal link to one questionnaire: one response per token, until it expires."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    # Kept only while the link can be used (for the reminder): cleared once the
    # questionnaire is answered or the link has expired.
    email = models.EmailField(_("email"), blank=True)
    by_email = models.BooleanField(_("sent by email"), default=False)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    short_code = models.CharField(max_length=12, unique=True, default=new_short_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self):
        return f"{self.referral_id} {self.respondent}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @classmethod
    def forget_spent_addresses(cls, now=None):
        """Clear the e-mail addresses of answered and expired links; returns how many."""
        now = now or timezone.now()
        return (
            cls.objects.filter(models.Q(used_at__isnull=False) | models.Q(expires_at__lte=now))
            .exclude(email="")
            .update(email="")
        )


class SurveyResponse(models.Model):
    """One filled-in questionnaire (online through a token, or typed in from paper)."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="survey_responses"
    )
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    information_needed = models.TextField(_("what information did you need?"), blank=True)
    informed_enough = models.CharField(
        _("were you informed enough?"), max_length=8, choices=YesPartlyNo.choices, blank=True
    )
    informed_by = models.CharField(_("by whom?"), max_length=300, blank=True)
    had_say = models.CharField(
        _("did you have a say?"), max_length=8, choices=YesPartlyNo.choices, blank=True
    )
    grade_conference = models.PositiveSmallIntegerField(
        _("grade for the conference"), null=True, blank=True, validators=GRADE
    )
    grade_plan = models.PositiveSmallIntegerField(
        _("grade for the plan"), null=True, blank=True, validators=GRADE
    )
    grade_coordinator = models.PositiveSmallIntegerField(
        _("grade for the coordinator"), null=True, blank=True, validators=GRADE
    )
    grade_cooperation = models.PositiveSmallIntegerField(
        _("grade for the cooperation with Eigen Kracht"), null=True, blank=True, validators=GRADE
    )
    comments = models.TextField(_("anything else you want to say?"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["referral", "respondent"], name="response_referral_resp")]

    def __str__(self):
        return f"{self.referral_id} {self.respondent}"


class CostBenefitAssumption(models.Model):
    """A unit value of the social cost-benefit estimate (MKBA), editable by administrators.

    One row per outcome code (the saving when that outcome occurs) and one for the
    cost of a conference. The estimate is always shown as an estimate, with these
    assumptions beside it.
    """

    CONFERENCE_COST = "conference_cost"

    key = models.CharField(_("what"), max_length=40, unique=True)
    label = models.CharField(_("description"), max_length=200)
    euros = models.PositiveIntegerField(_("amount in euros"))
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cost-benefit assumption")
        verbose_name_plural = _("cost-benefit assumptions")

    def __str__(self):
        return self.label


class ReportStatus(models.TextChoices):
    WAITING = "waiting", _("In the queue")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


# Queued, then made by the background task: ready, or failed.
REPORT_LIFECYCLE = Lifecycle(
    {
        "start": ({ReportStatus.WAITING}, ReportStatus.RUNNING),
        "finish": ({ReportStatus.RUNNING}, ReportStatus.DONE),
        "fail": ({ReportStatus.WAITING, ReportStatus.RUNNING}, ReportStatus.FAILED),
    }
)


class ResearchReport(models.Model):
    """A PDF report "Tevredenheid en resultaten", made in the background."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filters = models.JSONField(default=dict)
    query = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.WAITING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="reports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"report {self.pk} {self.status}"

    @property
    def is_being_made(self):
        """Queued or running: it can still fail, or be finished."""
        return REPORT_LIFECYCLE.can(self.status, "fail")

    @property
    def is_ready(self):
        return self.status == ReportStatus.DONE

    @property
    def has_failed(self):
        return self.status == ReportStatus.FAILED


class DashboardSnapshot(models.Model):
    """The research dashboard's figures and charts for one selection in one language.

    Computed by a background task (over 100,000 cases the figures take seconds) and
    shared by every server; recomputed when the data has changed since. Aggregates
    only: no personal data.
    """

    key = models.CharField(max_length=64, unique=True)
    filters = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    version = models.CharField(max_length=64, blank=True)  # fingerprint of the data used
    payload = models.JSONField(null=True)  # [figures, charts] as plain JSON
    computed_at = models.DateTimeField(null=True)
    requested_at = models.DateTimeField(null=True)  # a refresh is queued or running

    def __str__(self):
        return f"dashboard {self.key[:8]} {self.language}"
