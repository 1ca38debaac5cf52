from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ekc import formatting

register = template.Library()


@register.simple_tag
def figure(value, percent=False):
    """A figure of the statistics: a percentage, a number in the page's language, or
    a plain "cannot be computed" when there is nothing to compute it from (a zero is
    a figure and is shown as one)."""
    if value is None:
        return format_html('<span class="text-body-secondary">{}</span>', _("cannot be computed"))
    return formatting.percent(value) if percent else formatting.number(value)
