"""The languages a family reads EKC in: the portal, the surveys, their invitations,
the plan PDF and the calendar files.

Ten languages, apart from the professional interface (``settings.LANGUAGES``, Dutch
and English only): adding these there would put them on every professional's
language menu. Django has no language information for Somali and Tigrinya;
:data:`EXTRA_LANG_INFO` adds it (ekc/apps.py), and our own catalogues translate the
Django messages that family pages show (ekc/locale_family.py).
"""

from django.conf import settings
from django.conf.locale import LANG_INFO

FAMILY_LANGUAGES = ("nl", "en", "ar", "tr", "pl", "uk", "fa", "so", "ti", "bg")

EXTRA_LANG_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
}


def install_lang_info():
    """Make Django know Somali and Tigrinya (called once, from ekc's ready())."""
    for code, info in EXTRA_LANG_INFO.items():
        LANG_INFO.setdefault(code, info)


def family_language(code):
    """``code`` if the family pages speak it, else the default (Dutch).

    A plan written in a language EKC has no family texts for (Tamazight, say) is
    shown to the family in Dutch; they can choose another language themselves."""
    base = (code or "").split("-")[0].lower()
    return base if base in FAMILY_LANGUAGES else settings.LANGUAGE_CODE


def is_rtl(code):
    """Arabic and Persian are written from right to left."""
    return family_language(code) in settings.LANGUAGES_BIDI


def family_language_choices():
    """(code, name in that language) for every family language, in the fixed order."""
    return [(code, LANG_INFO[code]["name_local"]) for code in FAMILY_LANGUAGES]
