"""The case (a referral) and what the referral records about the family."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ekc.languages import language_name
from ekc.models import Organization, Region
from referrals import timeline
from referrals.family import name_key
from referrals.lifecycle import BEFORE_CONFERENCE, ENDED, CaseStatus, Transition


class Occasion(models.TextChoices):
    """Why a conference is offered now (aanleiding); codes as in INTERCHANGE.md."""

    THREATENED_PLACEMENT = "threatened_placement", _("Threatened out-of-home placement")
    CRISIS = "crisis", _("Crisis")
    CHILD_PROTECTION_INVESTIGATION = (
        "child_protection_investigation",
        _("Report to or investigation by the child protection board"),
    )
    RETURN_HOME = "return_home", _("Possible return home")
    WAITING_LIST = "waiting_list", _("On a care provider's waiting list")
    THREATENED_EVICTION = "threatened_eviction", _("Threatened eviction")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    MULTI_PROBLEM = "multi_problem", _("Multi-problem household")
    DIVORCE = "divorce", _("Contested divorce")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    DEBT = "debt", _("Debt")
    DETENTION_RETURN = "detention_return", _("Return from detention")
    RESTORATIVE = "restorative", _("Restorative (Echt Recht)")
    OTHER = "other", _("Other")


class StopReason(models.TextChoices):
    """Why a case ended without a conference; codes as in INTERCHANGE.md."""

    FAMILY_DECLINED = "family_declined", _("The family declined")
    REFERRER_WITHDREW = "referrer_withdrew", _("The referrer withdrew")
    NO_NETWORK = "no_network", _("No network to bring together")
    SAFETY = "safety", _("Safety")
    SITUATION_RESOLVED = "situation_resolved", _("The situation was resolved")
    NO_COORDINATOR = "no_coordinator", _("No coordinator available")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The family withdrew its consent")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other or unknown")


class Relation(models.TextChoices):
    """Relation to the main person; codes as in INTERCHANGE.md."""

    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_FAMILY = "other_family", _("Other family")
    FRIEND = "friend", _("Friend")
    NEIGHBOUR = "neighbour", _("Neighbour")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Other")


class HelpDuration(models.TextChoices):
    NONE = "none", _("No professional help yet")
    UNDER_1 = "under_1", _("Less than 1 year")
    YEARS_1_3 = "1_3", _("1 to 3 years")
    YEARS_3_5 = "3_5", _("3 to 5 years")
    OVER_5 = "over_5", _("More than 5 years")
    UNKNOWN = "unknown", _("Unknown")


class ReferenceCounter(models.Model):
    """The last reference number handed out per year (see services.next_reference)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


