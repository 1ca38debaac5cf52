"""No conference offered (reversed burden of proof): record, and see per organisation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ekc.editing import submit_once
from referrals import services
from referrals.filters import NonOfferFilter
from referrals.forms import NonOfferForm
from referrals.rules import can_record_non_offer, can_view_non_offers


def non_offer_list(request):
    user = request.user
    if not can_view_non_offers(user):
        raise PermissionDenied
    filters = NonOfferFilter(request.GET or None, user=user)
    visible = filters.qs
    per_organization = (
        visible.order_by()
        .values("organization__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization__name")
    )
    page = Paginator(visible.select_related("organization"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/non_offers.html",
        {
            "form": filters.form,
            "per_organization": per_organization,
            "total": page.paginator.count,
            "page": page,
            "query": query.urlencode(),
            "can_record": can_record_non_offer(user),
        },
    )


@submit_once
def non_offer_create(request):
    if not can_record_non_offer(request.user):
        raise PermissionDenied
    form = NonOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.non_offer_record(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Recorded. Thank you for explaining why."))
        return redirect("referrals:non_offers")
    return render(request, "referrals/non_offer_form.html", {"form": form})
