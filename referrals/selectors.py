"""Reads of cases, already filtered to what the user may see."""

import datetime
import re
from dataclasses import dataclass

import holidays
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Concat, Replace, Upper
from django.db.models.lookups import Contains, IContains
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ekc import formatting
from referrals.family import name_key, postcode_key, similar_keys, similar_names
from referrals.lifecycle import CaseStatus
from referrals.models import CaseEvent, MainPerson, Referral
from referrals.rules import visible_referrals_q

# The order in which the work queue shows states.
STATUS_ORDER = list(CaseStatus.values)

NO_COORDINATOR_WORKING_DAYS = 2
NO_FIRST_CONTACT_DAYS = 2
NO_CONFERENCE_WEEKS = 8
WAITING_FOR_CONFERENCE = (
    CaseStatus.REGISTERED,
    CaseStatus.COORDINATOR_ASSIGNED,
    CaseStatus.PREPARING,
    CaseStatus.CONFERENCE_SCHEDULED,
)


def referrals_for(user):
    """The cases ``user`` may see, with what every list shows."""
    return Referral.objects.filter(visible_referrals_q(user)).select_related(
        "region", "organization"
    )


def get_referral_for(user, pk):
    """The case if ``user`` may see it; 404 otherwise (outsiders learn nothing)."""
    try:
        return referrals_for(user).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None


# "EK-2025-0012", "ek 2025", "EK2025": the prefix, when a number follows it.
REFERENCE_PREFIX = re.compile(r"^ek[-\s]*(?=\d)", re.IGNORECASE)


def search_q(text):
    """A filter for the cases whose reference, family name, main person's name,
    postcode or referrer (name or email) contains ``text``, whatever its case,
    spacing and (for names) diacritics and hyphens: "ek-2025-0012" and "2025-0012"
    find EK-2025-0012, "7511ab" finds "7511 AB". Main persons are an EXISTS
    subquery and the referrer a join on a foreign key, so every case matches at
    most once."""
    text = " ".join(text.split())
    if not text:
        return Q()
    postcode = Replace(Upper("postcode"), Value(" "), Value(""))
    referrer_name = Concat("referrer__first_name", Value(" "), "referrer__last_name")
    # Names are also compared by their key, so "ozdemir" finds "Özdemir" and
    # "vanderberg" finds "Van der Berg" (a text of only signs has no key).
    key = name_key(text)
    persons = Q(name__icontains=text) | (Q(name_key__contains=key) if key else Q(pk__in=[]))
    return (
        Q(reference__icontains=REFERENCE_PREFIX.sub("", text))
        | Q(family_name__icontains=text)
        | (Q(family_key__contains=key) if key else Q(pk__in=[]))
        | Exists(MainPerson.objects.filter(persons, referral=OuterRef("pk")))
        | Q(Contains(postcode, text.replace(" ", "").upper()))
        | Q(IContains(referrer_name, text))
        | Q(referrer__email__icontains=text)
    )


# Dutch public holidays (Koningsdag, Christmas, ...) are no working days. The
# calendar fills in each year the first time a date in it is looked up.
DUTCH_HOLIDAYS = holidays.country_holidays("NL")


def working_days_back(day, count):
    """The date ``count`` working days before ``day``: weekends and Dutch public
    holidays are skipped."""
    while count > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in DUTCH_HOLIDAYS:
            count -= 1
    return day


def attention_cutoffs(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        # Registered on or before this day and still no coordinator.
        "no_coordinator": working_days_back(today, NO_COORDINATOR_WORKING_DAYS),
        # Coordinator accepted before this moment and still no first contact.
        "no_first_contact": now - datetime.timedelta(days=NO_FIRST_CONTACT_DAYS),
        # Registered before this moment and still no conference held.
        "no_conference": now - datetime.timedelta(weeks=NO_CONFERENCE_WEEKS),
    }


