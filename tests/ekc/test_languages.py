import pytest
from django.utils import translation

from ekc.languages import OFFERED, language_choices, language_name


@pytest.mark.parametrize("ui_language", ["nl", "en"])
def test_every_offered_language_has_a_name(ui_language):
    with translation.override(ui_language):
        for code in OFFERED:
            assert language_name(code) != code, code


def test_names_follow_the_interface_language():
    with translation.override("nl"):
        assert [language_name(code) for code in ("nl", "tr", "prs", "sgn")] == [
            "Nederlands",
            "Turks",
            "Dari",
            "Gebarentaal",
        ]
    with translation.override("en"):
        assert [language_name(code) for code in ("nl", "tr", "prs", "sgn")] == [
            "Dutch",
            "Turkish",
            "Dari",
            "Sign language",
        ]


def test_choices_offer_every_language_dutch_first_then_by_name():
    with translation.override("nl"):
        choices = language_choices()
    assert sorted(code for code, _name in choices) == sorted(OFFERED)
    assert choices[0] == ("nl", "Nederlands")
    names = [name for _code, name in choices[1:]]
    assert names == sorted(names)


def test_an_unknown_code_is_shown_as_itself():
    assert language_name("qqq") == "qqq"
