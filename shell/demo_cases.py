"""Demo cases for seed_demo: 56 referrals, spread over every state of the lifecycle.

Built through the real services, then dated back so the work queue shows
realistic waiting times and warnings. Deterministic (fixed random seed).
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from conferences.models import ConferenceKind, InformingProfessional, LocationType
from conferences.services import (
    conference_hold,
    conference_schedule,
    contact_log,
    member_save,
    note_answer,
    note_ask_advice,
    note_comment,
)
from coordinators.models import ConflictOfInterest, Coordinator, DeclineReason
from coordinators.services import assignment_accept, assignment_decline, assignment_propose
from ekc.models import User
from plans import services as plan_services
from plans.models import Decision, UnmetBound
from privacy.models import Requester, RequestKind
from privacy.services import rights_request_record
from referrals import services
from referrals.lifecycle import AssignmentStatus, CaseStatus
from referrals.models import (
    CaseEvent,
    InvolvedProfessional,
    MainPerson,
    NetworkMember,
    Occasion,
    Referral,
    StopReason,
)

FAMILIES = [
    ("Jansen", ["nl"], "Zwolle"),
    ("Yilmaz", ["nl", "tr"], "Enschede"),
    ("El Idrissi", ["nl", "ar", "rif"], "Deventer"),
    ("Kowalski", ["pl", "nl"], "Almelo"),
    ("De Vries", ["nl"], "Hengelo"),
    ("Bakker", ["nl"], "Kampen"),
    ("Osman", ["so", "nl"], "Amsterdam"),
    ("Santos", ["pt", "nl"], "Amsterdam"),
    ("Visser", ["nl"], "Zwolle"),
    ("Demir", ["tr", "ku", "nl"], "Enschede"),
    ("Mulder", ["nl"], "Deventer"),
    ("Haddou", ["ar", "nl"], "Amsterdam"),
    ("Smit", ["nl"], "Oldenzaal"),
    ("Popescu", ["ro", "nl"], "Almelo"),
    ("Meijer", ["nl", "fy"], "Hardenberg"),
    ("Martina", ["pap", "nl"], "Amsterdam"),
    ("Van Dijk", ["nl"], "Raalte"),
    ("Haile", ["ti", "nl"], "Zwolle"),
    ("Boateng", ["tw", "en", "nl"], "Amsterdam"),
    ("De Graaf", ["nl"], "Ommen"),
]

QUESTIONS = {
    Occasion.THREATENED_PLACEMENT: (
        "Waar kunnen de kinderen veilig wonen, en wie helpt moeder daarbij?",
        "De kinderen zijn niet alleen met vader zolang hij drinkt. Er is elke dag een "
        "volwassene die op de kinderen let.",
    ),
    Occasion.CRISIS: (
        "Hoe zorgen we dat Noah deze week en de komende maanden veilig is?",
        "Noah slaapt elke nacht op een vaste plek met een volwassene erbij.",
    ),
    Occasion.RETURN_HOME: (
        "Hoe kan Lisa weer veilig thuis gaan wonen?",
        "Lisa gaat elke dag naar school. Moeder houdt zich aan de afspraken met de hulpverlening.",
    ),
    Occasion.THREATENED_EVICTION: (
        "Hoe houdt de familie een dak boven het hoofd?",
        "De huur wordt elke maand op tijd betaald. Er is geen overlast meer voor de buren.",
    ),
    Occasion.DOMESTIC_VIOLENCE: (
        "Hoe kunnen moeder en de kinderen veilig leven?",
        "Er is geen geweld meer in huis. Vader komt alleen op afspraak langs.",
    ),
    Occasion.WAITING_LIST: (
        "Wie helpt de familie zolang de hulp er nog niet is?",
        "De jongste gaat niet alleen naar buiten. Er is iemand die moeder steunt.",
    ),
    Occasion.MULTI_PROBLEM: (
        "Hoe krijgt de familie weer grip op geld, school en gezondheid?",
        "De kinderen gaan naar school en er komen geen nieuwe schulden bij.",
    ),
    Occasion.DIVORCE: (
        "Hoe houden de kinderen contact met beide ouders zonder ruzie?",
        "De kinderen worden niet meer bij de ruzie tussen de ouders betrokken.",
    ),
}

CHILD_NAMES = ["Noah", "Emma", "Sem", "Lisa", "Daan", "Sara", "Mohamed", "Yara", "Milan", "Zoë"]
STREETS = ["Dorpsstraat", "Kerkweg", "Molenlaan", "Beukenhof"]
LIVES_WITH = [
    "bij moeder",
    "bij vader",
    "bij opa en oma",
    "in een pleeggezin",
    "in een crisisopvang",
]

# How many cases end in each state (56 in all; tests/shell/test_seed_demo.py counts them).
PLAN = [
    ("draft", 3),
    ("submitted", 4),
    ("returned", 2),
    ("registered_no_consent", 3),
    ("registered", 5),
    ("proposed", 4),
    ("declined_then_open", 2),
    ("coordinator_assigned", 4),
    ("preparing", 5),
    ("scheduled", 4),
    ("held", 3),
    ("plan_submitted", 2),
    ("plan_decided", 2),
    ("plan_not_accepted", 2),
    ("follow_up", 3),
    ("closed", 3),
    ("stopped", 5),
]


DEMO_COORDINATOR = "C001"


def seed_cases():
    """Create the demo cases unless they exist; returns how many were made."""
    if Referral.objects.filter(created_by__email__endswith="@ekc.example").exists():
        return 0
    rng = random.Random(2026)
    manager = User.objects.get(email="regiomanager@ekc.example")
    referrers = list(
        User.objects.filter(is_referrer=True, email__endswith="@ekc.example").select_related(
            "organization"
        )
    )
    org_by_referrer = {r.pk: r.organization for r in referrers}
    coordinators = list(
        Coordinator.objects.filter(user__regions__name="Overijssel").select_related("user")
    )
    occasions = list(QUESTIONS)
    _seed_non_offers(rng)
    made = 0
    index = 0
    for state, count in PLAN:
        for number in range(count):
            family, languages, town = FAMILIES[index % len(FAMILIES)]
            occasion = occasions[index % len(occasions)]
            referrer = referrers[index % len(referrers)]
            index += 1
            _make_case(
                rng,
                state,
                manager,
                referrer,
                org_by_referrer[referrer.pk],
                coordinators,
                family,
                languages,
                town,
                occasion,
                # The demo coordinator's login shows every state: the first case of
                # each state is hers when she is free for it.
                demo_coordinator_first=number == 0,
            )
            made += 1
    _seed_rights_requests(manager)
    _seed_returning_families(manager)
    _seed_oversight_notes(manager)
    return made


def _seed_returning_families(manager):
    """Families who came back. A closed case of the Özdemir family, on which
    Sevda Aslan (C008) declared a conflict of interest, and a new referral of the
    same family, spelt "Ozdemir", waiting to be registered: the manager finds
    the earlier case and links it, and Sevda is not proposed. And a registered case
    already linked to a stopped case of its family."""
    region = manager.regions.order_by("pk").first()
    cases = Referral.objects.filter(region=region).order_by("pk")
    closed = cases.filter(status=CaseStatus.CLOSED).order_by("referred_on", "pk").first()
    new = cases.filter(status=CaseStatus.SUBMITTED).order_by("-referred_on", "pk").first()
    if closed is None or new is None or not (closed.referred_on < new.referred_on):
        return
    born = datetime.date(2014, 3, 2)
    for case, family in ((closed, "Özdemir"), (new, "Ozdemir")):
        case.family_name = family
        case.languages = ["nl", "tr"]
        case.save(update_fields=["family_name", "languages"])
        child = case.main_persons.order_by("pk").first()
        child.name, child.birth_date = f"Elif {family}", born
        child.save(update_fields=["name", "birth_date", "birth_year"])
    sevda = Coordinator.objects.filter(code="C008").first()
    if sevda:
        ConflictOfInterest.objects.get_or_create(
            coordinator=sevda,
            referral=closed,
            defaults={"reason": "Kent de familie uit de buurt.", "recorded_by": manager},
        )
    stopped = cases.filter(status=CaseStatus.STOPPED).first()
    registered = (
        cases.filter(status=CaseStatus.REGISTERED, referred_on__gt=stopped.referred_on).first()
        if stopped
        else None
    )
    if registered:
        services.family_link(referral=registered, previous=stopped, actor=manager)


def _seed_oversight_notes(manager):
    """The regional manager looks on in the demo coordinator's preparation: an
    answered comment on a contact, one still open, and a request for advice."""
    referral = (
        Referral.objects.filter(
            status=CaseStatus.PREPARING,
            assignments__coordinator__code="C001",
            assignments__status=AssignmentStatus.ACCEPTED,
        )
        .order_by("pk")
        .first()
    )
    if referral is None:
        return
    coordinator_user = User.objects.get(email="coordinator@ekc.example")
    moments = list(referral.contact_moments.order_by("on", "pk"))
    answered = note_comment(
        referral=referral,
        actor=manager,
        contact_moment=moments[0] if moments else None,
        text="Goed dat je meteen langs bent gegaan. Heb je ook gevraagd wie de kinderen "
        "zelf willen uitnodigen?",
    )
    note_answer(
        note=answered,
        actor=coordinator_user,
        text="Ja, de oudste wil haar voetbaltrainer erbij. Die bel ik deze week.",
    )
    note_comment(
        referral=referral,
        actor=manager,
        contact_moment=moments[-1] if moments else None,
        text="Denk je aan een tolk voor oma? Plan de conferentie niet te laat.",
    )
    note_ask_advice(
        referral=referral,
        actor=coordinator_user,
        text="Vader wil niet dat zijn broer komt. Hoe ga ik daarmee om?",
    )


def _seed_rights_requests(manager):
    """Two requests of families about their file: a destruction request whose
    deadline nears (a closed case), and a fresh access request (a stopped one)."""
    today = timezone.localdate()
    wishes = [
        (CaseStatus.CLOSED, RequestKind.DESTRUCTION, 80, "Moeder wil dat alles wordt gewist."),
        (CaseStatus.STOPPED, RequestKind.ACCESS, 3, "Vader wil zien wat er over hem staat."),
    ]
    for status, kind, days_ago, details in wishes:
        referral = Referral.objects.filter(status=status).order_by("pk").first()
        child = referral and referral.main_persons.filter(is_child=True).order_by("pk").first()
        if child is None:
            continue
        rights_request_record(
            referral=referral,
            actor=manager,
            kind=kind,
            subject=f"main-{child.pk}",
            requester=Requester.PARENT,
            requester_name="Een ouder",
            requested_on=today - datetime.timedelta(days=days_ago),
            details=details,
        )


def _make_case(
    rng,
    state,
    manager,
    referrer,
    organization,
    coordinators,
    family,
    languages,
    town,
    occasion,
    demo_coordinator_first=False,
):
    question, bounds = QUESTIONS[occasion]
    author = referrer if state in ("draft", "submitted", "returned") else manager
    referral = services.referral_create(
        actor=author,
        organization=organization,
        referrer=referrer,
        occasion=occasion,
        question=question,
        bounds=bounds,
        problem_areas=rng.choice(
            [
                "Opvoedingsproblemen, schulden en spanningen tussen de ouders.",
                "Psychische problemen van moeder; vader is uit beeld.",
                "Schooluitval en contact met politie van de oudste zoon.",
                "Huurachterstand en overlastmeldingen.",
            ]
        ),
        help_duration=rng.choice(["under_1", "1_3", "3_5", "over_5"]),
        family_name=family,
        address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        postcode=f"{rng.randint(7400, 8299)} {rng.choice(['AB', 'CK', 'LM', 'RT'])}",
        municipality=town,
        languages=languages,
        funder=f"Gemeente {town}",
        budget_number=f"JZ-{rng.randint(10000, 99999)}",
    )
    today = timezone.localdate()
    for _ in range(rng.randint(1, 3)):
        age = rng.randint(2, 16)
        MainPerson.objects.create(
            referral=referral,
            name=f"{rng.choice(CHILD_NAMES)} {family}",
            birth_date=today - datetime.timedelta(days=365 * age + rng.randint(0, 300)),
            sex=rng.choice(["f", "m"]),
            is_child=True,
            lives_with=rng.choice(LIVES_WITH),
        )
    InvolvedProfessional.objects.create(
        referral=referral,
        name=rng.choice(["Karin de Jong", "Mehmet Aydin", "Els Hoekstra"]),
        organization=rng.choice(["Wijkteam", "Huisartsenpraktijk De Linde", "School De Regenboog"]),
        role=rng.choice(["wijkcoach", "huisarts", "intern begeleider"]),
        contact="06-12345678",
    )
    for name, relation in [
        ("Oma", "grandparent"),
        ("Tante", "other_family"),
        ("Buurvrouw", "neighbour"),
    ]:
        NetworkMember.objects.create(referral=referral, name=f"{name} {family}", relation=relation)
    if state == "draft":
        return _age(referral, rng.randint(0, 5))
    if state in ("submitted", "returned"):
        referral = services.referral_submit(referral=referral, actor=referrer)
        if state == "returned":
            referral = services.referral_return(
                referral=referral,
                actor=manager,
                reason="De kaders zijn nog niet concreet. Wat moet er minimaal geregeld zijn?",
            )
        return _age(referral, rng.randint(0, 4))
    referral = services.referral_register(referral=referral, actor=manager)
    if state == "registered_no_consent":
        return _age(referral, rng.randint(0, 6))
    services.consent_record(
        referral=referral,
        actor=manager,
        given_by=f"Moeder, mevrouw {family}",
        given_on=today,
        scope="Delen van de aanmelding met een coördinator en het netwerk uitnodigen.",
    )
    if state == "registered":
        return _age(referral, rng.randint(1, 70))
    if state == "stopped":
        reason = rng.choice(StopReason.values)
        return _age(
            services.referral_stop(
                referral=referral, actor=manager, reason=reason, note="Besproken met de familie."
            ),
            rng.randint(5, 60),
        )
    free = _free_coordinators(referral, coordinators)
    if state == "declined_then_open" and free:
        first = assignment_propose(referral=referral, coordinator=free[0], actor=manager)
        assignment_decline(
            assignment=first, actor=free[0].user, reason=DeclineReason.NO_TIME, note="Op vakantie"
        )
        return _age(referral, rng.randint(2, 10))
    if not free:
        return _age(referral, rng.randint(1, 10))
    chosen = rng.choice(free[:3])
    if demo_coordinator_first:
        chosen = next((c for c in free if c.code == DEMO_COORDINATOR), chosen)
    assignment = assignment_propose(referral=referral, coordinator=chosen, actor=manager)
    if state == "proposed":
        return _age(referral, rng.randint(0, 3))
    assignment_accept(assignment=assignment, actor=assignment.coordinator.user)
    if state == "coordinator_assigned":
        return _age(referral, rng.randint(1, 40))
    coordinator_user = assignment.coordinator.user
    _prepare(rng, referral, coordinator_user, today)
    if state not in ("preparing", "scheduled"):
        state_after_held = state
        state = "held"
    else:
        state_after_held = None
    if state in ("scheduled", "held"):
        starts = timezone.make_aware(
            datetime.datetime.combine(
                today + datetime.timedelta(days=rng.randint(3, 20) if state == "scheduled" else -2),
                datetime.time(rng.choice([10, 13, 19]), 0),
            )
        )
        conference = conference_schedule(
            referral=referral,
            actor=coordinator_user,
            kind=ConferenceKind.FAMILY_GROUP,
            starts_at=starts,
            location_type=rng.choice(LocationType.values[:4]),
            address=referral.address,
            languages=referral.languages,
            interpreter=len(referral.languages) > 1,
            food=rng.choice(["Soep en broodjes", "Turkse hapjes van tante", "Koffie en taart"]),
            rituals=rng.choice(["", "Openen met een gebed", "Oma spreekt eerst"]),
            professionals=[
                {
                    "name": referral.referrer.get_full_name(),
                    "organization": str(referral.organization),
                    "role": "verwijzer",
                }
            ],
        )
        if state == "held":
            _hold(rng, conference, coordinator_user, today - datetime.timedelta(days=2))
            _survey_responses(rng, referral)
            if state_after_held != "held":
                _plan(rng, referral, coordinator_user, manager, state_after_held, today)
            elif demo_coordinator_first:
                # One plan still being written down (its own random numbers, so the
                # other cases stay as they were).
                _plan(random.Random(7), referral, coordinator_user, manager, "plan_draft", today)
    return _age(referral, rng.randint(1, 10) if state != "preparing" else rng.randint(5, 30))


NETWORK_NAMES = [
    ("Oma Fatima", "grandparent"),
    ("Opa Henk", "grandparent"),
    ("Tante Els", "other_family"),
    ("Oom Mehmet", "other_family"),
    ("Neef Jordy", "other_family"),
    ("Zus Sanne", "sibling"),
    ("Broer Kevin", "sibling"),
    ("Vader Ricardo", "parent"),
    ("Moeder Anouk", "parent"),
    ("Buurvrouw Ria", "neighbour"),
    ("Buurman Ahmed", "neighbour"),
    ("Vriendin Lotte", "friend"),
    ("Vriend Daan", "friend"),
    ("Voetbaltrainer Rob", "other"),
    ("Juf Marieke", "professional"),
    ("Peettante Ineke", "other_family"),
    ("Imam Yusuf", "other"),
    ("Nicht Esra", "other_family"),
    ("Schoonzus Petra", "other_family"),
    ("Overbuurman Wim", "neighbour"),
]


def _prepare(rng, referral, coordinator_user, today):
    """A realistic network (8 to 20 people) and a few contact moments."""
    size = rng.randint(5, 17)  # plus the three known from the referral
    chosen = rng.sample(NETWORK_NAMES, min(size, len(NETWORK_NAMES)))
    members = []
    for name, relation in chosen:
        invitation = rng.choices(
            ["to_invite", "invited", "confirmed", "declined", "excluded"], [0.5, 1, 8, 1, 0.3]
        )[0]
        members.append(
            member_save(
                referral=referral,
                actor=coordinator_user,
                name=name,
                relation=relation,
                age_group=rng.choice(["adult", "adult", "adult", "young", "child"]),
                phone=f"06-{rng.randint(10000000, 99999999)}",
                language=rng.choice(referral.languages or ["nl"]),
                invitation=invitation,
                exclusion_reason="Veiligheid: mag de moeder niet ontmoeten."
                if invitation == "excluded"
                else "",
                safety_note="Niet samen met vader uitnodigen." if rng.random() < 0.1 else "",
            )
        )
    for days_ago in sorted(rng.sample(range(1, 25), rng.randint(2, 6)), reverse=True):
        contact_log(
            referral=referral,
            actor=coordinator_user,
            on=today - datetime.timedelta(days=days_ago),
            method=rng.choice(["visit", "phone", "phone", "video", "message"]),
            minutes=rng.choice([15, 30, 45, 60, 90]),
            member=rng.choice(members),
            note=rng.choice(
                [
                    "Kennismaking",
                    "Uitleg over de conferentie",
                    "Wie wil je uitnodigen?",
                    "Afspraken over de locatie",
                ]
            ),
        )


def _hold(rng, conference, coordinator_user, day):
    members = list(conference.referral.network_members.all())
    attendance = {
        m.pk: ("attended" if m.invitation == "confirmed" and rng.random() < 0.9 else None)
        for m in members
    }
    hold = conference_hold(
        conference=conference,
        actor=coordinator_user,
        held_on=day,
        phases={
            "information_start": datetime.time(10, 0),
            "information_end": datetime.time(10, 45),
            "private_time_start": datetime.time(11, 0),
            "private_time_end": datetime.time(12, 30 + rng.randint(0, 25)),
            "presentation_start": datetime.time(13, 0),
            "presentation_end": datetime.time(13, 30),
        },
        attendance={pk: value for pk, value in attendance.items() if value},
        # Each demo case goes through the services one by one, on purpose.
        professionals_present=list(
            InformingProfessional.objects.filter(conference=conference).values_list("pk", flat=True)
        ),
    )
    return hold


def _free_coordinators(referral, coordinators):
    from coordinators.matching import rank_coordinators

    return [candidate.coordinator for candidate in rank_coordinators(referral)]


def _age(referral, days):
    """Move a demo case's history ``days`` back in time, so waiting times look real."""
    if days:
        delta = datetime.timedelta(days=days)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=F("created_at") - delta,
            status_changed_at=F("status_changed_at") - delta,
        )
        Referral.objects.filter(pk=referral.pk, registered_at__isnull=False).update(
            registered_at=F("registered_at") - delta
        )
        Referral.objects.filter(pk=referral.pk, referred_on__isnull=False).update(
            referred_on=F("referred_on") - delta
        )
        CaseEvent.objects.filter(referral=referral).update(at=F("at") - delta)
    return referral


