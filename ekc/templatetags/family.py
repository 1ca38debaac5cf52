"""Template tags of the pages a family reads (templates/family_base.html)."""

from django import template
from django.utils.translation import get_language

from ekc.family_languages import family_language, family_language_choices

register = template.Library()


@register.inclusion_tag("partials/family_language_form.html", takes_context=True)
def family_language_form(context, action):
    """The family's language menu: a form posting ``language`` to ``action``."""
    return {
        "action": action,
        "choices": family_language_choices(),
        "current": family_language(get_language()),
        "csrf_token": context.get("csrf_token"),
    }
