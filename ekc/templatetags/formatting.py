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
