"""Import of a regional coordinator pool from CSV (format in INTERCHANGE.md).

``parse_pool`` checks every row first and reports every error with its row
number; ``import_pool`` saves nothing when there is any error. Re-importing
updates coordinators by ``code``.

What an import may change depends on who runs it (:class:`ImportScope`): the
administrator's command line follows INTERCHANGE.md to the letter (any region,
regions created, e-mail addresses updated), a regional manager's upload only
touches coordinators of her own regions and never an account's e-mail address
or roles. No import turns an existing account into a coordinator: an e-mail
address that already logs in someone else is refused.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Annotated

from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.forms import ValidationError
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from coordinators.models import Coordinator, Leave
from ekc.accounts import send_account_invitation, user_change_email
from ekc.languages import is_language_code
from ekc.models import Region, User
from ekc.rules import is_administrator, is_regional_manager
from ekc.rules import region_ids as user_region_ids
from referrals.models import Occasion

REQUIRED = [
    "code",
    "first_name",
    "last_name",
    "email",
    "region",
    "languages",
    "max_active_cases",
    "active",
]
OPTIONAL = ["unavailable_from", "unavailable_to", "occasions"]


@dataclass
class PoolRow:
    line: int
    code: str
    first_name: str
    last_name: str
    email: str
    region: str
    languages: list
    max_active_cases: int
    active: bool
    unavailable_from: datetime.date | None = None
    unavailable_to: datetime.date | None = None
    occasions: list = field(default_factory=list)


@dataclass(frozen=True)
class ImportScope:
    """What one import may change."""

    # The regions it may touch, by id; None means every region.
    region_ids: frozenset | None
    may_create_regions: bool
    may_change_email: bool

    @classmethod
    def command_line(cls):
        """The administrator's ``import_coordinators`` command (INTERCHANGE.md)."""
        return cls(region_ids=None, may_create_regions=True, may_change_email=True)

    @classmethod
    def for_user(cls, user):
        """The web upload: an administrator as on the command line but with the
        regions that exist; a regional manager within her own regions only."""
        if is_administrator(user):
            return cls(region_ids=None, may_create_regions=False, may_change_email=True)
        if is_regional_manager(user):
            return cls(
                region_ids=frozenset(user_region_ids(user)),
                may_create_regions=False,
                may_change_email=False,
            )
        raise ValueError("Only administrators and regional managers import a pool.")

    def covers(self, region_id):
        return self.region_ids is None or region_id in self.region_ids

    def covers_any(self, region_ids):
        # A coordinator without any region yet is the administrator's to place.
        return self.region_ids is None or any(pk in self.region_ids for pk in region_ids)


@dataclass(frozen=True)
class EmailChange:
    line: int
    code: str
    old: str
    new: str


@dataclass
class PoolParse:
    rows: list
    errors: list  # (row number, message); row 1 is the header
    # Shown in the preview (and by the command) before the import is confirmed.
    email_changes: list = field(default_factory=list)
    new_regions: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def _codes(value):
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _problem(message):
    """A row error with its Dutch text as the whole message."""
    return PydanticCustomError("pool_row", "{message}", {"message": message})


def _filled(value, info):
    if not value:
        raise _problem(_("%(column)s is empty.") % {"column": info.field_name})
    return value


def _email(value):
    value = value.lower()
    try:
        validate_email(value)
    except ValidationError:
        raise _problem(_("%(email)s is not an email address.") % {"email": value}) from None
    return value


def _language_codes(value):
    codes = _codes(value)
    bad = [code for code in codes if not is_language_code(code)]
    if bad:
        raise _problem(_("Unknown language codes: %(codes)s") % {"codes": ", ".join(bad)})
    return codes


def _occasions(value):
    codes = _codes(value)
    bad = [code for code in codes if code not in Occasion.values]
    if bad:
        raise _problem(_("Unknown occasions: %(codes)s") % {"codes": ", ".join(bad)})
    return codes


def _whole_number(value):
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise _problem(_("max_active_cases must be a whole number of 0 or more."))
    return number


def _flag(value):
    if value not in ("0", "1"):
        raise _problem(_("active must be 1 or 0."))
    return value == "1"


