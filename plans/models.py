"""The family's plan: its versions, agreements, the referrer's decision, help from
professionals, evaluations and the outcomes recorded when a case closes."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference
from ekc.lifecycle import Lifecycle
from ekc.models import OrganizationType
from referrals.models import Referral


class LifeDomain(models.TextChoices):
    UPBRINGING = "upbringing", _("Upbringing")
    HOUSING = "housing", _("Housing")
    FINANCES = "finances", _("Finances")
    EDUCATION = "education", _("Education")
    WORK = "work", _("Work")
    HEALTH = "health", _("Health")
    SAFETY = "safety", _("Safety")
    SOCIAL_CONTACTS = "social_contacts", _("Social contacts")
    LEISURE = "leisure", _("Leisure")
    CARE = "care", _("Care")
    JUSTICE = "justice", _("Justice")
    OTHER = "other", _("Other")


class CarriedBy(models.TextChoices):
    NETWORK = "network", _("The network")
    PROFESSIONAL = "professional", _("A request to a professional organisation")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Being written down")
    SUBMITTED = "submitted", _("Waiting for the referrer's decision")
    DECIDED = "decided", _("Decided")


# The coordinator writes a version down and submits it (frozen from then on); the
# referrer decides on it. A correction is a new version, starting as a draft.
PLAN_LIFECYCLE = Lifecycle(
    {
        "submit": ({PlanStatus.DRAFT}, PlanStatus.SUBMITTED),
        "decide": ({PlanStatus.SUBMITTED}, PlanStatus.DECIDED),
    }
)


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ACCEPTED_WITH_CONDITIONS = "accepted_with_conditions", _("Accepted with conditions")
    REJECTED = "rejected", _("Not accepted")


# The decisions that accept the plan: it is carried out, helped and evaluated.
ACCEPTED_DECISIONS = (Decision.ACCEPTED, Decision.ACCEPTED_WITH_CONDITIONS)


class UnmetBound(models.TextChoices):
    SAFETY = "safety", _("Safety")
    LEGALITY = "legality", _("Legality")


class AgreementStatus(models.TextChoices):
    DONE = "done", _("Done")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")


class EvaluationDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue with the plan")
    RECONVENE = "reconvene", _("Bring the network together again (follow-up conference)")
    CLOSE = "close", _("Close the case")


class OutcomeCode(models.TextChoices):
    PLACEMENT_PREVENTED = "placement_prevented", _("Out-of-home placement prevented")
    PLACEMENT_ENDED = "placement_ended", _("Out-of-home placement ended")
    SUPERVISION_PREVENTED = "supervision_prevented", _("Supervision order (OTS) prevented")
    SUPERVISION_LIFTED = "supervision_lifted", _("Supervision order (OTS) lifted")
    EVICTION_PREVENTED = "eviction_prevented", _("Eviction prevented")
    OTHER = "other", _("Other")


def private_storage():
    """Scans of handwritten plans: outside the web root (settings.STORAGES["private"])."""
    return storages["private"]


class FamilyPlan(models.Model):
    """One version of the family's plan, in their own words. Frozen once submitted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="plans")
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, null=True, blank=True, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    written_language = models.CharField(
        _("language the plan is written in"), max_length=3, default="nl"
    )
    contingency = models.TextField(
        _("what happens if help cannot be delivered at once"), blank=True
    )
    reconvene = models.TextField(
        _("who comes together if the plan, or part of it, does not work"), blank=True
    )
    contact_person = models.CharField(
        _("contact person of the family (gezinscoach or aanspreekpunt)"), max_length=200, blank=True
    )
    scan = models.FileField(
        _("scan or photo of the written plan"),
        storage=private_storage,
        upload_to="plans/%Y/%m/",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking for edits of the draft (ekc/editing.py); ``version`` above
    # is the plan's own version number (1, 2, ...).
    edit_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["referral", "-version"]
        verbose_name = _("family plan")
        verbose_name_plural = _("family plans")
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="plan_version_once")
        ]

    def __str__(self):
        return f"{self.referral} v{self.version}"

    @property
    def is_draft(self):
        return self.status == PlanStatus.DRAFT

    @property
    def is_frozen(self):
        return not self.is_draft

    @property
    def awaits_decision(self):
        return PLAN_LIFECYCLE.can(self.status, "decide")

    @property
    def is_accepted(self):
        """Decided, and accepted (with or without conditions)."""
        decision = getattr(self, "decision", None)
        return decision is not None and decision.is_accepted


