"""Language codes used for families, coordinators and conferences.

ISO 639-1 where one exists, else ISO 639-3 (INTERCHANGE.md). The list holds the
languages most spoken in Dutch families; imports may carry any such code. Their
names come from the Unicode CLDR (Babel), in the language of the interface.
"""

import functools
import re

from babel import Locale
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# fmt: off
OFFERED = (
    "nl", "en", "tr", "ar", "zgh", "rif", "pl", "ro", "bg", "pap", "srn", "so", "ti", "am",
    "fa", "prs", "ps", "ku", "uk", "ru", "de", "fr", "es", "pt", "it", "zh", "hi", "ur", "bn",
    "vi", "th", "tl", "id", "sr", "hr", "bs", "sq", "el", "hu", "lt", "fy", "sw", "ln", "yo",
    "tw", "sgn",
)
# fmt: on

# Shown first on every language picker, the rest under "More languages": what
# families in the Netherlands most often speak at home (Dutch, English, Turkish,
# Moroccan Arabic and the Berber languages Tamazight and Tarifit, Polish,
# Papiamento and Ukrainian).
COMMON = ("nl", "en", "tr", "ar", "zgh", "rif", "pl", "pap", "uk")

# The CLDR names Dari as the Persian of Afghanistan.
CLDR_KEYS = {"prs": "fa_AF"}
# The CLDR has no name for sign language.
NOT_IN_CLDR = {"sgn": _("Sign language")}


@functools.cache
def _cldr_names(ui_language):
    return Locale.parse(ui_language, sep="-").languages


def language_name(code):
    """The name of ``code`` in the active interface language (the code if unknown)."""
    if code in NOT_IN_CLDR:
        return str(NOT_IN_CLDR[code])
    names = _cldr_names(get_language() or settings.LANGUAGE_CODE)
    return names.get(CLDR_KEYS.get(code, code), code)


def language_choices():
    """(code, name) pairs in the active language's alphabet, Dutch first."""
    pairs = [(code, language_name(code)) for code in OFFERED]
    return sorted(pairs, key=lambda pair: (pair[0] != "nl", pair[1]))


_CODE = re.compile(r"[a-z]{2,3}")


def is_language_code(code):
    """A two- or three-letter lower-case code (ISO 639-1 or 639-3)."""
    return isinstance(code, str) and bool(_CODE.fullmatch(code))
