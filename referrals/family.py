"""Families who come back: spelling-tolerant keys for names, and the earlier cases
a referral may belong with.

A family is found again by its main persons (a similar name and the same birth
date) or by its family name with the postcode. Names are compared by their key:
without diacritics, case, hyphens, spaces or apostrophes ("Özdemir" and "ozdemir",
"Van der Berg" and "vanderberg" are one key), and two keys of five letters or more
may differ in one letter, or in two neighbouring letters swapped ("Jansen",
"Janssen", "Jasnen"). Shorter keys must be equal: "Ali" and "Aly" are two people.
"""

import unicodedata

# Letters that have no decomposition into a base letter and an accent.
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"})
MIN_FUZZY_LENGTH = 5


def name_key(text):
    """``text`` as a key for comparing names: lower case letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def postcode_key(text):
    """A Dutch postcode whatever its spacing or case: "7511 ab" -> "7511AB"."""
    return "".join((text or "").split()).upper()


def _edit_distance_at_most_one(a, b):
    """True when one substitution, insertion, deletion or swap of two neighbouring
    letters turns ``a`` into ``b`` (or they are equal)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def similar_keys(a, b):
    """Two name keys that may name the same person or family."""
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_LENGTH:
        return False
    return _edit_distance_at_most_one(a, b)


def similar_names(a, b):
    """Two names of a person that may be the same. When both hold more than one
    word, the whole names must be similar ("Emma de Vries" is not "Emma Jansen");
    when one is a first name only, the first names must be."""
    words_a, words_b = (a or "").split(), (b or "").split()
    if not words_a or not words_b:
        return False
    if len(words_a) > 1 and len(words_b) > 1:
        return similar_keys(name_key(a), name_key(b))
    return similar_keys(name_key(words_a[0]), name_key(words_b[0]))
