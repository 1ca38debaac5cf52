from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ekc.models import Region
from ekc.rules import region_ids
from research.dashboard import chart_images, figures
from research.forms import DashboardFilterForm
from research.rules import can_view_research, limited_to_own_regions
from research.stats import Filters


def dashboard(request):
    """Outcome and satisfaction figures for a cohort. A regional manager sees their
    own regions only; the figures are aggregates, never names."""
    user = request.user
    if not can_view_research(user):
        raise PermissionDenied
    own_only = limited_to_own_regions(user)
    regions = Region.objects.filter(pk__in=region_ids(user)) if own_only else Region.objects.all()
    form = DashboardFilterForm(request.GET or None, regions=regions)
    cleaned = form.cleaned_data if form.is_valid() else {}
    region = cleaned.get("region")
    filters = Filters(
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
        region=region.name if region else None,
        occasion=cleaned.get("occasion") or None,
        organization_type=cleaned.get("organization_type") or None,
        conference_kind=cleaned.get("conference_kind") or None,
        region_ids=tuple(region_ids(user)) if own_only else None,
    )
    data = figures(filters)
    return render(
        request,
        "research/dashboard.html",
        {
            "form": form,
            "data": data,
            "s": data["stats"],
            "charts": chart_images(data),
            "own_only": own_only,
        },
    )