def years_after(day, years):
    """The same day ``years`` later; 29 February becomes 1 March (never earlier)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, month=3, day=1)


def _save_with_key(instance, parent, field, key, args, kwargs):
    """Save, writing the key column too when ``field`` is among the fields saved."""
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and field in update_fields and key not in update_fields:
        kwargs["update_fields"] = [*update_fields, key]
    parent.save(*args, **kwargs)


class Referral(models.Model):
    """The case: one family, referred for a conference, through its whole lifecycle."""

    # NULL until the referral leaves draft: unique, and drafts have none yet.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=20, unique=True, null=True, blank=True
    )
    # A destroyed file (privacy/destruction.py) keeps no reference: its research
    # pseudonym is stored, so exports name it as they did before.
    pseudonym = models.CharField(max_length=20, blank=True, db_index=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=CaseStatus.choices,
        default=CaseStatus.DRAFT,
        db_index=True,
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("region")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring organisation"),
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referrer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the case entered its current state: how long it has waited there.
    status_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The day of the referral: submission by the referrer, or registration by the
    # regional manager. Research cohorts are built on it.
    referred_on = models.DateField(_("referred on"), null=True, blank=True, db_index=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    first_contact_on = models.DateField(_("first contact with the family"), null=True, blank=True)

    occasion = models.CharField(
        _("occasion"), max_length=40, choices=Occasion.choices, blank=True, db_index=True
    )
    question = models.TextField(
        _("question the plan must answer"),
        blank=True,
        help_text=_('For example: "Where can the children live safely?"'),
    )
    bounds = models.TextField(
        _("bounds"),
        blank=True,
        help_text=_("The minimum conditions for safety and legality that the plan must meet."),
    )
    problem_areas = models.TextField(_("underlying problems"), blank=True)
    help_duration = models.CharField(
        _("professional help involved for"),
        max_length=16,
        choices=HelpDuration.choices,
        blank=True,
    )

    family_name = models.CharField(_("family name"), max_length=150, blank=True, db_index=True)
    # The family name without diacritics, case or hyphens (referrals/family.py): search
    # and the family match compare this, so "Ozdemir" finds "Özdemir".
    family_key = models.CharField(max_length=150, blank=True, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    languages = models.JSONField(_("languages of the family"), default=list, blank=True)

    funder = models.CharField(_("who pays"), max_length=200, blank=True)
    budget_number = models.CharField(_("budget or order number"), max_length=100, blank=True)

    stop_reason = models.CharField(
        _("stop reason"), max_length=32, choices=StopReason.choices, blank=True
    )
    stop_note = models.TextField(_("note on stopping"), blank=True)
    # The family withdrew its consent (privacy.services.consent_withdraw): no
    # coordinator is proposed and no survey is sent until consent is recorded again.
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for sending back"), blank=True)

    # An earlier case of the same family (the family came back): linked by the
    # regional manager or by the import (INTERCHANGE.md previous_reference).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_cases",
        verbose_name=_("earlier case of the family"),
    )

    # Optimistic locking for edits: a save with a stale version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["region", "status"], name="referral_region_status"),
            # The work queue and its count: the open cases of a region, read from the
            # index alone (visibility needs status and creator; the page needs ids).
            models.Index(
                fields=["region", "status", "status_changed_at", "created_by", "id"],
                condition=~models.Q(status__in=[CaseStatus.CLOSED, CaseStatus.STOPPED]),
                name="referral_open_queue",
            ),
        ]
        permissions = [("reopen_referral", "Can reopen a stopped or closed case")]

    def __str__(self):
        label = self.reference or _("draft")
        return f"{label} {self.family_name}".strip()

    def save(self, *args, **kwargs):
        self.family_key = name_key(self.family_name)
        _save_with_key(self, super(), "family_name", "family_key", args, kwargs)

    @property
    def last_changed_at(self):
        """When the file last changed: its newest event (every change writes one)."""
        return max([self.created_at, self.status_changed_at, *(e.at for e in self.events.all())])

    @property
    def retention_date(self):
        """The day the Jeugdwet's retention ends: RETENTION_YEARS after the last change."""
        return years_after(timezone.localdate(self.last_changed_at), settings.RETENTION_YEARS)

    @property
    def display_reference(self):
        return self.reference or _("Draft")

    # Labels straight from the choices: Django's get_FOO_display() hashes every
    # (lazily translated) choice on each call, which lists feel.
    @property
    def status_label(self):
        return CaseStatus(self.status).label

    @property
    def occasion_label(self):
        return Occasion(self.occasion).label if self.occasion else ""

    @property
    def is_before_conference(self):
        return self.status in BEFORE_CONFERENCE

    # For templates, which cannot name the states.
    @property
    def is_returned(self):
        return self.status == CaseStatus.RETURNED

    @property
    def is_stopped(self):
        return self.status == CaseStatus.STOPPED

    @property
    def is_ended(self):
        return self.status in ENDED

    @property
    def is_plan_not_accepted(self):
        return self.status == CaseStatus.PLAN_NOT_ACCEPTED

    @property
    def language_names(self):
        return [language_name(code) for code in self.languages]


