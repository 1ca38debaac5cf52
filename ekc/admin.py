from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ekc import second_factor
from ekc.accounts import notify_email_changed
from ekc.models import Organization, Region, User


def _admin_has_permission(request):
    # The management site follows the same access rules as the rest of the app.
    return request.user.has_perm("ekc.use_admin_site")


def _admin_login(request, extra_context=None):
    # One login page for the whole app (with its lockout): the admin site has none of its own.
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next", "/beheer/"))


admin.site.has_permission = _admin_has_permission
admin.site.login = _admin_login


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region"]
    list_filter = ["type", "region"]
    search_fields = ["name"]
    list_select_related = ["region"]


class EkcUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class EkcUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EkcUserChangeForm
    add_form = EkcUserCreationForm
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_regional_manager",
        "is_coordinator",
        "is_referrer",
        "is_liaison",
        "is_researcher",
        "is_superuser",
        "is_active",
    ]
    list_filter = [
        "is_regional_manager",
        "is_coordinator",
        "is_referrer",
        "is_liaison",
        "is_researcher",
        "is_superuser",
        "is_active",
        "regions",
    ]
    search_fields = ["email", "first_name", "last_name"]
    # Tick boxes, not Django's two-list picker: its search icon carries an aria-label
    # on a plain span, which screen readers may not announce (axe), and there are
    # few regions.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    actions = ["deactivate", "reset_second_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "is_regional_manager",
                    "is_coordinator",
                    "is_referrer",
                    "is_liaison",
                    "is_researcher",
                    "may_decide_organization_plans",
                    "wants_weekly_digest",
                    "is_superuser",
                    "is_staff",
                    "is_active",
                ]
            },
        ),
        (_("Where"), {"fields": ["regions", "organization"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: the logs keep who did what (NEN 7513),
        # and on PostgreSQL they refuse the change deleting a user would make.
        return False

    @admin.action(description=_("Deactivate the selected users (they can no longer log in)"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])  # one by one: the history records each
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reset the second step of the selected users (they set it up again)")
    )
    def reset_second_factor(self, request, queryset):
        count = 0
        for user in queryset:
            if second_factor.second_factor_reset(request=request, user=user):
                count += 1
        self.message_user(
            request,
            ngettext(
                "Second step reset for %(count)d user.",
                "Second step reset for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The old address hears of every change of a login's address.
        if change and "email" in form.changed_data:
            notify_email_changed(user=obj, old_email=form.initial["email"])

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        ),
    ]


class _KeptRecordsMixin:
    """Login records are evidence: readable, never changed or deleted here."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _keep_login_records():
    # django-axes registers its admin classes on import; replace the two that hold
    # the login history with read-only ones. (Lockouts themselves, AccessAttempt,
    # stay deletable: that is how an administrator lifts a lock.)
    from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessFailureLog, AccessLog

    for model, base in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (_KeptRecordsMixin, base), {}))


_keep_login_records()


def _hide_second_factor_devices():
    # The secrets of the second factor are not shown or edited by hand; an
    # administrator resets them with the action on the users' list.
    # Imported here so that they have registered (they come after ekc).
    import django_otp.plugins.otp_static.admin
    import django_otp.plugins.otp_totp.admin  # noqa: F401
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_second_factor_devices()


SEARCH_LENGTH = 200


def is_possible_id(model, value):
    """Whether ``value`` (text from a form) can be the primary key of a ``model`` row.

    Not a number, or a number the database cannot hold, is a tampered form: Django
    passes it to the query, which then fails (SQLite overflows above 2**63)."""
    field = model._meta.pk
    try:
        value = field.to_python(value)
    except ValidationError:
        return False
    if value is None:
        return False
    ranges = connections[router.db_for_read(model)].ops.integer_field_ranges
    low, high = ranges.get(field.get_internal_type(), (None, None))
    return low is None or low <= value <= high


class _CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of many rows that refuses ids the database cannot hold (a tampered
    form): SQLite overflows on them inside the query."""

    def _check_values(self, value):
        if not all(is_possible_id(self.queryset.model, pk) for pk in value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


class _RequiredJSONField(forms.JSONField):
    """JSON for a column that may not be NULL: an empty box (or ``null``) is the
    column's default (an empty list), not a database error on save."""

    def __init__(self, *, empty_value, **kwargs):
        self.empty = empty_value
        super().__init__(**kwargs)

    def clean(self, value):
        cleaned = super().clean(value)
        return self.empty() if cleaned is None else cleaned


class _CheckedActionsMixin:
    """Tampered input in the management site is refused, not a server error: an
    action on the rows ticked in a list first checks that they are ids, a search is
    cut to a length SQLite can match (a LIKE pattern over 50,000 bytes fails), a
    choice of many rows checks its ids, and an empty JSON box is its default."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and not db_field.null:
            kwargs.setdefault("form_class", _RequiredJSONField)
            kwargs.setdefault("empty_value", db_field.get_default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term[:SEARCH_LENGTH])

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", _CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset, **options):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(is_possible_id(self.model, value) for value in selected):
            self.message_user(
                request, _("Choose only rows from the list. Nothing was changed."), messages.ERROR
            )
            return None
        return super().response_action(request, queryset, **options)


def check_action_selections(site=admin.site):
    """Give every model of ``site`` the checked actions, third-party ones too.

    Called once every app has registered its models (EkcConfig.ready)."""
    for model in apps.get_models():
        if not site.is_registered(model):
            continue
        model_admin = site.get_model_admin(model)
        if isinstance(model_admin, _CheckedActionsMixin):
            continue
        base = type(model_admin)
        site.unregister(model)
        site.register(model, type(base.__name__, (_CheckedActionsMixin, base), {}))