NON_OFFER_MOTIVATIONS = [
    "De ouders wilden eerst zelf met de school om tafel. Over drie maanden kijken we opnieuw.",
    "Er was een acute onveilige situatie; de crisisplaatsing liet geen tijd voor voorbereiding.",
    "Het netwerk is heel klein en moeder wil niemand betrekken. We blijven het aanbieden.",
    "De zaak was al overgedragen aan een andere organisatie.",
]


def _seed_non_offers(rng):
    liaison = User.objects.filter(is_liaison=True, email__endswith="@ekc.example").first()
    if liaison is None:
        return
    today = timezone.localdate()
    for index, motivation in enumerate(NON_OFFER_MOTIVATIONS):
        services.non_offer_record(
            actor=liaison,
            decided_on=today - datetime.timedelta(days=7 + 21 * index),
            occasion=rng.choice(list(QUESTIONS)),
            motivation=motivation,
        )


AGREEMENT_LIBRARY = {
    "upbringing": [
        "Oma haalt de kinderen op woensdag en vrijdag uit school.",
        "Moeder en tante spreken elke zondag de week door.",
        "Vader belt de kinderen elke avond om half acht.",
        "De kinderen slapen om de week een weekend bij oom en tante.",
    ],
    "housing": [
        "Oom helpt met het opknappen van de kinderkamer.",
        "De woningcorporatie wordt gevraagd om een grotere woning.",
        "Buurvrouw houdt een reservesleutel voor noodgevallen.",
    ],
    "finances": [
        "Neef helpt vader elke maand met de post en de rekeningen.",
        "De gemeente wordt gevraagd om schuldhulpverlening te starten.",
        "Tante zet de vaste lasten op een rij.",
    ],
    "education": [
        "Opa brengt de oudste elke ochtend naar school.",
        "Moeder gaat eens per maand naar de mentor.",
        "Zus helpt met huiswerk op dinsdag en donderdag.",
    ],
    "health": [
        "Moeder gaat weer naar de huisarts voor haar slaapproblemen.",
        "De GGZ wordt gevraagd om behandeling voor vader.",
        "Tante gaat mee naar de afspraken in het ziekenhuis.",
    ],
    "safety": [
        "Er is altijd een volwassene thuis als vader er is.",
        "Bij ruzie belt moeder meteen oom.",
        "Vader komt alleen op afspraak langs.",
    ],
    "social_contacts": [
        "De familie eet elke eerste zondag van de maand samen.",
        "Vriendin neemt moeder mee naar de moedergroep.",
    ],
    "leisure": [
        "Trainer neemt de jongste mee naar voetbal op zaterdag.",
        "Oom gaat eens per maand met de kinderen zwemmen.",
    ],
}
PROFESSIONAL_TYPES = ["youth_care", "municipality", "mental_health", "housing", "education"]