def attention_q(cutoffs):
    return (
        Q(status=CaseStatus.REGISTERED, registered_at__date__lte=cutoffs["no_coordinator"])
        | Q(
            status=CaseStatus.COORDINATOR_ASSIGNED,
            status_changed_at__lte=cutoffs["no_first_contact"],
        )
        | Q(status__in=WAITING_FOR_CONFERENCE, registered_at__lte=cutoffs["no_conference"])
    )


def flags_for(referral, cutoffs):
    """The warnings the queue shows for one case (computed without queries)."""
    flags = []
    registered = referral.registered_at
    if (
        referral.status == CaseStatus.REGISTERED
        and registered
        and timezone.localdate(registered) <= cutoffs["no_coordinator"]
    ):
        flags.append("no_coordinator")
    if (
        referral.status == CaseStatus.COORDINATOR_ASSIGNED
        and referral.status_changed_at <= cutoffs["no_first_contact"]
    ):
        flags.append("no_first_contact")
    if (
        referral.status in WAITING_FOR_CONFERENCE
        and registered
        and registered <= cutoffs["no_conference"]
    ):
        flags.append("no_conference")
    return flags


# Columns of the case list that apps above referrals add: plans tells whether a
# plan waits for this user's decision, conferences when the conference is. Each is
# one annotation, so the list asks no query per row and referrals imports neither.
_LIST_COLUMNS = {}
_LEADING_COLUMNS = []


def register_list_column(name, expression_for, leads=False):
    """``expression_for(user)`` gives the annotation ``name`` of every listed case;
    a boolean column that ``leads`` puts its true cases first in the queue."""
    _LIST_COLUMNS[name] = expression_for
    if leads and name not in _LEADING_COLUMNS:
        _LEADING_COLUMNS.append(name)


def leading_columns():
    return list(_LEADING_COLUMNS)


def leading_order(names=None):
    """Order terms that put the cases with these boolean columns first. A CASE, not
    the column itself: for a user it cannot hold for, the column is the constant
    false, and PostgreSQL refuses to ORDER BY a constant."""
    names = leading_columns() if names is None else names
    return [Case(When(**{name: True}, then=Value(0)), default=Value(1)) for name in names]


def with_list_columns(referrals, user):
    return referrals.annotate(
        **{name: expression_for(user) for name, expression_for in _LIST_COLUMNS.items()}
    )


