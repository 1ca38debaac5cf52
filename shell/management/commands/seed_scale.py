"""Generate a national-scale dataset through the bulk import path.

The distributions follow DOMAIN.md: about 15 invited per conference, about 18
agreements per plan (80% carried by the network), surveys, evaluations and
outcomes; spread over 10 regions, 60 organisations, 500 coordinators and 10 years.
Deterministic for a given --seed; memory stays flat (cases are generated and
imported in chunks).
"""

import datetime
import json
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coordinators.models import Coordinator
from ekc.models import Region, User
from shell.interchange import import_lines, vacuum_after_load, validate_lines

REGIONS = [
    "Groningen",
    "Friesland",
    "Drenthe",
    "Overijssel",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Brabant",
    "Limburg",
]
ORG_TYPES = [
    "youth_care",
    "child_protection",
    "municipality",
    "housing",
    "mental_health",
    "welfare",
]
OCCASIONS = [
    ("threatened_placement", 30),
    ("crisis", 12),
    ("child_protection_investigation", 10),
    ("return_home", 6),
    ("waiting_list", 6),
    ("threatened_eviction", 8),
    ("domestic_violence", 8),
    ("multi_problem", 10),
    ("divorce", 4),
    ("elderly_care", 2),
    ("mental_health", 2),
    ("debt", 2),
]
RELATIONS = [
    ("parent", 14),
    ("child", 8),
    ("sibling", 10),
    ("grandparent", 12),
    ("other_family", 24),
    ("friend", 12),
    ("neighbour", 6),
    ("professional", 8),
    ("other", 6),
]
DOMAINS = [
    "upbringing",
    "housing",
    "finances",
    "education",
    "work",
    "health",
    "safety",
    "social_contacts",
    "leisure",
    "care",
]
LANGUAGES = [["nl"]] * 8 + [["nl", "tr"], ["nl", "ar"], ["nl", "pl"], ["nl", "so"]]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def make_case(rng, index, start_year, coordinators):
    region = rng.randrange(len(REGIONS))
    referred = datetime.date(start_year, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
    org_type = ORG_TYPES[(index * 7) % len(ORG_TYPES)]
    case = {
        "reference": f"EK-{referred.year}-S{index:07d}",
        "region": REGIONS[region],
        "organization": {
            "name": f"{org_type.replace('_', ' ').title()} {REGIONS[region]} {index % 6 + 1}",
            "type": org_type,
        },
        "occasion": _pick(rng, OCCASIONS),
        "referred_on": referred.isoformat(),
        "languages": rng.choice(LANGUAGES),
        "main_persons": [
            {
                "birth_year": referred.year - rng.randint(1, 17),
                "sex": rng.choice("fmx"),
                "is_child": True,
            }
            for _ in range(rng.randint(1, 3))
        ],
    }
    roll = rng.random()
    if roll < 0.16:
        case["stop_reason"] = rng.choice(
            [
                "family_declined",
                "referrer_withdrew",
                "no_network",
                "safety",
                "situation_resolved",
                "other",
            ]
        )
        return case
    if roll < 0.19 and coordinators:
        case["coordinator"] = rng.choice(coordinators[region])  # still being prepared
        return case
    held = referred + datetime.timedelta(days=rng.randint(4, 70))
    invited = max(3, round(rng.gauss(15, 4)))
    case["conference"] = {
        "kind": "restorative" if rng.random() < 0.04 else "family_group",
        "held_on": held.isoformat(),
        "duration_minutes": rng.randint(120, 300) if rng.random() < 0.9 else None,
        "language": case["languages"][-1],
        "location_type": rng.choice(["family_home", "network_home", "community_centre", "office"]),
        "participants": [
            {
                "relation": _pick(rng, RELATIONS),
                "attendance": rng.choices(
                    ["attended", "declined", "absent", "excluded"], [75, 12, 11, 2]
                )[0],
            }
            for _ in range(invited)
        ],
    }
    if rng.random() < 0.08:
        case["follow_ups"] = [
            {
                **case["conference"],
                "kind": "follow_up",
                "held_on": (held + datetime.timedelta(days=rng.randint(60, 200))).isoformat(),
                "participants": [],
            }
        ]
    if rng.random() < 0.88:
        domains = rng.sample(DOMAINS, rng.randint(3, 6))
        agreements = []
        for _ in range(max(1, round(rng.gauss(18, 5)))):
            professional = rng.random() < 0.2
            agreements.append(
                {
                    "life_domain": rng.choice(domains),
                    "carried_by": "professional" if professional else "network",
                    "organization_type": rng.choice(ORG_TYPES) if professional else None,
                    "status": rng.choices([None, "done", "partly", "not_done"], [35, 40, 15, 10])[
                        0
                    ],
                }
            )
        case["plan"] = {
            "decision": rng.choices(
                ["accepted", "accepted_with_conditions", "rejected", None], [70, 18, 4, 8]
            )[0],
            "evaluation_on": (held + datetime.timedelta(days=rng.randint(30, 90))).isoformat()
            if rng.random() < 0.85
            else None,
            "agreements": agreements,
        }
        if rng.random() < 0.5:
            case["outcomes"] = rng.sample(
                [
                    "placement_prevented",
                    "placement_ended",
                    "supervision_prevented",
                    "supervision_lifted",
                    "eviction_prevented",
                ],
                rng.randint(1, 2),
            )
    case["surveys"] = [
        {
            "respondent": rng.choice(
                ["family", "family", "family", "youth", "referrer", "professional"]
            ),
            "grade_conference": min(10, max(1, round(rng.gauss(7.6, 1.2)))),
            "grade_plan": min(10, max(1, round(rng.gauss(7.7, 1.2))))
            if rng.random() < 0.95
            else None,
            "grade_coordinator": min(10, max(1, round(rng.gauss(8.4, 1.0))))
            if rng.random() < 0.9
            else None,
        }
        for _ in range(rng.randint(0, 5))
    ]
    return case


def ensure_pool(size=500):
    """Regions and a pool of coordinators (50 per region), created in bulk once."""
    regions = [Region.objects.get_or_create(name=name)[0] for name in REGIONS]
    existing = set(Coordinator.objects.filter(code__startswith="S").values_list("code", flat=True))
    per_region = size // len(REGIONS)
    new_users = []
    for r_index, _region in enumerate(regions):
        for n in range(per_region):
            code = f"S{r_index:02d}{n:03d}"
            if code not in existing:
                new_users.append(
                    (
                        r_index,
                        code,
                        User(
                            email=f"{code.lower()}@scale.example",
                            first_name="Coördinator",
                            last_name=code,
                            is_coordinator=True,
                            password="!",
                        ),
                    )
                )
    with transaction.atomic():
        User.objects.bulk_create([u for _r, _c, u in new_users])
        Region.users.through.objects.bulk_create(
            [Region.users.through(user_id=u.pk, region_id=regions[r].pk) for r, _c, u in new_users]
        )
        Coordinator.objects.bulk_create(
            [
                Coordinator(
                    user=u, code=c, languages=random.Random(c).choice(LANGUAGES), max_active_cases=4
                )
                for _r, c, u in new_users
            ]
        )
    codes = [[] for _ in regions]
    for code in Coordinator.objects.filter(code__startswith="S").values_list("code", flat=True):
        codes[int(code[1:3])].append(code)
    return codes


class Command(BaseCommand):
    help = "Generate N realistic cases through the bulk import path (national scale)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--start-year", type=int, default=2016)
        parser.add_argument(
            "--output",
            help="write the cases to this JSON Lines file (for import_registrations) "
            "instead of loading them",
        )

    def handle(self, *args, cases, seed, start_year, output=None, **options):
        if cases < 1:
            raise CommandError("--cases must be 1 or more.")
        started = time.monotonic()
        coordinators = ensure_pool()

        def lines():
            rng = random.Random(seed)
            for index in range(1, cases + 1):
                yield json.dumps(make_case(rng, index, start_year, coordinators))

        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.writelines(line + "\n" for line in lines())
            self.stdout.write(f"{cases} cases written to {output}.")
            return

        validation = validate_lines(lines)
        if not validation.ok:
            raise CommandError(f"Generated data does not validate: {validation.errors[:5]}")
        created, skipped = import_lines(validation)
        vacuum_after_load(created)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{created} cases created, {skipped} already there, in {seconds:.1f} s "
            f"({created / seconds:.0f} cases/s)."
        )
