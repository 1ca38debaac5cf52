"""Import of a regional coordinator pool from CSV (format in INTERCHANGE.md).

``parse_pool`` checks every row first and reports every error with its row
number; ``import_pool`` saves nothing when there is any error. Re-importing
updates coordinators by ``code``.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.validators import validate_email
from django.db import transaction
from django.forms import ValidationError
from django.utils.translation import gettext as _

from coordinators.models import Coordinator, Leave
from ekc.languages import is_language_code
from ekc.models import Region, User
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


@dataclass
class PoolParse:
    rows: list
    errors: list  # (row number, message); row 1 is the header

    @property
    def ok(self):
        return not self.errors


def _codes(value):
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _date(value, name, errors, line):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append(
            (
                line,
                _("%(column)s is not a date (YYYY-MM-DD): %(value)s")
                % {"column": name, "value": value},
            )
        )
        return None


def parse_pool(text):
    """Read and check every row of the CSV ``text``; never touches the database."""
    reader = csv.DictReader(io.StringIO(text))
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
        row_errors = []
        for name in REQUIRED:
            if not values.get(name):
                row_errors.append((line, _("%(column)s is empty.") % {"column": name}))
        code, email = values.get("code", ""), values.get("email", "").lower()
        if code in seen_codes:
            row_errors.append(
                (
                    line,
                    _("Code %(code)s is also on row %(other)s.")
                    % {"code": code, "other": seen_codes[code]},
                )
            )
        if email and email in seen_emails:
            row_errors.append(
                (
                    line,
                    _("Email %(email)s is also on row %(other)s.")
                    % {"email": email, "other": seen_emails[email]},
                )
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row_errors.append(
                    (line, _("%(email)s is not an email address.") % {"email": email})
                )
        languages = _codes(values.get("languages"))
        bad = [code for code in languages if not is_language_code(code)]
        if bad:
            row_errors.append(
                (line, _("Unknown language codes: %(codes)s") % {"codes": ", ".join(bad)})
            )
        occasions = _codes(values.get("occasions"))
        bad = [code for code in occasions if code not in Occasion.values]
        if bad:
            row_errors.append((line, _("Unknown occasions: %(codes)s") % {"codes": ", ".join(bad)}))
        try:
            max_cases = int(values.get("max_active_cases", ""))
            if max_cases < 0:
                raise ValueError
        except ValueError:
            max_cases = 0
            if values.get("max_active_cases"):
                row_errors.append(
                    (line, _("max_active_cases must be a whole number of 0 or more."))
                )
        active = values.get("active", "")
        if active and active not in ("0", "1"):
            row_errors.append((line, _("active must be 1 or 0.")))
        start = _date(values.get("unavailable_from"), "unavailable_from", row_errors, line)
        end = _date(values.get("unavailable_to"), "unavailable_to", row_errors, line)
        if bool(values.get("unavailable_from")) != bool(values.get("unavailable_to")):
            row_errors.append(
                (line, _("Fill in both unavailable_from and unavailable_to, or neither."))
            )
        elif start and end and end < start:
            row_errors.append((line, _("unavailable_to is before unavailable_from.")))
        seen_codes.setdefault(code, line)
        if email:
            seen_emails.setdefault(email, line)
        errors.extend(row_errors)
        if not row_errors:
            rows.append(
                PoolRow(
                    line=line,
                    code=code,
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    email=email,
                    region=values["region"],
                    languages=languages,
                    max_active_cases=max_cases,
                    active=active == "1",
                    unavailable_from=start,
                    unavailable_to=end,
                    occasions=occasions,
                )
            )
    _check_email_owners(rows, errors)
    return PoolParse(rows=rows, errors=sorted(errors))


def _check_email_owners(rows, errors):
    """An email that already belongs to someone else's login cannot be taken over."""
    by_email = {row.email: row for row in rows}
    owners = User.objects.filter(email__in=by_email).select_related("coordinator_profile")
    for user in owners:
        row = by_email[user.email]
        profile = getattr(user, "coordinator_profile", None)
        if profile is not None and profile.code != row.code:
            errors.append(
                (
                    row.line,
                    _("%(email)s already belongs to coordinator %(code)s.")
                    % {"email": user.email, "code": profile.code},
                )
            )
        elif profile is None and (
            user.is_superuser or user.is_referrer or user.is_regional_manager
        ):
            errors.append(
                (
                    row.line,
                    _("%(email)s already belongs to another user of EKC.") % {"email": user.email},
                )
            )


@transaction.atomic
def import_pool(parsed):
    """Save a checked pool, creating or updating coordinators by code.

    Returns (created, updated)."""
    if not parsed.ok:
        raise ValueError("The pool has errors; nothing is imported.")
    regions = {}
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
            region = regions[row.region] = Region.objects.get_or_create(name=row.region)[0]
        coordinator = existing.get(row.code)
        if coordinator:
            user = coordinator.user
            updated += 1
        else:
            user = User.objects.filter(email__iexact=row.email).first() or User(email=row.email)
            created += 1
        user.email = row.email
        user.first_name, user.last_name = row.first_name, row.last_name
        user.is_coordinator = True
        if not user.pk:
            user.set_unusable_password()
        user.save()
        user.regions.add(region)
        if coordinator is None:
            coordinator = Coordinator(user=user, code=row.code)
        coordinator.languages = row.languages
        coordinator.max_active_cases = row.max_active_cases
        coordinator.active = row.active
        coordinator.occasions = row.occasions
        coordinator.save()
        if row.unavailable_from:
            Leave.objects.get_or_create(
                coordinator=coordinator, start=row.unavailable_from, end=row.unavailable_to
            )
    return created, updated