def in_queue_order(referrals, first=()):
    """The queue's order: by state (lifecycle order), longest waiting first; cases
    with any of the boolean annotations ``first`` (e.g. a plan waiting for the
    user's decision) before all others."""
    status_rank = Case(
        *[When(status=value, then=Value(rank)) for rank, value in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return referrals.annotate(status_rank=status_rank).order_by(
        *leading_order(first), "status_rank", "status_changed_at", "pk"
    )


def in_order(queryset, ids):
    """The cases with these ids from ``queryset``, in the order of ``ids``."""
    ids = list(ids)
    found = queryset.order_by().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def referral_detail(user, pk):
    """One visible case with everything its page shows, in a fixed number of queries."""
    return (
        referrals_for(user)
        .annotate(has_later_cases=Exists(Referral.objects.filter(previous=OuterRef("pk"))))
        .select_related("referrer", "referrer__organization", "created_by")
        .prefetch_related(
            "main_persons",
            "professionals",
            "network_members",
            "consents__recorded_by",
            # Later apps' parts of the case page, reached through their relations.
            "conferences__professionals",
            "oversight_notes__author",
            "oversight_notes__answered_by",
            "oversight_notes__contact_moment__member",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )


def earlier_case_ids(referral):
    """The ids of the family's earlier cases, following the links back (nearest
    first). One query per earlier case; a family comes back a few times at most."""
    ids, previous_id = [], referral.previous_id
    while previous_id is not None and previous_id not in ids and previous_id != referral.pk:
        ids.append(previous_id)
        previous_id = Referral.objects.filter(pk=previous_id).values_list("previous_id", flat=True)[
            0
        ]
    return ids


def _later_case_ids(referral):
    """The ids of the family's later cases, following the links forward."""
    found, frontier = [], [referral.pk]
    while frontier:
        frontier = [
            pk
            for pk in Referral.objects.filter(previous__in=frontier).values_list("pk", flat=True)
            if pk not in found and pk != referral.pk
        ]
        found += frontier
    return found


def family_cases(user, referral):
    """The family's other linked cases that ``user`` may see, earliest first, with
    what the case page shows of each: the conferences, the plan decision, the
    coordinators and the outcome. Cases the user may not see are left out."""
    ids = earlier_case_ids(referral) + _later_case_ids(referral)
    if not ids:
        return []
    return list(
        referrals_for(user)
        .filter(pk__in=ids, destroyed_at__isnull=True)
        .prefetch_related(
            # Later apps' parts of the case, reached through their relations.
            "conferences",
            "plans__decision",
            "assignments__coordinator__user",
            "outcomes",
        )
        .order_by("referred_on", "created_at", "pk")
    )


@dataclass(frozen=True)
class FamilyMatch:
    """An earlier case that may be the same family, and why EKC thinks so."""

    case: object
    reasons: tuple


FAMILY_MATCH_LIMIT = 10


def _earlier_than(referral):
    if referral.referred_on:
        return Q(referred_on__lt=referral.referred_on)
    return Q(created_at__lt=referral.created_at)


def family_matches(user, referral):
    """Earlier cases ``user`` may see that may be the same family as ``referral``:
    a main person with a similar name and the same birth date (the same birth
    year when a date is missing), or a similar family name at the same postcode.
    Not linked ones already in the family's chain. A fixed number of queries."""
    persons = [p for p in referral.main_persons.all() if p.name_key]
    dates = {p.birth_date for p in persons if p.birth_date}
    years = {p.birth_year for p in persons if p.birth_year and not p.birth_date}
    postcode = postcode_key(referral.postcode)
    by_person = Q(main_persons__birth_date__in=dates) | Q(main_persons__birth_year__in=years)
    by_address = Q()
    if postcode and referral.family_key:
        spaced = f"{postcode[:4]} {postcode[4:]}"
        by_address = Q(postcode__iexact=postcode) | Q(postcode__iexact=spaced)
    if not (dates or years or by_address):
        return []
    chain = {referral.pk, *earlier_case_ids(referral)}
    candidates = (
        referrals_for(user)
        .filter(_earlier_than(referral), destroyed_at__isnull=True, reference__isnull=False)
        .filter((by_person if dates or years else Q(pk__in=[])) | by_address)
        .exclude(pk__in=chain)
        .distinct()
        .prefetch_related(
            "main_persons",
            "conferences",
            "plans__decision",
            "assignments__coordinator__user",
            "outcomes",
        )
        .order_by("-referred_on", "-pk")
    )
    matches = []
    for case in candidates:
        reasons = _match_reasons(referral, persons, postcode, case)
        if reasons:
            matches.append(FamilyMatch(case=case, reasons=tuple(reasons)))
        if len(matches) == FAMILY_MATCH_LIMIT:
            break
    return matches


def _match_reasons(referral, persons, postcode, case):
    reasons = []
    if (
        postcode
        and postcode_key(case.postcode) == postcode
        and similar_keys(referral.family_key, case.family_key)
    ):
        reasons.append(
            _("family name %(name)s at postcode %(postcode)s")
            % {
                "name": case.family_name,
                "postcode": case.postcode,
            }
        )
    for person in persons:
        for other in case.main_persons.all():
            if person.birth_date and other.birth_date:
                same_birth = person.birth_date == other.birth_date
            else:
                same_birth = bool(person.birth_year) and person.birth_year == other.birth_year
            if same_birth and similar_names(person.name, other.name):
                reasons.append(
                    _("%(name)s, born %(born)s")
                    % {
                        "name": other.name,
                        "born": formatting.day(other.birth_date)
                        if other.birth_date
                        else other.birth_year,
                    }
                )
    return reasons
