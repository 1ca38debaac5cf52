import json

import pytest
from django.urls import reverse

from ekc.interchange import import_lines, validate_lines
from tests.research.test_stats import FIXTURE

pytestmark = pytest.mark.django_db


def load(cases):
    validation = validate_lines([json.dumps(c) for c in cases])
    assert validation.ok, validation.errors
    import_lines(validation)


ACCESS = {
    "researcher": 200,
    "admin_user": 200,
    "regional_manager": 200,
    "referrer": 403,
    "other_referrer": 403,
    "coordinator": 403,
    "liaison": 403,
    "no_role_user": 403,
}


@pytest.mark.parametrize(("fixture", "expected"), ACCESS.items())
def test_who_may_open_the_dashboard(client, request, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("research:dashboard")).status_code == expected


def test_dashboard_shows_figures_with_n_and_charts(client, researcher):
    load(FIXTURE)
    client.force_login(researcher)
    response = client.get(reverse("research:dashboard"))
    html = response.content.decode()
    assert response.context["s"]["referrals"] == 6
    assert "Uithuisplaatsing voorkomen: 2" in html
    assert html.count('src="data:image/svg+xml;base64,') == 6
    assert "EK-2024" not in html  # no case references, let alone names


def test_figure_that_cannot_be_computed_says_so(client, researcher):
    load([FIXTURE[3]])  # a stopped case only
    client.force_login(researcher)
    html = client.get(reverse("research:dashboard")).content.decode()
    assert "kan niet berekend worden" in html


def test_regional_manager_sees_own_region_only_and_cannot_pick_another(
    client, regional_manager, region, other_region
):
    load(FIXTURE)  # five cases in Overijssel (the manager's), one in Amsterdam
    client.force_login(regional_manager)
    response = client.get(reverse("research:dashboard"))
    assert response.context["s"]["referrals"] == 5
    from ekc.models import Region

    amsterdam = Region.objects.get(name="Amsterdam")
    response = client.get(reverse("research:dashboard"), {"region": amsterdam.pk})
    assert response.context["form"].errors
    assert response.context["s"]["referrals"] == 5


def test_filters_narrow_the_cohort(client, researcher):
    load(FIXTURE)
    client.force_login(researcher)
    response = client.get(reverse("research:dashboard"), {"occasion": "crisis"})
    assert response.context["s"]["referrals"] == 1
    response = client.get(reverse("research:dashboard"), {"conference_kind": "restorative"})
    assert response.context["s"]["conferences_held"] == 1


def test_dashboard_query_count_is_the_same_for_small_and_large_cohorts(
    client, researcher, django_assert_num_queries, django_assert_max_num_queries
):
    load(FIXTURE)
    client.force_login(researcher)
    client.get(reverse("research:dashboard"))
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("research:dashboard"))
    load(
        [
            {**c, "reference": c["reference"].replace("EK-2024", f"EK-20{10 + i}")}
            for i in range(8)
            for c in FIXTURE
        ]
    )
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("research:dashboard"))


def test_missing_grades_are_counted(client, researcher):
    load(FIXTURE)
    client.force_login(researcher)
    response = client.get(reverse("research:dashboard"))
    grades = {
        str(label): missing for label, _g, missing in response.context["data"]["labelled"]["grades"]
    }
    assert grades["Familie en netwerk (volwassenen)"]["plan"] == 1
    assert grades["Verwijzer"]["coordinator"] == 1
    assert "1 onbekend" in response.content.decode()


def test_dashboard_figures_are_cached_until_the_data_changes(
    client, researcher, settings, regional_manager, organization, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    load(FIXTURE)
    client.force_login(researcher)
    first = client.get(reverse("research:dashboard"))
    assert first.context["s"]["referrals"] == 6
    with django_assert_max_num_queries(12):  # session, user, version check: no figures
        again = client.get(reverse("research:dashboard"))
    assert again.context["s"]["referrals"] == 6
    from tests import factories

    factories.registered(regional_manager, organization)  # writes case events
    assert client.get(reverse("research:dashboard")).context["s"]["referrals"] == 7
    cache.clear()
