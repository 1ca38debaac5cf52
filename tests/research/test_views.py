import json
import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from research.models import DashboardSnapshot
from shell.interchange import import_lines, validate_lines
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


@pytest.mark.parametrize(
    "bad",
    [
        {"region": "abc"},
        {"region": "9" * 30},
        {"organization_type": "nonsense"},
        {"date_from": "2024-12-31", "date_to": "2024-01-01"},  # the end is dropped
        {"date_from": "9999-01-01"},
    ],
)
def test_a_bad_filter_value_drops_only_itself(client, researcher, bad):
    load(FIXTURE)
    client.force_login(researcher)
    response = client.get(reverse("research:dashboard"), {"occasion": "crisis", **bad})
    assert response.status_code == 200
    assert response.context["form"].errors
    expected = 0 if bad.get("date_from") == "2024-12-31" else 1
    assert response.context["s"]["referrals"] == expected


def test_dashboard_query_count_is_the_same_for_small_and_large_cohorts(
    client, researcher, django_assert_num_queries
):
    load(FIXTURE)
    client.force_login(researcher)
    client.get(reverse("research:dashboard"))
    # Each new load changes the data: the figures are computed again (at once, with
    # the tests' immediate task backend), on a small and on a nine times larger cohort.
    load([{**FIXTURE[0], "reference": "EK-2009-0001"}])
    with django_assert_num_queries(40):
        client.get(reverse("research:dashboard"))
    load(
        [
            {**c, "reference": c["reference"].replace("EK-2024", f"EK-20{10 + i}")}
            for i in range(8)
            for c in FIXTURE
        ]
    )
    with django_assert_num_queries(40):
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


def test_dashboard_figures_are_stored_until_the_data_changes(
    client, researcher, regional_manager, organization, django_assert_num_queries
):
    load(FIXTURE)
    client.force_login(researcher)
    first = client.get(reverse("research:dashboard"))
    assert first.context["s"]["referrals"] == 6
    assert first.context["snapshot"].is_current
    with django_assert_num_queries(10):  # session, user, snapshot, version: no figures
        again = client.get(reverse("research:dashboard"))
    assert again.context["s"]["referrals"] == 6
    from tests import factories

    factories.registered(regional_manager, organization)  # writes case events
    assert client.get(reverse("research:dashboard")).context["s"]["referrals"] == 7
    assert DashboardSnapshot.objects.count() == 1  # one selection, one language


def test_dashboard_snapshots_are_stored_as_json_never_pickle(client, researcher):
    """Reading a stored snapshot must never run code: the column holds JSON text."""
    import json
    import pathlib

    from django.db import connection

    load(FIXTURE)
    client.force_login(researcher)
    client.get(reverse("research:dashboard"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT payload FROM {DashboardSnapshot._meta.db_table}")
        (raw,) = cursor.fetchone()
    data, charts = json.loads(raw) if isinstance(raw, str) else raw
    assert data["stats"]["referrals"] == 6
    assert data["mkba"]["assumptions"][0].keys() == {"label", "euros", "source"}
    assert charts and {"title", "uri", "alt"} <= charts[0].keys()
    # And no module of ours reads or writes pickle.
    root = pathlib.Path(__file__).resolve().parents[2]
    ours = [
        path
        for app in ("ekc", "referrals", "conferences", "plans", "coordinators", "research")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert not [path for path in ours if "import pickle" in path.read_text()]


class QueuedTasks:
    """Stands in for the refresh task when a worker (not the request) would run it."""

    def __init__(self):
        self.queued = []

    def enqueue(self, snapshot_id):
        self.queued.append(snapshot_id)


def test_first_visit_says_the_figures_are_being_computed(client, researcher, monkeypatch):
    from research import dashboard

    monkeypatch.setattr(dashboard, "refresh_dashboard", tasks := QueuedTasks())
    load(FIXTURE)
    client.force_login(researcher)
    response = client.get(reverse("research:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "worden berekend" in html and 'http-equiv="refresh"' not in html
    assert 'aria-live="polite"' in html and ">Vernieuwen</a>" in html
    assert len(tasks.queued) == 1
    client.get(reverse("research:dashboard"))
    assert len(tasks.queued) == 1  # already queued: not again

    monkeypatch.undo()
    dashboard.refresh_dashboard.call(tasks.queued[0])
    response = client.get(reverse("research:dashboard"))
    assert response.context["s"]["referrals"] == 6
    assert "data-figures-pending" not in response.content.decode()


def visit_after_a_change(client, researcher, regional_manager, organization, monkeypatch):
    """Figures computed once; then the refresh waits for a worker and a case is added.
    Returns the next visit's response and the queued refreshes."""
    from research import dashboard
    from tests import factories

    load(FIXTURE)
    client.force_login(researcher)
    client.get(reverse("research:dashboard"))  # computed at once
    monkeypatch.setattr(dashboard, "refresh_dashboard", tasks := QueuedTasks())
    factories.registered(regional_manager, organization)
    return client.get(reverse("research:dashboard")), tasks


def test_changed_data_shows_the_older_figures_with_their_time_meanwhile(
    client, researcher, regional_manager, organization, monkeypatch
):
    response, tasks = visit_after_a_change(
        client, researcher, regional_manager, organization, monkeypatch
    )
    assert response.context["s"]["referrals"] == 6  # the stored figures, not a wait
    assert "Nieuwere cijfers worden berekend" in response.content.decode()
    assert tasks.queued


def test_figures_are_recomputed_at_most_every_few_minutes(
    client, researcher, regional_manager, organization, monkeypatch, settings
):
    settings.DASHBOARD_REFRESH_MINUTES = 5
    response, tasks = visit_after_a_change(
        client, researcher, regional_manager, organization, monkeypatch
    )
    assert response.context["s"]["referrals"] == 6
    assert not tasks.queued  # computed less than 5 minutes ago
    assert "Deze cijfers zijn van" in response.content.decode()
    DashboardSnapshot.objects.update(computed_at=F("computed_at") - timedelta(minutes=6))
    client.get(reverse("research:dashboard"))
    assert tasks.queued


def test_one_quarter_gives_a_sentence_not_a_chart_and_charts_speak_dutch(researcher):
    from research.dashboard import chart_images, figures
    from research.stats import Filters

    load(FIXTURE)
    data = figures(Filters())
    data["quarters"] = data["quarters"][:1]
    charts = chart_images(data)
    (trend,) = [chart for chart in charts if "sentence" in chart]
    assert "uri" not in trend and "twee kwartalen" in trend["sentence"]
    alts = " ".join(chart["alt"] for chart in charts if "uri" in chart)
    assert re.search(r"\d,\d", alts) and not re.search(r"\d\.\d", alts)
