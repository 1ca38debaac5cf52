"""The rule matrix of the notes between the regional manager and the coordinator:
who comments, who asks for advice, who sees them, who answers. Deny by default."""

import pytest

from conferences.models import NoteKind, OversightNote
from tests.access import CASE_STATES, expand, matrix, who_may

pytestmark = pytest.mark.django_db

M, C = "regional_manager", "coordinator"
# The case has an accepted coordinator and is not ended.
WITH_COORDINATOR = [
    "coordinator_assigned",
    "preparing",
    "conference_scheduled",
    "conference_held",
    "plan_decided",
    "plan_not_accepted",
    "follow_up",
]


def test_only_the_regions_manager_comments_while_a_coordinator_works_on_the_case(world):
    got = matrix("conferences.comment_on_preparation", world["users"], world["cases"])
    assert got == expand(dict.fromkeys(WITH_COORDINATOR, {M}), CASE_STATES)


def test_only_the_accepted_coordinator_asks_for_advice_on_an_open_case(world):
    got = matrix("conferences.ask_advice", world["users"], world["cases"])
    assert got == expand(dict.fromkeys(WITH_COORDINATOR, {C}), CASE_STATES)


def test_the_notes_are_seen_by_the_manager_and_the_coordinator_only(world):
    for state, case in world["cases"].items():
        viewers = who_may("conferences.view_oversight_notes", world["users"], case)
        coordinates = state in [*WITH_COORDINATOR, "closed"]
        # Not the administrator, the referrer or the liaison: coaching between two.
        assert viewers == {M} | ({C} if coordinates else set()), state


def test_the_other_side_answers_each_note(world):
    notes = {
        note.kind: note
        for note in OversightNote.objects.filter(
            referral=world["cases"]["preparing"]
        ).select_related("referral")
    }
    assert who_may("conferences.answer_note", world["users"], notes[NoteKind.COMMENT]) == {C}
    assert who_may("conferences.answer_note", world["users"], notes[NoteKind.ADVICE_REQUEST]) == {M}
