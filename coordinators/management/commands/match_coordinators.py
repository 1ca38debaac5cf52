import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from coordinators.matching import needs_interpreter, rank_coordinators
from referrals.models import Referral


class Command(BaseCommand):
    help = "Rank the eligible coordinators for a referral, best first (INTERCHANGE.md)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the case reference, e.g. EK-2026-0001")
        parser.add_argument("--json", action="store_true", help="print the ranking as JSON")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="the day to judge availability on (YYYY-MM-DD); default today",
        )

    def handle(self, *args, reference, json: bool, date=None, **options):
        try:
            referral = Referral.objects.get(reference=reference)
        except Referral.DoesNotExist:
            raise CommandError(f"No referral with reference {reference}.") from None
        with translation.override("nl"):
            candidates = rank_coordinators(referral, on_date=date)
            if json:
                self.stdout.write(_dumps([c.as_json() for c in candidates]))
                return
            for place, candidate in enumerate(candidates, start=1):
                reasons = "; ".join(candidate.reasons)
                self.stdout.write(
                    f"{place:>3}. {candidate.coordinator.code} {candidate.score:.2f}  {reasons}"
                )
            if needs_interpreter(referral, candidates):
                self.stdout.write("Niemand spreekt een taal van de familie: er is een tolk nodig.")


def _dumps(value):
    return jsonlib.dumps(value, ensure_ascii=False)
