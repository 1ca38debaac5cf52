"""The plan as an A4 PDF (WeasyPrint): to give to the family and the professionals."""

from itertools import groupby

from django.template.loader import render_to_string

from plans.models import LifeDomain

DOMAIN_ORDER = {code: index for index, code in enumerate(LifeDomain.values)}


def agreements_by_domain(agreements):
    """[(life domain label, [agreements])] in the fixed order of life domains."""
    ordered = sorted(agreements, key=lambda a: (DOMAIN_ORDER.get(a.life_domain, 99), a.position))
    return [
        (LifeDomain(domain).label, list(items))
        for domain, items in groupby(ordered, key=lambda a: a.life_domain)
    ]


def render_plan_pdf(plan):
    """The PDF bytes of one plan version.

    ``plan`` comes with its referral, conference and decision (with who decided)
    selected and its agreements and evaluation moments prefetched, as the plan_pdf
    view loads it; anything less is a query per agreement.
    """
    html = render_to_string(
        "plans/pdf/plan.html",
        {
            "plan": plan,
            "referral": plan.referral,
            "groups": agreements_by_domain(plan.agreements.all()),
            "decision": getattr(plan, "decision", None),
            "moments": plan.evaluation_moments.all(),
        },
    )
    # Imported here: WeasyPrint needs the system's Pango library, and the rest of
    # the app should start without it (README: "PDFs").
    from weasyprint import HTML

    # Tagged (PDF/UA-1) with the page's language, so a screen reader can follow it.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
