"""No conference offered (reversed burden of proof): record, and see per organisation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ekc.editing import submit_once
from ekc.models import Organization
from referrals import services
from referrals.forms import NonOfferFilterForm, NonOfferForm
from referrals.models import NonOffer
from referrals.rules import can_record_non_offer, can_view_non_offers, visible_non_offers_q


def non_offer_list(request):
    user = request.user
    if not can_view_non_offers(user):
        raise PermissionDenied
    visible = NonOffer.objects.filter(visible_non_offers_q(user))
    organizations = Organization.objects.filter(pk__in=visible.values("organization")).order_by(
        "name"
    )
    form = NonOfferFilterForm(request.GET or None, organizations=organizations)
    if form.is_valid():
        if form.cleaned_data["start"]:
            visible = visible.filter(decided_on__gte=form.cleaned_data["start"])
        if form.cleaned_data["end"]:
            visible = visible.filter(decided_on__lte=form.cleaned_data["end"])
        if form.cleaned_data["organization"]:
            visible = visible.filter(organization=form.cleaned_data["organization"])
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
            "form": form,
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
