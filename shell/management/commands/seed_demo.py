"""Demo data for trying EKC out: regions, organisations and a user for every role.

Idempotent: running it again updates the same records and resets the demo
passwords. Refused when DEBUG is off, so demo logins never reach production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from coordinators import services as pool_services
from coordinators.models import Coordinator, MeetingKind, Training, TrainingKind
from ekc import second_factor
from ekc.models import Organization, OrganizationType, Region, User
from shell.demo_cases import seed_cases

DEMO_PASSWORD = "ekc-demo-2026"
# The demo users whose role needs a second factor have it set up with this secret
# (README, "Demo logins"): `oathtool --totp -b EKCDEMOEKCDEMOEKCDEMOEKCDEMOEKCD`.
DEMO_TOTP_SECRET = "EKCDEMOEKCDEMOEKCDEMOEKCDEMOEKCD"
QUIET_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

REGIONS = ["Overijssel", "Amsterdam", "Utrecht"]

ORGANIZATIONS = [
    ("Bureau Jeugdzorg Overijssel", OrganizationType.YOUTH_CARE, "Overijssel"),
    ("Raad voor de Kinderbescherming Overijssel", OrganizationType.CHILD_PROTECTION, "Overijssel"),
    ("Woningcorporatie De Woonplaats", OrganizationType.HOUSING, "Overijssel"),
    ("Sociaal wijkteam Amsterdam-Oost", OrganizationType.MUNICIPALITY, "Amsterdam"),
    ("Jeugdbescherming Regio Amsterdam", OrganizationType.CHILD_PROTECTION, "Amsterdam"),
    ("GGZ Centraal Utrecht", OrganizationType.MENTAL_HEALTH, "Utrecht"),
]

# (email, first, last, roles, regions, organisation)
USERS = [
    ("beheerder@ekc.example", "Bea", "Beheer", {"is_superuser", "is_staff"}, [], None),
    (
        "regiomanager@ekc.example",
        "Marieke",
        "Jansen",
        {"is_regional_manager"},
        ["Overijssel"],
        None,
    ),
    (
        "regiomanager.amsterdam@ekc.example",
        "Youssef",
        "Bakker",
        {"is_regional_manager"},
        ["Amsterdam"],
        None,
    ),
    (
        "verwijzer@ekc.example",
        "Sanne",
        "de Boer",
        {"is_referrer"},
        [],
        "Bureau Jeugdzorg Overijssel",
    ),
    (
        "verwijzer.raad@ekc.example",
        "Peter",
        "Mulder",
        {"is_referrer"},
        [],
        "Raad voor de Kinderbescherming Overijssel",
    ),
    (
        "aandachtsfunctionaris@ekc.example",
        "Ingrid",
        "Smit",
        {"is_liaison"},
        [],
        "Bureau Jeugdzorg Overijssel",
    ),
    ("onderzoeker@ekc.example", "Willem", "Post", {"is_researcher"}, [], None),
]

# (code, email, first, last, regions, languages, max cases)
COORDINATORS = [
    ("C001", "coordinator@ekc.example", "Fatma", "Yilmaz", ["Overijssel"], ["nl", "tr"], 10),
    ("C002", "c.elamrani@ekc.example", "Ahmed", "El Amrani", ["Overijssel"], ["nl", "ar"], 3),
    (
        "C003",
        "a.kowalska@ekc.example",
        "Anna",
        "Kowalska",
        ["Overijssel", "Utrecht"],
        ["nl", "pl"],
        3,
    ),
    ("C004", "j.devries@ekc.example", "Jan", "de Vries", ["Overijssel"], ["nl", "en"], 5),
    ("C005", "m.santos@ekc.example", "Maria", "Santos", ["Amsterdam"], ["nl", "pt", "en"], 2),
    ("C006", "k.mohamed@ekc.example", "Khadra", "Mohamed", ["Amsterdam"], ["nl", "so", "ar"], 2),
    ("C007", "r.haddou@ekc.example", "Rachid", "Haddou", ["Overijssel"], ["nl", "ar", "rif"], 3),
    ("C008", "s.aslan@ekc.example", "Sevda", "Aslan", ["Overijssel"], ["nl", "tr", "ku"], 3),
]

ROLE_FLAGS = {
    "is_superuser",
    "is_staff",
    "is_regional_manager",
    "is_coordinator",
    "is_referrer",
    "is_liaison",
    "is_researcher",
}


class Command(BaseCommand):
    help = "Create (or refresh) demo regions, organisations and users for every role."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: demo logins must never reach production."
            )
        with transaction.atomic():
            regions = {name: Region.objects.get_or_create(name=name)[0] for name in REGIONS}
            organizations = {}
            for name, org_type, region in ORGANIZATIONS:
                organizations[name], _ = Organization.objects.update_or_create(
                    name=name, region=regions[region], defaults={"type": org_type}
                )
            logins = []
            memberships = {}
            for email, first, last, flags, region_names, org_name in USERS:
                user = self._user(email, first, last, flags, organizations.get(org_name))
                memberships[user] = [regions[r] for r in region_names]
                logins.append(user)
            for code, email, first, last, region_names, languages, max_cases in COORDINATORS:
                user = self._user(email, first, last, {"is_coordinator"}, None)
                memberships[user] = [regions[r] for r in region_names]
                Coordinator.objects.update_or_create(
                    user=user,
                    defaults={
                        "code": code,
                        "languages": languages,
                        "max_active_cases": max_cases,
                        "active": True,
                    },
                )
                if code == "C001":
                    logins.append(user)
            self._set_regions(memberships)
            for user in memberships:
                if second_factor.required_for(user):
                    second_factor.set_up_with_secret(user, DEMO_TOTP_SECRET)
            # Demo cases send demo mail: keep it out of the console.
            with override_settings(MAILERS=QUIET_MAIL):
                made = seed_cases()
                self._seed_pool(regions)
        if made:
            self.stdout.write(f"{made} demo cases created.")
        self._print_logins(logins)

    def _seed_pool(self, regions):
        """Courses, an evaluation, a meeting and a question to serve a region, once:
        the pool page then shows someone due, someone overdue and an open question."""
        if Training.objects.exists():
            return
        today = timezone.localdate()
        manager = User.objects.get(email="regiomanager@ekc.example")
        pool = {c.code: c for c in Coordinator.objects.select_related("user")}
        for code, years_ago in [("C001", 1), ("C002", 3), ("C003", 2), ("C004", 1)]:
            pool_services.training_record(
                coordinator=pool[code],
                actor=manager,
                kind=TrainingKind.BASIC,
                date=today.replace(year=today.year - years_ago, day=1),
                note="Basiscursus Eigen Kracht",
            )
        pool_services.training_record(
            coordinator=pool["C001"],
            actor=manager,
            kind=TrainingKind.REFRESHER,
            date=today.replace(day=1),
            note="Terugkomdag netwerkberaad",
        )
        pool_services.evaluation_record(
            coordinator=pool["C001"],
            actor=manager,
            date=today.replace(day=1),
            summary="Sterk in het contact met families. Wil meer leren over tolken.",
        )
        pool_services.meeting_record(
            actor=manager,
            kind=MeetingKind.INTERVISION,
            date=today.replace(day=1),
            region=regions["Overijssel"],
            attendees=[pool["C001"], pool["C002"], pool["C004"]],
            note="Casus: een groot netwerk uitnodigen",
        )
        pool_services.region_request_ask(
            coordinator=pool["C005"],
            actor=pool["C005"].user,
            region=regions["Overijssel"],
            motivation="Ik verhuis naar Deventer en werk graag in Overijssel.",
        )

    def _set_regions(self, memberships):
        """Each demo user gets exactly these regions, in two queries for all."""
        Membership = User.regions.through
        Membership.objects.filter(user__in=list(memberships)).delete()
        Membership.objects.bulk_create(
            Membership(user=user, region=region)
            for user, regions in memberships.items()
            for region in regions
        )

    def _user(self, email, first, last, flags, organization):
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        user.first_name, user.last_name = first, last
        for flag in ROLE_FLAGS:
            setattr(user, flag, flag in flags)
        user.organization = organization
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _print_logins(self, users):
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Demo logins (password for all: ")
            + self.style.SUCCESS(f"{DEMO_PASSWORD}):")
        )
        for user in users:
            roles = ", ".join(str(role.label) for role in user.roles)
            code = " (second factor)" if second_factor.required_for(user) else ""
            self.stdout.write(f"  {user.email:<36} {roles}{code}")
        self.stdout.write(
            f"Second factor: add the secret {DEMO_TOTP_SECRET} to an authenticator app, "
            f"or make a code with: oathtool --totp -b {DEMO_TOTP_SECRET}"
        )
