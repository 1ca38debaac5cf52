"""The schema of one line of the registration interchange format (INTERCHANGE.md).

Pydantic checks the shape (unknown keys, types, codes) of every part at once;
``case_errors`` turns what it finds into the import's messages, one per problem,
named by where it is (``conference.participants[2]: unknown relation 'cousin'``).
"""

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from conferences.models import Attendance, LocationType
from ekc.languages import is_language_code
from ekc.models import OrganizationType
from plans.models import AgreementStatus, CarriedBy, Decision, LifeDomain, OutcomeCode
from referrals.models import Occasion, Relation, Sex, StopReason
from research.models import Respondent

REQUIRED = ("reference", "region", "organization", "occasion", "referred_on")
FIRST_KINDS = ("family_group", "restorative")


def _problem(message):
    return PydanticCustomError("interchange", "{message}", {"message": message})


def says(message):
    """Whatever is wrong with this value, report ``message`` (``{value!r}`` is
    filled in with the value)."""

    def validate(value, handler):
        try:
            return handler(value)
        except ValidationError:
            raise _problem(message.format(value=value)) from None

    return WrapValidator(validate)


def required(key):
    """A key of the case that must be there and not empty."""

    def validate(value, handler):
        if value in (None, ""):
            raise _problem(f"{key} is required")
        return handler(value)

    return WrapValidator(validate)


def one_of(choices):
    return Literal[tuple(choices)]


def _iso_date(value):
    if not isinstance(value, str):
        raise ValueError("not text")
    return datetime.date.fromisoformat(value)


def _language(value):
    if not is_language_code(value):
        raise ValueError("not a language code")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
LanguageCode = Annotated[str, BeforeValidator(_language)]
# Validated even when the key is missing, so that a missing value gets its message.
MISSING_TOO = Field(default=None, validate_default=True)


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Organization(Part):
    """Exactly a name and a type; its messages name the organisation themselves."""

    name: Annotated[str, says("organization name is required")]
    type: Annotated[one_of(OrganizationType.values), says("unknown organization type {value!r}")]

    @field_validator("name")
    @classmethod
    def _not_blank(cls, name):
        if not name.strip():
            raise _problem("organization name is required")
        return name


class MainPerson(Part):
    birth_year: Annotated[
        int | None, Field(ge=1900, le=2100), says("birth_year must be a year")
    ] = None
    sex: Annotated[one_of(Sex.values) | None, says("sex must be f, m or x")] = None
    is_child: Annotated[bool | None, says("is_child must be true or false")] = None


class Participant(Part):
    relation: Annotated[one_of(Relation.values), says("unknown relation {value!r}")] = MISSING_TOO
    attendance: Annotated[one_of(Attendance.values), says("unknown attendance {value!r}")] = (
        MISSING_TOO
    )


class Conference(Part):
    kind: Annotated[one_of(FIRST_KINDS), says(f"kind must be one of {', '.join(FIRST_KINDS)}")] = (
        MISSING_TOO
    )
    held_on: Annotated[IsoDate, says("held_on must be a date (YYYY-MM-DD)")] = MISSING_TOO
    duration_minutes: Annotated[
        int | None,
        Field(gt=0, lt=24 * 60),
        says("duration_minutes must be a whole number of minutes"),
    ] = None
    language: Annotated[LanguageCode | None, says("language must be an ISO 639 code")] = None
    location_type: Annotated[
        one_of(LocationType.values) | None, says("unknown location_type {value!r}")
    ] = None
    participants: list[Participant] | None = None

    @field_validator("held_on")
    @classmethod
    def _not_before_referral(cls, held_on, info: ValidationInfo):
        referred_on = (info.context or {}).get("referred_on")
        if referred_on and held_on < referred_on:
            raise _problem("held_on is before referred_on")
        return held_on


class FollowUp(Conference):
    kind: Annotated[Literal["follow_up"], says("kind must be one of follow_up")] = MISSING_TOO


class Agreement(Part):
    life_domain: Annotated[one_of(LifeDomain.values), says("unknown life_domain {value!r}")] = (
        MISSING_TOO
    )
    carried_by: Annotated[
        one_of(CarriedBy.values), says("carried_by must be network or professional")
    ] = MISSING_TOO
    organization_type: Any = MISSING_TOO
    status: Annotated[one_of(AgreementStatus.values) | None, says("unknown status {value!r}")] = (
        None
    )

    @field_validator("organization_type")
    @classmethod
    def _only_for_a_professional(cls, org_type, info: ValidationInfo):
        carried_by = info.data.get("carried_by")
        if carried_by == CarriedBy.PROFESSIONAL and org_type not in OrganizationType.values:
            raise _problem("organization_type is required for a professional")
        if carried_by == CarriedBy.NETWORK and org_type is not None:
            raise _problem("organization_type must be null for the network")
        return org_type


class Plan(Part):
    decision: Annotated[one_of(Decision.values) | None, says("unknown decision {value!r}")] = None
    evaluation_on: Annotated[IsoDate | None, says("evaluation_on must be a date (YYYY-MM-DD)")] = (
        None
    )
    agreements: list[Agreement] | None = None


