"""The Dutch catalogue is complete, and English is there to choose."""

from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _catalog(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "django.po", "rb") as f:
        return read_po(f, locale=lang)


def _untranslated(catalog):
    bad = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            bad.append(message.id)
    return bad


def test_every_text_has_a_dutch_translation():
    assert _untranslated(_catalog("nl")) == []


def test_english_catalogue_has_every_text_so_no_dutch_leaks_into_english():
    # Django falls back to the default language (Dutch) for texts missing in the
    # English catalogue, so English needs every text too.
    nl_ids = {m.id for m in _catalog("nl") if m.id}
    en = _catalog("en")
    assert _untranslated(en) == []
    assert nl_ids == {m.id for m in en if m.id}