class EvaluationMoment(models.Model):
    """A planned evaluation of the plan (one or more per plan)."""

    plan = models.ForeignKey(
        FamilyPlan, on_delete=models.CASCADE, related_name="evaluation_moments"
    )
    due_on = models.DateField(_("evaluation date"), db_index=True)
    evaluation = models.ForeignKey(
        "Evaluation", on_delete=models.SET_NULL, null=True, blank=True, related_name="moments"
    )

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("evaluation date")
        verbose_name_plural = _("evaluation dates")

    def __str__(self):
        return str(self.due_on)


class Agreement(models.Model):
    """One agreement in the plan: what, who, when, in which life domain."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="agreements")
    position = models.PositiveSmallIntegerField(default=0)
    what = models.TextField(_("what will happen"))
    who = models.CharField(_("who does it"), max_length=300)
    when = models.CharField(_("when, or how often"), max_length=200, blank=True)
    life_domain = models.CharField(_("life domain"), max_length=20, choices=LifeDomain.choices)
    carried_by = models.CharField(
        _("carried by"), max_length=12, choices=CarriedBy.choices, default=CarriedBy.NETWORK
    )
    organization_type = models.CharField(
        _("type of organisation asked"),
        max_length=32,
        choices=OrganizationType.choices,
        blank=True,
    )
    # For requests to professionals: has the help started ("at once, outside waiting lists")?
    help_started_on = models.DateField(_("help started on"), null=True, blank=True)
    help_not_started_note = models.CharField(_("why not started yet"), max_length=300, blank=True)
    # Optimistic locking for edits: a save with a stale version is refused (ekc/editing.py).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.what[:60]

    @property
    def is_help_request(self):
        return self.carried_by == CarriedBy.PROFESSIONAL


class PlanDecision(models.Model):
    """The referrer's decision on one plan version (phase 3). Final: never changed."""

    plan = models.OneToOneField(FamilyPlan, on_delete=models.CASCADE, related_name="decision")
    decision = models.CharField(_("decision"), max_length=32, choices=Decision.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    unmet_bound = models.CharField(
        _("bound not met"), max_length=10, choices=UnmetBound.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    # Empty only for decisions imported from earlier registers.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision on the plan")
        verbose_name_plural = _("decisions on plans")

    def __str__(self):
        return self.get_decision_display()

    @property
    def is_accepted(self):
        return self.decision in ACCEPTED_DECISIONS


class Evaluation(models.Model):
    """An evaluation of the plan: how far each agreement got, and what next."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="evaluations")
    held_on = models.DateField(_("date"))
    present = models.TextField(_("who was there"))
    note = models.TextField(_("short note"), blank=True)
    decision = models.CharField(_("what next"), max_length=12, choices=EvaluationDecision.choices)
    # Empty only for evaluations imported from earlier registers.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{self.plan} {self.held_on}"

    def status_counts(self):
        """(label, number) per agreement status, from the (prefetched) items."""
        counts = {code: 0 for code in AgreementStatus.values}
        for item in self.items.all():
            counts[item.status] += 1
        return [(AgreementStatus(code).label, n) for code, n in counts.items()]


class EvaluationItem(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="evaluations")
    status = models.CharField(_("status"), max_length=10, choices=AgreementStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "agreement"], name="evaluation_item_once")
        ]

    def __str__(self):
        return f"{self.agreement_id} {self.status}"


class Outcome(models.Model):
    """An outcome recorded when the case closes (research counts these)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(_("outcome"), max_length=32, choices=OutcomeCode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [models.UniqueConstraint(fields=["referral", "code"], name="outcome_once")]

    def __str__(self):
        return self.get_code_display()
