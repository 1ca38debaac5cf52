"""Reads for the shell: what a user's home page shows per role.

The shell sits on top of the apps (it gathers each app's selectors), which is why
it may import them; no app imports the shell.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from conferences.selectors import open_advice_requests_for, open_comments_for
from coordinators.selectors import open_region_requests_for, proposals_for, transfers_for
from ekc.models import Role
from ekc.rules import (
    is_coordinator,
    is_liaison,
    is_referrer,
    is_region_staff,
    is_regional_manager,
)
from plans.selectors import due_evaluations, plans_awaiting_decision_of
from privacy.rules import can_see_requests
from privacy.selectors import open_requests_for
from referrals import selectors as referral_selectors
from referrals.lifecycle import ENDED, CaseStatus
from referrals.rules import coordinated_by_q

ROLE_DESCRIPTIONS = {
    Role.REGIONAL_MANAGER: _(
        "You receive referrals for your region, check the question, and match an "
        "independent coordinator."
    ),
    Role.COORDINATOR: _(
        "You prepare conferences with the family and its network, and log the conference day."
    ),
    Role.REFERRER: _(
        "You refer families for a conference, set the bounds, and decide on the family's plan."
    ),
    Role.LIAISON: _(
        "You follow your organisation's referrals and record why no conference was offered "
        "when it was not."
    ),
    Role.RESEARCHER: _(
        "You see outcome and satisfaction figures, never names: aggregates and "
        "pseudonymised data only."
    ),
    Role.ADMINISTRATOR: _(
        "You manage users, regions and organisations, and you can read the audit logs."
    ),
}


@dataclass
class RoleCard:
    role: Role
    description: str
    regions: list = field(default_factory=list)
    organization: object = None


def role_cards_for(user):
    """One card per role the user holds, with the regions or organisation it applies to."""
    regions = (
        list(user.regions.all()) if (is_regional_manager(user) or is_coordinator(user)) else []
    )
    cards = []
    for role in user.roles:
        card = RoleCard(role=role, description=ROLE_DESCRIPTIONS[role])
        if role in (Role.REGIONAL_MANAGER, Role.COORDINATOR):
            card.regions = regions
        elif role in (Role.REFERRER, Role.LIAISON):
            card.organization = user.organization
        cards.append(card)
    return cards


def status_counts(user):
    """How many visible, open cases there are per state (one query)."""
    rows = (
        referral_selectors.referrals_for(user)
        .exclude(status__in=ENDED)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, counts[status]) for status in CaseStatus if counts.get(status)]


def home_work(user):
    """The work each role sees on the home page."""
    work = {}
    if is_region_staff(user):
        work["status_counts"] = status_counts(user)
        work["attention"] = (
            referral_selectors.referrals_for(user)
            .filter(referral_selectors.attention_q(referral_selectors.attention_cutoffs()))
            .count()
        )
        work["region_requests"] = list(open_region_requests_for(user)[:10])
    if can_see_requests(user):
        work["rights_requests"] = list(open_requests_for(user)[:10])
    if is_coordinator(user):
        work["proposals"] = list(proposals_for(user))
        work["transfers"] = list(transfers_for(user))
        work["my_cases"] = list(
            referral_selectors.referrals_for(user)
            .filter(coordinated_by_q(user))
            .exclude(status__in=ENDED)
            .order_by("status_changed_at")[:20]
        )
    if is_regional_manager(user):
        work["advice_requests"] = list(open_advice_requests_for(user))
    if is_coordinator(user):
        work["open_comments"] = list(open_comments_for(user))
    if is_coordinator(user) or is_region_staff(user):
        work["due_evaluations"] = list(due_evaluations(user))
    if is_referrer(user):
        work["awaiting_decision"] = list(
            plans_awaiting_decision_of(user).select_related("referral").order_by("submitted_at")
        )
    if is_referrer(user) or is_liaison(user):
        org_cases = referral_selectors.with_list_columns(
            referral_selectors.referrals_for(user).filter(organization_id=user.organization_id),
            user,
        )
        work["org_cases"] = list(
            org_cases.exclude(status__in=ENDED).order_by(
                *referral_selectors.leading_order(), "-status_changed_at"
            )[:10]
        )
    return work


def cases_on_home(work):
    """The cases the home page shows by name, for the access log."""
    cases = [assignment.referral for assignment in work.get("proposals", [])]
    cases += [transfer.referral for transfer in work.get("transfers", [])]
    cases += work.get("my_cases", []) + work.get("org_cases", [])
    cases += [plan.referral for plan in work.get("awaiting_decision", [])]
    cases += [moment.plan.referral for moment in work.get("due_evaluations", [])]
    cases += [asked.referral for asked in work.get("rights_requests", [])]
    notes = work.get("advice_requests", []) + work.get("open_comments", [])
    cases += [note.referral for note in notes]
    return cases
