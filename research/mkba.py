"""The social cost-benefit estimate (MKBA): outcomes times unit values, minus the
conferences times the cost of one. Always an estimate, shown with its assumptions."""

from research.models import CostBenefitAssumption


def estimate(stats):
    assumptions = list(CostBenefitAssumption.objects.all())
    by_key = {a.key: a for a in assumptions}
    lines = []
    savings = 0
    for code, count in stats["outcomes"].items():
        unit = by_key.get(code)
        amount = count * (unit.euros if unit else 0)
        savings += amount
        lines.append(
            {
                "label": unit.label if unit else code,
                "count": count,
                "unit": unit.euros if unit else 0,
                "amount": amount,
            }
        )
    cost_unit = by_key.get(CostBenefitAssumption.CONFERENCE_COST)
    cost = stats["conferences_held"] * (cost_unit.euros if cost_unit else 0)
    return {
        "lines": lines,
        "savings": savings,
        "conferences": stats["conferences_held"],
        "conference_unit": cost_unit.euros if cost_unit else 0,
        "cost": cost,
        "net": savings - cost,
        "assumptions": [
            {"label": a.label, "euros": a.euros, "source": a.source} for a in assumptions
        ],
    }
