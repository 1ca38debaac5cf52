"""The one rule for the "*" beside a field (templates/bootstrap5/field.html).

"*" means: you must fill this in (to send, where a draft can be saved without).
A field is marked when the form refuses it empty, or when the form says it is
needed to send (``field.required_to_send``, see ``mark_required_to_send``). A
field of an extra formset row is not marked: the row may stay empty."""

from django import template

register = template.Library()


@register.filter
def marked_required(bound_field):
    field = bound_field.field
    if getattr(field, "required_to_send", False):
        return True
    return field.required and not bound_field.form.empty_permitted