def _date(value, info):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _problem(
            _("%(column)s is not a date (YYYY-MM-DD): %(value)s")
            % {"column": info.field_name, "value": value}
        ) from None


def _required(parse=None):
    """A column that must not be empty, then read by ``parse``."""

    def validate(value, info):
        _filled(value, info)
        return parse(value) if parse else value

    return BeforeValidator(validate)


Filled = Annotated[str, _required()]
OptionalDate = Annotated[datetime.date | None, BeforeValidator(_date)]


class PoolRowSchema(BaseModel):
    """One CSV row (INTERCHANGE.md), from its stripped text values. Every field is
    checked on its own, so a row reports all its errors at once."""

    model_config = ConfigDict(extra="forbid")

    code: Filled
    first_name: Filled
    last_name: Filled
    email: Annotated[str, _required(_email)]
    region: Filled
    languages: Annotated[list[str], _required(_language_codes)]
    max_active_cases: Annotated[int, _required(_whole_number)]
    active: Annotated[bool, _required(_flag)]
    unavailable_from: OptionalDate = None
    unavailable_to: OptionalDate = None
    occasions: Annotated[list[str], BeforeValidator(_occasions)] = Field(default_factory=list)

    @field_validator("unavailable_to")
    @classmethod
    def _one_period(cls, end, info):
        if "unavailable_from" not in info.data:
            return end  # its own error is reported
        start = info.data["unavailable_from"]
        if (start is None) != (end is None):
            raise _problem(_("Fill in both unavailable_from and unavailable_to, or neither."))
        if start and end < start:
            raise _problem(_("unavailable_to is before unavailable_from."))
        return end


