"""Figures in the active language: a zero is shown, a dash only means "nothing to compute"."""

import datetime

import pytest
from django.utils import translation

from ekc import formatting


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["0", "0,0", "32.600", "12,34", "78%", "77,8%", "€\xa032.600", "1 december 2026"]),
        ("en", ["0", "0.0", "32,600", "12.34", "78%", "77.8%", "€32,600", "December 1, 2026"]),
    ],
)
def test_figures_follow_the_active_language(language, expected):
    with translation.override(language):
        shown = [
            formatting.number(0),
            formatting.number(0.0),
            formatting.number(32600),
            formatting.number(12.335),
            formatting.percent(0.778),
            formatting.percent(0.778, 1),
            formatting.amount(32600),
            formatting.day(datetime.date(2026, 12, 1)),
        ]
    assert shown == expected


def test_only_none_is_nothing_to_compute():
    assert [formatting.number(None), formatting.percent(None), formatting.amount(None)] == ["–"] * 3
    assert formatting.percent(0) == "0%"
    assert formatting.amount(0) == "€\xa00"
