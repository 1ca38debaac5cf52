"""The case timeline speaks in sentences: every event kind has one, in Dutch and
English, and repeated network rows fold into one line."""

import datetime
import pathlib
import re

import pytest
from django.utils import timezone, translation

from ekc.models import User
from referrals.lifecycle import Transition
from referrals.models import CaseEvent
from referrals.timeline import described_kinds, entries, sentence

ONE, TWO = User(pk=1), User(pk=2)
ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("ekc", "referrals", "coordinators", "conferences", "plans", "research", "privacy", "shell")


def recorded_kinds():
    """Every event kind the code records: kind="..." and the network's f-string."""
    kinds = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            if "record_event" not in text:
                continue
            kinds |= set(re.findall(r'\bkind="([a-z_]+)"', text))
            if 'kind=f"network_{change}"' in text:
                kinds |= {"network_added", "network_changed", "network_removed"}
    return kinds - {"svg"}  # segno's image kind, not an event


def test_the_scan_finds_the_kinds_it_should():
    assert {"plan_submitted", "help_recorded", "network_removed", "surveys_sent"} <= (
        recorded_kinds()
    )


def test_every_recorded_kind_has_a_sentence():
    assert recorded_kinds() - set(Transition.values) - described_kinds() == set()


def event(kind, details=None, **fields):
    fields.setdefault("at", timezone.now())
    return CaseEvent(kind=kind, details=details or {}, **fields)


SAMPLE_DETAILS = {
    "consent_recorded": {"given_by": "moeder", "given_on": "2026-11-02"},
    "coordinator_proposed": {"coordinator": "C-017"},
    "plan_submitted": {"version": 2},
    "help_recorded": {"agreement": 1, "started_on": "2026-11-30"},
    "surveys_sent": {"respondent": "referrer", "email": 1, "printed": 0},
    "survey_entered": {"respondent": "family"},
    "conference_changed": {"conference": 1, "starts_at": "2026-12-11T13:30:00+00:00"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_sentence_shows_a_code(language):
    kinds = described_kinds() | set(Transition.values)
    with translation.override(language):
        for kind in sorted(kinds):
            text = sentence(event(kind, SAMPLE_DETAILS.get(kind)))
            assert "_" not in text and text != kind, (kind, text)
            assert text[0].isupper() or text[0].isdigit(), (kind, text)


def test_sentences_in_dutch_use_the_details():
    with translation.override("nl"):
        assert sentence(event("plan_submitted", {"version": 2})) == (
            "Plan (versie 2) naar de verwijzer gestuurd voor een besluit"
        )
        assert sentence(event("help_recorded", {"started_on": "2026-11-30"})) == (
            "Hulp van een professional begonnen op 30 november 2026"
        )
        assert sentence(event("surveys_sent", SAMPLE_DETAILS["surveys_sent"])) == (
            "1 uitnodiging voor de vragenlijst gemaakt (verwijzer)"
        )
        assert "C-017" in sentence(event("coordinator_proposed", {"coordinator": "C-017"}))


def test_an_unknown_kind_reads_as_a_sentence_not_its_code():
    with translation.override("nl"):
        assert sentence(event("something_from_an_old_release")) == (
            "Er is iets vastgelegd bij de zaak"
        )


def test_ten_people_added_in_a_row_fold_into_one_line():
    at = timezone.now()
    added = [event("network_added", {"relation": "aunt"}, actor=ONE) for _ in range(10)]
    for e in added:
        e.at = at
    rows = [event("plan_started", actor=ONE), *added, event("created", actor=ONE)]
    with translation.override("nl"):
        lines = entries(rows)
    assert [line.text for line in lines] == [
        "Plan begonnen",
        "10 mensen aan het netwerk toegevoegd",
        "Aanmelding gemaakt",
    ]
    assert lines[1].count == 10


def test_rows_of_another_person_or_day_stay_apart():
    now = timezone.now()
    rows = [
        event("network_added", actor=ONE),
        event("network_added", actor=TWO),
        event("network_added", actor=TWO, at=now - datetime.timedelta(days=2)),
    ]
    with translation.override("nl"):
        assert [line.text for line in entries(rows)] == [
            "1 persoon aan het netwerk toegevoegd",
            "1 persoon aan het netwerk toegevoegd",
            "1 persoon aan het netwerk toegevoegd",
        ]