def _grade(key):
    message = f"{key} must be a whole number from 1 to 10, or null"
    return Annotated[int | None, Field(ge=1, le=10), says(message)]


class Survey(Part):
    respondent: Annotated[one_of(Respondent.values), says("unknown respondent {value!r}")] = (
        MISSING_TOO
    )
    grade_conference: _grade("grade_conference") = None
    grade_plan: _grade("grade_plan") = None
    grade_coordinator: _grade("grade_coordinator") = None


class Case(Part):
    reference: Annotated[
        str,
        Field(max_length=20),
        says("reference must be text of at most 20 characters"),
        required("reference"),
    ] = MISSING_TOO
    region: Annotated[str, says("region must be text"), required("region")] = MISSING_TOO
    organization: Annotated[Organization, required("organization")] = MISSING_TOO
    occasion: Annotated[
        one_of(Occasion.values), says("unknown occasion {value!r}"), required("occasion")
    ] = MISSING_TOO
    referred_on: Annotated[
        IsoDate, says("referred_on must be a date (YYYY-MM-DD)"), required("referred_on")
    ] = MISSING_TOO
    languages: Annotated[
        list[LanguageCode] | None, says("languages must be a list of ISO 639 codes")
    ] = None
    main_persons: list[MainPerson] | None = None
    coordinator: Any = None
    stop_reason: Annotated[
        one_of(StopReason.values) | None, says("unknown stop_reason {value!r}")
    ] = None
    conference: Conference | None = None
    follow_ups: list[FollowUp] | None = None
    plan: Plan | None = None
    surveys: list[Survey] | None = None
    outcomes: Annotated[
        list[one_of(OutcomeCode.values)] | None, says("outcomes must be a list of outcome codes")
    ] = None
    previous_reference: Annotated[
        str | None,
        Field(max_length=20),
        says("previous_reference must be text of at most 20 characters"),
    ] = None

    @field_validator("coordinator")
    @classmethod
    def _known_coordinator(cls, code, info: ValidationInfo):
        known = (info.context or {}).get("coordinator_codes", ())
        if code is not None and not (isinstance(code, str) and code in known):
            raise _problem(f"unknown coordinator {code!r} (import coordinators first)")
        return code


# How a part that is not an object is named in its message.
SHAPES = {
    "organization": 'organization must be {{"name": ..., "type": ...}}',
    "participants": '{where} must be {{"relation": ..., "attendance": ...}}',
}


def _where(loc):
    """``('conference', 'participants', 0)`` -> ``conference.participants[1]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _shape_message(loc):
    """The message for a part that is not an object of the right keys, if its kind
    has its own (an organisation, a participant)."""
    names = [part for part in loc if isinstance(part, str)]
    template = SHAPES.get(names[-1]) if names else None
    return template.format(where=_where(loc)) if template else None


def _links(data):
    """The rules between parts of a case (reported whatever else is wrong)."""
    errors = []
    if data.get("stop_reason") is not None and (data.get("conference") or data.get("plan")):
        errors.append("a case with a stop_reason has no conference and no plan")
    if data.get("plan") is not None and data.get("conference") is None:
        errors.append("plan requires conference")
    if data.get("follow_ups") and data.get("conference") is None:
        errors.append("follow_ups require conference")
    return errors


def _referred_on(data):
    try:
        return _iso_date(data.get("referred_on"))
    except ValueError:
        return None


def case_errors(data, coordinator_codes):
    """The messages for one decoded line (an empty list when it is a valid case)."""
    if not isinstance(data, dict):
        return ["a line must be a JSON object"]
    context = {"coordinator_codes": coordinator_codes, "referred_on": _referred_on(data)}
    try:
        Case.model_validate(data, context=context)
    except ValidationError as exc:
        errors = _messages(exc.errors())
    else:
        errors = []
    return errors + _links(data)


def _messages(problems):
    messages, unknown, shaped = [], {}, set()
    for problem in problems:
        loc, kind = problem["loc"], problem["type"]
        if kind in ("extra_forbidden", "missing"):
            parent = loc[:-1]
            if _shape_message(parent):
                shaped.add(parent)
            else:
                unknown.setdefault(parent, []).append(loc[-1])
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            if _shape_message(loc):
                shaped.add(loc)
            else:
                messages.append((loc, f"{_where(loc)} must be an object"))
        elif kind == "list_type":
            messages.append((loc, _in(loc[:-1], f"{loc[-1]} must be a list")))
        else:
            messages.append((loc, _in(loc[:-1], problem["msg"])))
    for parent, keys in unknown.items():
        messages.append((parent, _in(parent, f"unknown keys: {', '.join(sorted(keys))}")))
    # A part of the wrong shape is reported once, and nothing inside it.
    for loc in shaped:
        messages.append((loc, _shape_message(loc)))
    return [
        message
        for loc, message in messages
        if not any(loc[: len(part)] == part and loc != part for part in shaped)
    ]


def _in(parent, message):
    if not parent or parent == ("organization",):
        return message
    return f"{_where(parent)}: {message}"
