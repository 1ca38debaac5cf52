from django import template

from ekc import formatting

register = template.Library()


@register.filter
def number(value, places=2):
    """``{{ mean|number }}``: "12,5" in Dutch; "–" only for None (nothing to compute)."""
    return formatting.number(value, places)


@register.filter
def percent(value, places=0):
    """``{{ share|percent }}``: 0.778 as "78%"; "–" only for None."""
    return formatting.percent(value, places)


@register.filter
def amount(value):
    """``{{ euros|amount }}``: "€ 32.600" in Dutch, on one line; "–" only for None."""
    return formatting.amount(value)


@register.filter
def day(value, format="long"):
    """``{{ date|day:"medium" }}``: "1 dec 2026" in Dutch, "Dec 1, 2026" in English.

    Use it instead of Django's ``|date:"j M Y"``: its ``M`` capitalises the Dutch
    abbreviation ("1 Dec 2026"), which reads as English."""
    return formatting.day(value, format)


@register.filter
def moment(value):
    """``{{ event.created_at|moment }}``: "1 dec 2026 07:41"."""
    return formatting.moment(value)
