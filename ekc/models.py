"""Cross-cutting models: users and their roles, regions, organisations, sent forms."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    """Organisation types, codes as in INTERCHANGE.md."""

    YOUTH_CARE = "youth_care", _("Youth care")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    EDUCATION = "education", _("Education")
    WELFARE = "welfare", _("Welfare work")
    HOME_CARE = "home_care", _("Home care")
    DISABILITY_SUPPORT = "disability_support", _("Disability support")
    MENTAL_HEALTH = "mental_health", _("Mental health care")
    HEALTHCARE = "healthcare", _("Healthcare")
    LEGAL = "legal", _("Legal")
    MUNICIPALITY = "municipality", _("Municipality")
    HOUSING = "housing", _("Housing corporation")
    JUSTICE = "justice", _("Justice")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """The roles a user can hold; a person may hold several."""

    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    COORDINATOR = "coordinator", _("Coordinator")
    REFERRER = "referrer", _("Referrer")
    LIAISON = "liaison", _("Liaison")
    RESEARCHER = "researcher", _("Researcher")
    ADMINISTRATOR = "administrator", _("Administrator")


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A referring (or requested) organisation, in one region."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=OrganizationType.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "region"], name="organization_unique_name")
        ]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Email addresses are compared case-insensitively at login.
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in, by email. Roles are flags: a person may hold several.

    Administrators are superusers. Regional managers and coordinators belong to
    regions; referrers and liaisons belong to an organisation.
    """

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    is_regional_manager = models.BooleanField(_("regional manager"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    is_referrer = models.BooleanField(_("referrer"), default=False)
    is_liaison = models.BooleanField(_("liaison"), default=False)
    is_researcher = models.BooleanField(_("researcher"), default=False)
    # A referrer decides on the plans of their own referrals; with this right also
    # on the other plans of their organisation (e.g. when a colleague is away).
    may_decide_organization_plans = models.BooleanField(
        _("may decide on all plans of the organisation"), default=False
    )
    # A regional manager gets the weekly digest (shell/digest.py) unless she
    # switches it off on her profile page.
    wants_weekly_digest = models.BooleanField(_("weekly digest by email"), default=True)

    regions = models.ManyToManyField(
        Region, blank=True, related_name="users", verbose_name=_("regions")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )

    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May log in to the management site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def is_administrator(self):
        return self.is_active and self.is_superuser

    @property
    def roles(self):
        """The roles this user holds, in a fixed order."""
        flags = {
            Role.REGIONAL_MANAGER: self.is_regional_manager,
            Role.COORDINATOR: self.is_coordinator,
            Role.REFERRER: self.is_referrer,
            Role.LIAISON: self.is_liaison,
            Role.RESEARCHER: self.is_researcher,
            Role.ADMINISTRATOR: self.is_superuser,
        }
        return [role for role, held in flags.items() if held]

    def has_role(self, role):
        return role in self.roles


class FormSubmission(models.Model):
    """A create form that has been sent: its one-time token, who sent it, and where
    its result is. The unique token makes the same form sent twice count once."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    result_url = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class WeeklyDigest(models.Model):
    """The weekly digest of one regional manager for one ISO week: recorded once,
    also when there was nothing to send, so a second run that week sends nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()  # the Monday of the ISO week
    items = models.PositiveIntegerField(default=0)  # 0: nothing to send, none sent
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="weekly_digest_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.week_start:%G-W%V}"
