"""Reads shared by the shell: what a user's home page shows per role."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ekc.models import Role

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
    regions = list(user.regions.all()) if (user.is_regional_manager or user.is_coordinator) else []
    cards = []
    for role in user.roles:
        card = RoleCard(role=role, description=ROLE_DESCRIPTIONS[role])
        if role in (Role.REGIONAL_MANAGER, Role.COORDINATOR):
            card.regions = regions
        elif role in (Role.REFERRER, Role.LIAISON):
            card.organization = user.organization
        cards.append(card)
    return cards
