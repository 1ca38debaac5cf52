"""Numbers, amounts, shares and dates in the active language (Babel's CLDR data).

One place for pages, charts and PDFs, so "€ 32.600", "77,8%" and "1 december
2026" look the same everywhere. ``None`` means "nothing to compute" and is shown
as a dash; a zero is a figure like any other and is shown as 0 or 0,0.
"""

import datetime

from babel import dates, numbers
from django.utils import timezone
from django.utils.translation import get_language, to_locale

NOTHING = "–"


def locale():
    """The Babel locale of the active language ("nl", "en")."""
    return to_locale(get_language() or "nl")


def number(value, places=2):
    """A count as a whole number, a mean or median with one or two decimals."""
    if value is None:
        return NOTHING
    if isinstance(value, int):
        return numbers.format_decimal(value, format="#,##0", locale=locale())
    return numbers.format_decimal(
        value, format="#,##0.0" + "#" * max(places - 1, 0), locale=locale()
    )


def percent(value, places=0):
    """A share (0.778) as a percentage ("78%"; with ``places=1`` "77,8%")."""
    if value is None:
        return NOTHING
    return numbers.format_percent(
        value, format="#,##0" + ("." + "#" * places if places else "") + "%", locale=locale()
    )


def amount(value):
    """An amount in whole euros ("€ 32.600" in Dutch, "€32,600" in English), kept on
    one line by a non-breaking space."""
    if value is None:
        return NOTHING
    text = numbers.format_currency(
        value,
        "EUR",
        format="¤#,##0" if locale().startswith("en") else "¤ #,##0",
        currency_digits=False,
        locale=locale(),
    )
    return text.replace(" ", "\N{NO-BREAK SPACE}")


def day(value, format="long"):
    """A date ("1 december 2026"); ``format`` is one of Babel's (short, medium, long)
    or a CLDR pattern such as "MMM y"."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dates.format_date(value, format=format, locale=locale())


def moment(value):
    """A date and time in the local time zone ("1 dec 2026 07:41")."""
    if value is None:
        return NOTHING
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local, 'medium')} {local:%H:%M}"