def _plan(rng, referral, coordinator_user, manager, state, today):
    """A plan of 10 to 25 agreements over 3 to 6 life domains, about 80% by the network."""
    domains = rng.sample(list(AGREEMENT_LIBRARY), rng.randint(3, 6))
    agreements = []
    for _ in range(rng.randint(10, 25)):
        domain = rng.choice(domains)
        professional = rng.random() < 0.2
        agreements.append(
            {
                "what": rng.choice(AGREEMENT_LIBRARY[domain]),
                "who": rng.choice(["Oma", "Oom Murat", "Tante Esra", "Vader", "Moeder"])
                if not professional
                else rng.choice(["Wijkteam", "Jeugdzorg", "GGZ", "Woningcorporatie"]),
                "when": rng.choice(["elke week", "elke maand", "binnen 2 weken", "vanaf nu"]),
                "life_domain": domain,
                "carried_by": "professional" if professional else "network",
                "organization_type": rng.choice(PROFESSIONAL_TYPES) if professional else "",
            }
        )
    plan = plan_services.plan_start(referral=referral, actor=coordinator_user)
    plan_services.plan_save(
        plan=plan,
        actor=coordinator_user,
        version=plan.edit_version,
        fields={
            "contingency": "Tante vangt de kinderen op zolang de hulp er nog niet is.",
            "reconvene": "Iedereen die bij de conferentie was, samen met de verwijzer.",
            "contact_person": "Tante Esra, 06-12345678",
            "written_language": "nl",
        },
        agreements=agreements,
        evaluation_dates=[today + datetime.timedelta(days=rng.choice([5, 30, 42]))],
    )
    if state == "plan_draft":
        return
    plan = plan_services.plan_submit(plan=plan, actor=coordinator_user)
    if state == "plan_submitted":
        return
    referrer = referral.referrer
    decision = rng.choice(list(Decision))
    if state in ("follow_up", "closed"):
        decision = Decision.ACCEPTED
    elif state == "plan_not_accepted":
        decision = Decision.REJECTED
    elif decision == Decision.REJECTED:  # "plan decided" is an accepted plan
        decision = Decision.ACCEPTED_WITH_CONDITIONS
    plan_services.plan_decide(
        plan=plan,
        actor=referrer,
        decision=decision,
        conditions="Vader blijft in behandeling bij de verslavingszorg."
        if decision == Decision.ACCEPTED_WITH_CONDITIONS
        else "",
        unmet_bound=UnmetBound.SAFETY if decision == Decision.REJECTED else "",
        reason="Er is 's nachts niemand bij de kinderen." if decision == Decision.REJECTED else "",
    )
    if state in ("plan_decided", "plan_not_accepted"):
        return
    statuses = {
        a.pk: rng.choices(["done", "partly", "not_done"], [6, 3, 1])[0]
        for a in plan.agreements.all()
    }
    plan_services.evaluation_record(
        plan=plan,
        actor=coordinator_user,
        held_on=today,
        present="Moeder, vader, oma, tante en de coördinator",
        statuses=statuses,
        decision="close" if state == "closed" else "continue",
        note="De meeste afspraken lopen goed.",
        outcomes=rng.sample(
            ["placement_prevented", "supervision_prevented", "eviction_prevented"], 1
        )
        if state == "closed"
        else (),
    )


# Mean grades near the published figures (DOMAIN.md): family ~7.4 / 7.9 / 8.5,
# professionals ~7.8 / 7.4.
GRADE_CENTRES = {
    "family": (7.4, 7.9, 8.5),
    "youth": (7.2, 7.5, 8.3),
    "referrer": (7.8, 7.4, 8.0),
    "professional": (7.6, 7.3, 7.9),
}


def _survey_responses(rng, referral):
    from research.models import SurveyResponse

    def grade(centre):
        return max(1, min(10, round(rng.gauss(centre, 1.0))))

    responses = []
    for respondent in ["family", "family", "family", "youth", "referrer", "professional"]:
        if rng.random() < 0.3:
            continue
        conference, plan, coordinator = GRADE_CENTRES[respondent]
        responses.append(
            SurveyResponse(
                referral=referral,
                respondent=respondent,
                informed_enough=rng.choice(["yes", "yes", "partly", "no"]),
                had_say=rng.choice(["yes", "yes", "partly"]),
                grade_conference=grade(conference),
                grade_plan=grade(plan),
                grade_coordinator=grade(coordinator),
            )
        )
    SurveyResponse.objects.bulk_create(responses)
