"""Language codes used for families, coordinators and conferences.

ISO 639-1 where one exists, else ISO 639-3 (INTERCHANGE.md). The list holds the
languages most spoken in Dutch families; imports may carry any such code.
"""

import re

from django.utils.translation import gettext_lazy as _

LANGUAGES = {
    "nl": _("Dutch"),
    "en": _("English"),
    "tr": _("Turkish"),
    "ar": _("Arabic"),
    "zgh": _("Tamazight (Berber)"),
    "rif": _("Tarifit (Riffian)"),
    "pl": _("Polish"),
    "ro": _("Romanian"),
    "bg": _("Bulgarian"),
    "pap": _("Papiamento"),
    "srn": _("Sranan Tongo"),
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "am": _("Amharic"),
    "fa": _("Persian"),
    "prs": _("Dari"),
    "ps": _("Pashto"),
    "ku": _("Kurdish"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "de": _("German"),
    "fr": _("French"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "it": _("Italian"),
    "zh": _("Chinese"),
    "hi": _("Hindi"),
    "ur": _("Urdu"),
    "bn": _("Bengali"),
    "vi": _("Vietnamese"),
    "th": _("Thai"),
    "tl": _("Tagalog"),
    "id": _("Indonesian"),
    "sr": _("Serbian"),
    "hr": _("Croatian"),
    "bs": _("Bosnian"),
    "sq": _("Albanian"),
    "el": _("Greek"),
    "hu": _("Hungarian"),
    "lt": _("Lithuanian"),
    "fy": _("Frisian"),
    "sw": _("Swahili"),
    "ln": _("Lingala"),
    "yo": _("Yoruba"),
    "tw": _("Twi"),
    "sgn": _("Sign language"),
}


def language_choices():
    """(code, name) pairs in the active language's alphabet, Dutch first."""
    return sorted(LANGUAGES.items(), key=lambda item: (item[0] != "nl", str(item[1])))


_CODE = re.compile(r"[a-z]{2,3}")


def is_language_code(code):
    """A two- or three-letter lower-case code (ISO 639-1 or 639-3)."""
    return isinstance(code, str) and bool(_CODE.fullmatch(code))


def language_name(code):
    return LANGUAGES.get(code, code)
