from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure(value, percent=False):
    """A figure of the statistics: a percentage, a number in the page's language, or
    a plain "cannot be computed" when there is nothing to compute it from."""
    if value is None:
        return format_html('<span class="text-body-secondary">{}</span>', _("cannot be computed"))
    if percent:
        return f"{round(value * 100)}%"
    return formats.localize(value)
