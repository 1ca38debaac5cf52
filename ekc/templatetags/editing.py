from django import template

from ekc.editing import TOKEN_FIELD, OnceForm

register = template.Library()


@register.simple_tag
def form_token():
    """The hidden one-time token of a form that is only a button (see ekc/editing.py)."""
    return OnceForm()[TOKEN_FIELD].as_hidden()