class MainPerson(models.Model):
    """A person the conference is about (hoofdpersoon): a child or an adult."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="main_persons")
    name = models.CharField(_("name"), max_length=150, blank=True)
    name_key = models.CharField(max_length=150, blank=True, editable=False)
    # Indexed: the family match looks main persons up by their birth date.
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    # Imports and pseudonymised data know only the year.
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    is_child = models.BooleanField(_("child"), default=True)
    lives_with = models.CharField(
        _("lives now"),
        max_length=200,
        blank=True,
        help_text=_("For example: with mother, with grandparents, in a foster family."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("main person")
        verbose_name_plural = _("main persons")

    def __str__(self):
        return self.name or str(_("main person"))

    def save(self, *args, **kwargs):
        # Keep the year in step with the date, so research never needs the date.
        if self.birth_date:
            self.birth_year = self.birth_date.year
        self.name_key = name_key(self.name)
        _save_with_key(self, super(), "name", "name_key", args, kwargs)


class InvolvedProfessional(models.Model):
    """Another professional already involved with the family."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="professionals")
    name = models.CharField(_("name"), max_length=150)
    organization = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=150, blank=True)
    contact = models.CharField(_("phone or email"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("professional involved")
        verbose_name_plural = _("professionals involved")

    def __str__(self):
        return self.name


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child (under 12)")
    YOUNG = "young", _("Young person (12 to 17)")
    ADULT = "adult", _("Adult")


class Invitation(models.TextChoices):
    """Where a network member stands for the coming conference."""

    TO_INVITE = "to_invite", _("To invite")
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Coming")
    DECLINED = "declined", _("Not coming")
    EXCLUDED = "excluded", _("Excluded by the coordinator")


class Side(models.TextChoices):
    """For a restorative conference (Echt Recht): whose network someone belongs to."""

    VICTIM = "victim", _("Victim's side")
    OFFENDER = "offender", _("Offender's side")


class NetworkMember(models.Model):
    """Someone in the family's network. The referral records those already known;
    the coordinator widens the circle during preparation."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="network_members")
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.ADULT
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, blank=True)
    invitation = models.CharField(
        _("invitation"), max_length=12, choices=Invitation.choices, default=Invitation.TO_INVITE
    )
    exclusion_reason = models.CharField(_("why excluded"), max_length=300, blank=True)
    # Only the coordinator and the regional manager see this (e.g. "must not meet X").
    safety_note = models.TextField(_("safety note"), blank=True)
    # Optimistic locking for edits: a save with a stale version is refused (ekc/editing.py).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")

    def __str__(self):
        return self.name

    @property
    def language_name(self):
        return language_name(self.language) if self.language else ""


class Consent(models.Model):
    """The family's consent: no coordinator is proposed without it."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=200)
    given_on = models.DateField(_("given on"))
    scope = models.TextField(
        _("consent for"),
        help_text=_("What the family agreed to, e.g. sharing the referral with a coordinator."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.given_by} ({self.given_on})"


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what, when, with details.

    Written only by service functions; never changed or deleted by the application.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=32, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=CaseStatus.choices, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.referral_id} {self.kind}"

    @property
    def is_transition(self):
        return self.kind in Transition.values

    @property
    def label(self):
        """The event as one sentence for people (referrals/timeline.py)."""
        return timeline.sentence(self)

    @property
    def explanation(self):
        """The reason or note that goes with the event, readable for people."""
        reason = self.details.get("reason", "")
        if self.kind == Transition.STOP and reason in StopReason.values:
            reason = StopReason(reason).label
            if self.details.get("note"):
                reason = f"{reason}: {self.details['note']}"
        elif self.kind in ("coordinator_declined", "consent_withdrawn"):
            reason = self.details.get("note", "")
        return reason


class NonOffer(models.Model):
    """A case in which an organisation offered no conference, with the motivation
    (the "reversed burden of proof"). Holds no personal names."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="non_offers",
        verbose_name=_("organisation"),
    )
    decided_on = models.DateField(_("date"), db_index=True)
    occasion = models.CharField(_("occasion"), max_length=40, choices=Occasion.choices)
    motivation = models.TextField(
        _("why no conference was offered"),
        help_text=_("Do not write names or other details that identify the family."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("no conference offered")
        verbose_name_plural = _("no conference offered")

    def __str__(self):
        return f"{self.organization} {self.decided_on}"
