"""The numbers of codes in the SPSS file never change: files made years apart mean
the same by the same number, and a new code takes the next free number."""

import datetime

import pyreadstat
import pytest

from research.datasets import CASE_COLUMNS, SAV_CODES, VALUE_LABELS, to_sav

# The numbers the files have always had (the list order before numbers were fixed).
# Never change a line here: add new codes below with the next free number.
PUBLISHED = {
    "organization_type": {
        "youth_care": 1,
        "child_protection": 2,
        "education": 3,
        "welfare": 4,
        "home_care": 5,
        "disability_support": 6,
        "mental_health": 7,
        "healthcare": 8,
        "legal": 9,
        "municipality": 10,
        "housing": 11,
        "justice": 12,
        "other": 13,
    },
    "occasion": {
        "threatened_placement": 1,
        "crisis": 2,
        "child_protection_investigation": 3,
        "return_home": 4,
        "waiting_list": 5,
        "threatened_eviction": 6,
        "domestic_violence": 7,
        "multi_problem": 8,
        "divorce": 9,
        "elderly_care": 10,
        "mental_health": 11,
        "debt": 12,
        "detention_return": 13,
        "restorative": 14,
        "other": 15,
    },
    "stop_reason": {
        "family_declined": 1,
        "referrer_withdrew": 2,
        "no_network": 3,
        "safety": 4,
        "situation_resolved": 5,
        "no_coordinator": 6,
        "other": 7,
        # Issue 15: listed before "other", numbered after every earlier code.
        "consent_withdrawn": 8,
    },
    "conference_kind": {"family_group": 1, "follow_up": 2, "restorative": 3},
    "decision": {"accepted": 1, "accepted_with_conditions": 2, "rejected": 3},
}


@pytest.mark.parametrize("column", sorted(PUBLISHED))
def test_a_published_code_keeps_its_number(column):
    for code, number in PUBLISHED[column].items():
        assert SAV_CODES[column].get(code) == number, f"{column}.{code} must stay {number}"


@pytest.mark.parametrize("column", sorted(VALUE_LABELS))
def test_every_code_has_one_number_of_its_own(column):
    numbers = SAV_CODES[column]
    assert set(numbers) == set(VALUE_LABELS[column].values), "give a new code the next number"
    assert len(set(numbers.values())) == len(numbers)
    assert min(numbers.values()) == 1


def test_consent_withdrawn_takes_the_next_free_number_and_other_keeps_seven(tmp_path):
    assert SAV_CODES["stop_reason"]["consent_withdrawn"] == 8
    row = dict.fromkeys((name for name, _label in CASE_COLUMNS), None)
    rows = [
        {**row, "referred_on": datetime.date(2024, 1, 10), "stop_reason": code}
        for code in ("consent_withdrawn", "other", "family_declined")
    ]
    path = tmp_path / "cases.sav"
    path.write_bytes(to_sav(rows))
    frame, meta = pyreadstat.read_sav(str(path))
    assert frame["stop_reason"].tolist() == [8.0, 7.0, 1.0]
    labels = meta.variable_value_labels["stop_reason"]
    assert labels[8] == "De familie heeft de toestemming ingetrokken"
    assert labels[7] == "Anders"
