"""Test data built through the real services, so tests exercise the real rules."""

import datetime

from django.utils import timezone

from conferences.services import conference_hold, conference_schedule, member_save
from coordinators.models import Coordinator
from coordinators.services import assignment_accept, assignment_propose
from plans import services as plan_services
from referrals import services
from referrals.models import Occasion
from tests.conftest import make_user

COMPLETE = {
    "occasion": Occasion.THREATENED_PLACEMENT,
    "question": "Waar kunnen de kinderen veilig wonen?",
    "bounds": "De kinderen wonen niet bij vader zolang hij drinkt.",
    "family_name": "Jansen",
    "languages": ["nl", "tr"],
}
MAIN_PERSON = {"name": "Sem Jansen", "birth_date": datetime.date(2015, 5, 1), "sex": "m"}


def draft(actor, organization, main_persons=(MAIN_PERSON,), **fields):
    return services.referral_create(
        actor=actor,
        organization=organization,
        children={"main_persons": list(main_persons)},
        **{**COMPLETE, **fields},
    )


def registered(manager, organization, with_consent=True, **fields):
    referral = services.referral_register(
        referral=draft(manager, organization, **fields), actor=manager
    )
    if with_consent:
        services.consent_record(
            referral=referral,
            actor=manager,
            given_by="Moeder, mevrouw Jansen",
            given_on=timezone.localdate(),
            scope="Delen van de aanmelding met een coördinator",
        )
    return referral


def coordinator(region, code, languages=("nl",), max_active_cases=2, **profile):
    user = make_user(f"{code.lower()}@ekc.test", regions=[region], is_coordinator=True)
    return Coordinator.objects.create(
        user=user,
        code=code,
        languages=list(languages),
        max_active_cases=max_active_cases,
        **profile,
    )


def assigned(manager, organization, coordinator_profile, **fields):
    referral = registered(manager, organization, **fields)
    assignment = assignment_propose(
        referral=referral, coordinator=coordinator_profile, actor=manager
    )
    assignment_accept(assignment=assignment, actor=coordinator_profile.user)
    referral.refresh_from_db()
    return referral


def network(referral, coordinator_user, size=5, **fields):
    relations = ["parent", "grandparent", "sibling", "friend", "neighbour", "other_family"]
    return [
        member_save(
            referral=referral,
            actor=coordinator_user,
            name=f"Lid {index}",
            relation=relations[index % len(relations)],
            phone=f"06-0000000{index % 10}",
            **fields,
        )
        for index in range(size)
    ]


def scheduled(manager, organization, coordinator_profile, days_ahead=7, **fields):
    referral = assigned(manager, organization, coordinator_profile, **fields)
    starts = timezone.now() + datetime.timedelta(days=days_ahead)
    conference = conference_schedule(
        referral=referral,
        actor=coordinator_profile.user,
        kind="family_group",
        starts_at=starts,
        location_type="family_home",
        address="Kerkweg 1, Zwolle",
        professionals=[{"name": "Karin de Jong", "organization": "Wijkteam", "role": "wijkcoach"}],
    )
    referral.refresh_from_db()
    return referral, conference


AGREEMENT_ROWS = [
    {
        "what": "Oma haalt de kinderen elke woensdag uit school.",
        "who": "Oma Ayse",
        "when": "elke woensdag",
        "life_domain": "upbringing",
        "carried_by": "network",
    },
    {
        "what": "Oom Murat helpt vader met de administratie.",
        "who": "Oom Murat",
        "when": "eens per maand",
        "life_domain": "finances",
        "carried_by": "network",
    },
    {
        "what": "Het wijkteam regelt schuldhulp.",
        "who": "Wijkteam Zwolle",
        "when": "binnen 2 weken",
        "life_domain": "finances",
        "carried_by": "professional",
        "organization_type": "municipality",
    },
]


def held(manager, organization, coordinator_profile, **fields):
    """A case whose conference has been held."""
    referral, conference = scheduled(manager, organization, coordinator_profile, **fields)
    conference_hold(
        conference=conference,
        actor=coordinator_profile.user,
        held_on=timezone.localdate(),
        phases={
            "information_start": datetime.time(10, 0),
            "information_end": datetime.time(10, 30),
            "private_time_start": datetime.time(10, 45),
            "private_time_end": datetime.time(12, 0),
            "presentation_start": datetime.time(12, 15),
            "presentation_end": datetime.time(12, 45),
        },
        attendance={},
    )
    referral.refresh_from_db()
    return referral


def submitted_plan(manager, organization, coordinator_profile, agreements=None, **fields):
    referral = held(manager, organization, coordinator_profile, **fields)
    user = coordinator_profile.user
    plan = plan_services.plan_start(referral=referral, actor=user)
    plan_services.plan_save(
        plan=plan,
        actor=user,
        version=plan.edit_version,
        fields={
            "contingency": "Tante Esra vangt de kinderen op tot de hulp er is.",
            "reconvene": "Iedereen die bij de conferentie was, en de verwijzer.",
            "contact_person": "Tante Esra (06-12345678)",
            "written_language": "nl",
        },
        agreements=agreements if agreements is not None else AGREEMENT_ROWS,
        evaluation_dates=[timezone.localdate() + datetime.timedelta(days=42)],
    )
    return plan_services.plan_submit(plan=plan, actor=user)
