"""Reads of cases, already filtered to what the user may see."""

import datetime
import re

import holidays
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Concat, Replace, Upper
from django.db.models.lookups import Contains, IContains
from django.http import Http404
from django.utils import timezone

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
    postcode or referrer (name or email) contains ``text``, whatever its case and
    spacing: "ek-2025-0012" and "2025-0012" find EK-2025-0012, "7511ab" finds
    "7511 AB". Main persons are an EXISTS subquery and the referrer a join on a
    foreign key, so every case matches at most once."""
    text = " ".join(text.split())
    if not text:
        return Q()
    postcode = Replace(Upper("postcode"), Value(" "), Value(""))
    referrer_name = Concat("referrer__first_name", Value(" "), "referrer__last_name")
    return (
        Q(reference__icontains=REFERENCE_PREFIX.sub("", text))
        | Q(family_name__icontains=text)
        | Exists(MainPerson.objects.filter(referral=OuterRef("pk"), name__icontains=text))
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
