"""The ten family languages live apart from the professional interface's two."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import get_language_info

from ekc.family_languages import (
    FAMILY_LANGUAGES,
    family_language,
    family_language_choices,
    is_rtl,
)


def test_the_ten_languages_and_the_professional_two():
    assert set(FAMILY_LANGUAGES) == {"nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti", "bg"}
    # Adding Somali or Tigrinya to LANGUAGES would break the professional menu.
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]


@pytest.mark.parametrize(("code", "local"), [("so", "Soomaali"), ("ti", "ትግርኛ")])
def test_django_knows_somali_and_tigrinya(code, local):
    info = get_language_info(code)
    assert info["name_local"] == local
    assert info["bidi"] is False


def test_every_family_language_has_a_name_in_itself():
    names = dict(family_language_choices())
    assert list(names) == list(FAMILY_LANGUAGES)
    assert names["ar"] == "العربيّة"
    assert names["bg"] == "български"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("ar", "ar"), ("TI", "ti"), ("fa-IR", "fa"), ("zgh", "nl"), ("", "nl"), (None, "nl")],
)
def test_a_language_without_family_texts_falls_back_to_dutch(given, expected):
    assert family_language(given) == expected


def test_arabic_and_persian_run_right_to_left():
    assert [code for code in FAMILY_LANGUAGES if is_rtl(code)] == ["ar", "fa"]


def _family_page(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        return render_to_string("family_base.html", {"language_action": "/kies/"}, request=request)


def test_family_base_is_right_to_left_in_arabic_with_the_rtl_stylesheet():
    html = _family_page("ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_family_base_is_left_to_right_in_tigrinya():
    html = _family_page("ti")
    assert '<html lang="ti" dir="ltr">' in html
    assert "bootstrap.rtl.min.css" not in html


def test_family_language_menu_offers_the_ten_languages_and_marks_the_current_one():
    html = _family_page("uk")
    assert 'action="/kies/"' in html
    for code in FAMILY_LANGUAGES:
        assert f'value="{code}" lang="{code}"' in html
    assert 'value="uk" lang="uk" selected' in html
    assert "csrfmiddlewaretoken" in html
