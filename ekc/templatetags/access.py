from django import template

from ekc.rules import allowed as rule_allows

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context, name, obj=None):
    """``{% allowed "plans.decide_plan" plan as can_decide %}``: the same rule the
    action's service requires, for the user of the request (never ``has_perm``,
    which lets every superuser pass)."""
    return rule_allows(name, context["user"], obj)