def parse_pool(text, *, scope):
    """Read and check every row of the CSV ``text`` against what ``scope`` allows.

    Only reads the database; the result lists every error by row."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _parse_pool(reader, scope)
    except csv.Error:
        # A broken quote, or a field over the csv module's size limit.
        return PoolParse(
            rows=[],
            errors=[(max(reader.line_num, 1), _("This row cannot be read as CSV."))],
        )


def _parse_pool(reader, scope):
    header = [name.strip() for name in (reader.fieldnames or [])]
    errors = []
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if missing:
        errors.append((1, _("Missing columns: %(names)s") % {"names": ", ".join(missing)}))
    if unknown:
        errors.append((1, _("Unknown columns: %(names)s") % {"names": ", ".join(unknown)}))
    if errors:
        return PoolParse(rows=[], errors=errors)
    rows, seen_codes, seen_emails = [], {}, {}
    for line, raw in enumerate(reader, start=2):
        values = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        if None in raw:
            errors.append((line, _("This row has more values than the header has columns.")))
            continue
        code, email = values.get("code", ""), values.get("email", "").lower()
        row_errors = []
        if code in seen_codes:
            row_errors.append(
                _("Code %(code)s is also on row %(other)s.")
                % {"code": code, "other": seen_codes[code]}
            )
        if email and email in seen_emails:
            row_errors.append(
                _("Email %(email)s is also on row %(other)s.")
                % {"email": email, "other": seen_emails[email]}
            )
        try:
            row = PoolRowSchema(**values)
        except PydanticValidationError as exc:
            row_errors += [error["msg"] for error in exc.errors()]
        seen_codes.setdefault(code, line)
        if email:
            seen_emails.setdefault(email, line)
        errors.extend((line, message) for message in row_errors)
        if not row_errors:
            rows.append(PoolRow(line=line, **row.model_dump()))
    parsed = PoolParse(rows=rows, errors=errors)
    _check_against_database(parsed, scope)
    parsed.errors.sort()
    return parsed


def _check_against_database(parsed, scope):
    """The rules that need the database: existing codes, e-mail owners, regions."""
    rows = parsed.rows
    existing = {
        c.code: c
        for c in Coordinator.objects.select_related("user")
        .prefetch_related("user__regions")
        .filter(code__in=[row.code for row in rows])
    }
    owners = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[row.email for row in rows])
        .select_related("coordinator_profile")
    }
    regions = {
        region.name: region
        for region in Region.objects.filter(name__in={row.region for row in rows})
    }
    errors, new_regions = parsed.errors, set()
    for row in rows:
        region = regions.get(row.region)
        if region is None:
            if scope.may_create_regions:
                new_regions.add(row.region)
            else:
                errors.append(
                    (row.line, _("There is no region %(name)s in EKC.") % {"name": row.region})
                )
        elif not scope.covers(region.pk):
            errors.append(
                (row.line, _("%(name)s is not one of your regions.") % {"name": row.region})
            )
        coordinator = existing.get(row.code)
        owner = owners.get(row.email)
        if coordinator is not None:
            _check_update(parsed, scope, row, coordinator, owner)
        elif owner is not None:
            profile = getattr(owner, "coordinator_profile", None)
            if profile is not None:
                message = _("%(email)s already belongs to coordinator %(code)s.") % {
                    "email": row.email,
                    "code": profile.code,
                }
            else:
                message = _("%(email)s already belongs to another user of EKC.") % {
                    "email": row.email
                }
            errors.append((row.line, message))
    parsed.new_regions = sorted(new_regions)


def _check_update(parsed, scope, row, coordinator, owner):
    if not scope.covers_any(region.pk for region in coordinator.user.regions.all()):
        parsed.errors.append(
            (
                row.line,
                _("Coordinator %(code)s does not serve one of your regions.") % {"code": row.code},
            )
        )
        return
    if coordinator.user.email.lower() == row.email:
        return
    if not scope.may_change_email:
        parsed.errors.append(
            (
                row.line,
                _(
                    "The email address of coordinator %(code)s is %(email)s. Only an "
                    "administrator can change it."
                )
                % {"code": row.code, "email": coordinator.user.email},
            )
        )
    elif owner is not None:
        parsed.errors.append(
            (
                row.line,
                _("%(email)s already belongs to another user of EKC.") % {"email": row.email},
            )
        )
    else:
        parsed.email_changes.append(
            EmailChange(line=row.line, code=row.code, old=coordinator.user.email, new=row.email)
        )


@transaction.atomic
def import_pool(parsed, *, scope):
    """Save a checked pool, creating or updating coordinators by code.

    Checks the pool again inside the transaction (the database may have changed
    since the preview). New coordinators get an invitation to set their password;
    the old address of a changed e-mail is told. Returns (created, updated)."""
    if not parsed.ok:
        raise ValueError("The pool has errors; nothing is imported.")
    _check_against_database(recheck := PoolParse(rows=parsed.rows, errors=[]), scope)
    if recheck.errors or recheck.email_changes != parsed.email_changes:
        raise ValueError("The pool no longer matches the database; check it again.")
    regions = {
        region.name: region
        for region in Region.objects.filter(name__in={row.region for row in parsed.rows})
    }
    created = updated = 0
    existing = {
        c.code: c
        for c in Coordinator.objects.select_related("user").filter(
            code__in=[r.code for r in parsed.rows]
        )
    }
    for row in parsed.rows:
        region = regions.get(row.region)
        if region is None:
            region = regions[row.region] = Region.objects.create(name=row.region)
        coordinator = existing.get(row.code)
        if coordinator:
            user = coordinator.user
            if user.email.lower() != row.email:
                user_change_email(user=user, new_email=row.email)
            user.first_name, user.last_name = row.first_name, row.last_name
            user.save(update_fields=["first_name", "last_name"])
            updated += 1
        else:
            user = User(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                is_coordinator=True,
            )
            user.set_unusable_password()
            user.save()
            send_account_invitation(user)
            created += 1
        user.regions.add(region)
        if coordinator is None:
            coordinator = Coordinator(user=user, code=row.code)
        coordinator.languages = row.languages
        coordinator.max_active_cases = row.max_active_cases
        coordinator.active = row.active
        coordinator.occasions = row.occasions
        if coordinator.pk:
            # A profile form read before the import must not overwrite it.
            coordinator.version = F("version") + 1
        coordinator.save()
        if row.unavailable_from:
            Leave.objects.get_or_create(
                coordinator=coordinator, start=row.unavailable_from, end=row.unavailable_to
            )
    return created, updated
