"""The coordinator pool (issue 17): courses, meetings, yearly evaluations, who is due,
and questions to serve another region. Every rule with its unhappy path."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coordinators import services
from coordinators.models import (
    DUE_SOON_DAYS,
    DueState,
    Evaluation,
    Meeting,
    MeetingKind,
    RegionRequest,
    RegionRequestStatus,
    Training,
    TrainingKind,
    add_months,
    due_state,
)
from coordinators.selectors import pool_record_of
from ekc.editing import StaleEdit
from ekc.models import Region
from referrals.services import TransitionError
from tests import factories
from tests.forms import post_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def profile(user):
    return pool_record_of(user.coordinator_profile.pk)


# The due rules


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 24) == datetime.date(2028, 11, 15)


def test_due_state_in_order_due_overdue():
    assert due_state(TODAY + datetime.timedelta(days=DUE_SOON_DAYS + 1), TODAY) == DueState.OK
    assert due_state(TODAY + datetime.timedelta(days=DUE_SOON_DAYS), TODAY) == DueState.DUE
    assert due_state(TODAY, TODAY) == DueState.DUE
    assert due_state(TODAY - datetime.timedelta(days=1), TODAY) == DueState.OVERDUE
    assert due_state(None, TODAY) == DueState.OVERDUE


def test_refresher_is_due_two_years_after_the_last_course(regional_manager, coordinator):
    c = coordinator.coordinator_profile
    assert profile(coordinator).refresher_due_on is None  # no course at all: overdue
    assert profile(coordinator).refresher_state(TODAY) == DueState.OVERDUE
    basic = datetime.date(2023, 3, 1)
    services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.BASIC, date=basic
    )
    assert profile(coordinator).refresher_due_on == datetime.date(2025, 3, 1)
    services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.REFRESHER, date=TODAY
    )
    assert profile(coordinator).refresher_due_on == add_months(TODAY, 24)
    assert profile(coordinator).refresher_state(TODAY) == DueState.OK


def test_evaluation_is_due_a_year_after_starting_then_as_the_last_one_says(
    regional_manager, coordinator
):
    c = coordinator.coordinator_profile
    start = TODAY - datetime.timedelta(days=400)
    services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.BASIC, date=start
    )
    assert profile(coordinator).evaluation_due_on == add_months(start, 12)
    assert profile(coordinator).evaluation_state(TODAY) == DueState.OVERDUE
    evaluation = services.evaluation_record(
        coordinator=c, actor=regional_manager, date=TODAY, summary="Goed gesprek."
    )
    assert evaluation.next_due == add_months(TODAY, 12)
    assert evaluation.manager == regional_manager
    services.evaluation_record(
        coordinator=c,
        actor=regional_manager,
        date=TODAY,
        summary="Nog een keer over een half jaar.",
        next_due=TODAY + datetime.timedelta(days=30),
    )
    assert profile(coordinator).evaluation_due_on == TODAY + datetime.timedelta(days=30)
    assert profile(coordinator).evaluation_state(TODAY) == DueState.DUE


def test_without_courses_the_start_is_the_day_the_account_was_made(coordinator):
    started = timezone.localdate(coordinator.date_joined)
    assert profile(coordinator).evaluation_due_on == add_months(started, 12)


# Who records, who reads


@pytest.mark.parametrize("fixture", ["other_regional_manager", "coordinator", "other_coordinator"])
def test_only_the_regions_manager_records(request, coordinator, fixture):
    actor = request.getfixturevalue(fixture)
    c = coordinator.coordinator_profile
    with pytest.raises(PermissionDenied):
        services.training_record(coordinator=c, actor=actor, kind=TrainingKind.BASIC, date=TODAY)
    with pytest.raises(PermissionDenied):
        services.evaluation_record(coordinator=c, actor=actor, date=TODAY, summary="x")
    assert not Training.objects.exists() and not Evaluation.objects.exists()


def test_manager_records_a_course_and_an_evaluation_on_the_page(
    client, regional_manager, coordinator
):
    client.force_login(regional_manager)
    url = reverse("coordinators:record", args=[coordinator.coordinator_profile.pk])
    response = post_form(
        client,
        url,
        {"kind": "basic", "date": "2025-03-01", "note": "Groep voorjaar", "add_training": ""},
        button="add_training",
        follow=True,
    )
    assert "De cursus is vastgelegd." in response.content.decode()
    response = post_form(
        client,
        url,
        {"date": TODAY.isoformat(), "summary": "Loopt goed.", "add_evaluation": ""},
        button="add_evaluation",
        follow=True,
    )
    html = response.content.decode()
    assert "De evaluatie is vastgelegd." in html
    assert "Loopt goed." in html
    assert "1 mrt 2025" in html  # dates in the locale
    assert Training.objects.get().recorded_by == regional_manager


def test_a_course_in_the_future_is_refused_and_the_input_kept(
    client, regional_manager, coordinator
):
    client.force_login(regional_manager)
    url = reverse("coordinators:record", args=[coordinator.coordinator_profile.pk])
    later = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = post_form(
        client,
        url,
        {"kind": "basic", "date": later, "note": "Nog niet gedaan", "add_training": ""},
        button="add_training",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deze datum ligt in de toekomst." in html
    assert "Nog niet gedaan" in html
    assert not Training.objects.exists()


def test_next_evaluation_before_the_evaluation_is_refused(client, regional_manager, coordinator):
    client.force_login(regional_manager)
    url = reverse("coordinators:record", args=[coordinator.coordinator_profile.pk])
    response = post_form(
        client,
        url,
        {
            "date": TODAY.isoformat(),
            "summary": "Kort.",
            "next_due": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "add_evaluation": "",
        },
        button="add_evaluation",
    )
    assert "De volgende evaluatie komt na deze." in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    "fixture", ["other_regional_manager", "other_coordinator", "referrer", "researcher"]
)
def test_others_do_not_see_a_coordinators_record(client, request, coordinator, fixture):
    client.force_login(request.getfixturevalue(fixture))
    url = reverse("coordinators:record", args=[coordinator.coordinator_profile.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "basic", "date": "2025-01-01"}).status_code == 404
    assert not Training.objects.exists()


def test_coordinator_reads_their_own_record_and_cannot_edit_it(
    client, regional_manager, coordinator
):
    c = coordinator.coordinator_profile
    training = services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.BASIC, date=TODAY
    )
    evaluation = services.evaluation_record(
        coordinator=c, actor=regional_manager, date=TODAY, summary="Sterk in gesprekken."
    )
    client.force_login(coordinator)
    # The manager's page sends them to their own, read-only page.
    response = client.get(reverse("coordinators:record", args=[c.pk]))
    assert response["Location"] == reverse("coordinators:own_record")
    html = client.get(reverse("coordinators:own_record")).content.decode()
    assert "Sterk in gesprekken." in html and "Basiscursus" in html
    assert 'name="add_training"' not in html and "opleidingen/" not in html
    # Posting anyway changes nothing.
    client.post(reverse("coordinators:record", args=[c.pk]), {"add_training": ""})
    edit = reverse("coordinators:training_edit", args=[training.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"kind": "refresher", "date": "2020-01-01"}).status_code == 404
    evaluation_edit = reverse("coordinators:evaluation_edit", args=[evaluation.pk])
    assert client.post(evaluation_edit, {"summary": "Zelf geschreven"}).status_code == 404
    assert Training.objects.get().kind == TrainingKind.BASIC
    assert Evaluation.objects.get().summary == "Sterk in gesprekken."


def test_own_record_is_for_coordinators(client, regional_manager):
    client.force_login(regional_manager)
    assert client.get(reverse("coordinators:own_record")).status_code == 403


def test_manager_edits_a_course_and_a_stale_edit_is_refused(client, regional_manager, coordinator):
    c = coordinator.coordinator_profile
    training = services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.BASIC, date=TODAY
    )
    client.force_login(regional_manager)
    url = reverse("coordinators:training_edit", args=[training.pk])
    response = post_form(
        client, url, {"kind": "refresher", "date": TODAY.isoformat(), "note": "Terugkomdag"}
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.kind, training.note, training.version) == ("refresher", "Terugkomdag", 2)
    with pytest.raises(StaleEdit):
        services.training_update(
            training=training, actor=regional_manager, version=1, kind="basic", date=TODAY
        )


def test_the_access_log_records_who_opened_a_record(client, regional_manager, coordinator):
    from auditlog.models import LogEntry

    client.force_login(regional_manager)
    client.get(reverse("coordinators:record", args=[coordinator.coordinator_profile.pk]))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == regional_manager
    assert entry.object_pk == str(coordinator.coordinator_profile.pk)


# Meetings


def test_manager_records_a_meeting_with_attendees(
    client, regional_manager, region, coordinator, other_coordinator
):
    client.force_login(regional_manager)
    url = reverse("coordinators:meetings")
    response = post_form(
        client,
        url,
        {
            "kind": MeetingKind.INTERVISION,
            "date": TODAY.isoformat(),
            "region": region.pk,
            "attendees": [coordinator.coordinator_profile.pk],
        },
        follow=True,
    )
    assert "De bijeenkomst is vastgelegd." in response.content.decode()
    meeting = Meeting.objects.get()
    assert list(meeting.attendees.all()) == [coordinator.coordinator_profile]
    client.force_login(coordinator)
    assert "Intervisie" in client.get(reverse("coordinators:own_record")).content.decode()
    client.force_login(other_coordinator)
    assert "Intervisie" not in client.get(reverse("coordinators:own_record")).content.decode()


def test_a_meeting_only_has_the_regions_coordinators(regional_manager, region, other_region):
    stranger = factories.coordinator(other_region, "C950")
    with pytest.raises(ValueError):
        services.meeting_record(
            actor=regional_manager,
            kind=MeetingKind.REGIONAL,
            date=TODAY,
            region=region,
            attendees=[stranger],
        )
    with pytest.raises(PermissionDenied):
        services.meeting_record(
            actor=regional_manager, kind=MeetingKind.REGIONAL, date=TODAY, region=other_region
        )
    assert not Meeting.objects.exists()


def test_another_regions_manager_cannot_change_a_meeting(
    client, regional_manager, other_regional_manager, region, coordinator
):
    meeting = services.meeting_record(
        actor=regional_manager,
        kind=MeetingKind.SUPERVISION,
        date=TODAY,
        region=region,
        attendees=[coordinator.coordinator_profile],
        note="Casus van maart",
    )
    client.force_login(other_regional_manager)
    url = reverse("coordinators:meeting_edit", args=[meeting.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "regional", "date": "2020-01-01"}).status_code == 404
    html = client.get(reverse("coordinators:meetings")).content.decode()
    assert "Casus van maart" not in html
    client.force_login(regional_manager)
    response = post_form(
        client, url, {"kind": MeetingKind.SUPERVISION, "date": TODAY.isoformat(), "attendees": []}
    )
    assert response.status_code == 302
    assert not meeting.attendees.exists()


# Questions to serve another region


def ask(coordinator, region, motivation="Ik woon er vlakbij."):
    return services.region_request_ask(
        coordinator=coordinator.coordinator_profile,
        actor=coordinator,
        region=region,
        motivation=motivation,
    )


def test_coordinator_asks_on_their_page(client, coordinator, other_region):
    client.force_login(coordinator)
    response = post_form(
        client,
        reverse("coordinators:own_record"),
        {"region": other_region.pk, "motivation": "Ik verhuis naar Amsterdam."},
        action=reverse("coordinators:region_request"),
        follow=True,
    )
    assert "Je vraag is verstuurd." in response.content.decode()
    asked = RegionRequest.objects.get()
    assert (asked.region, asked.status) == (other_region, RegionRequestStatus.OPEN)


def test_asking_for_a_region_they_serve_or_twice_is_refused(coordinator, region, other_region):
    with pytest.raises(TransitionError, match="Overijssel"):
        ask(coordinator, region)
    ask(coordinator, other_region)
    with pytest.raises(TransitionError, match="nog niet geantwoord|not answered"):
        ask(coordinator, other_region)
    assert RegionRequest.objects.count() == 1


def test_a_coordinator_cannot_ask_for_someone_else(coordinator, other_coordinator, other_region):
    with pytest.raises(PermissionDenied):
        services.region_request_ask(
            coordinator=other_coordinator.coordinator_profile,
            actor=coordinator,
            region=other_region,
            motivation="x",
        )


def test_only_the_asked_regions_managers_see_the_question(
    client, coordinator, other_region, regional_manager, other_regional_manager
):
    ask(coordinator, other_region)
    client.force_login(other_regional_manager)
    for page in ("home", "coordinators:pool"):
        assert "Ik woon er vlakbij." in client.get(reverse(page)).content.decode()
    client.force_login(regional_manager)
    for page in ("home", "coordinators:pool"):
        assert "Ik woon er vlakbij." not in client.get(reverse(page)).content.decode()


def test_approval_adds_the_region_and_mails_the_coordinator(
    client,
    coordinator,
    other_region,
    other_regional_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    asked = ask(coordinator, other_region)
    client.force_login(other_regional_manager)
    url = reverse("coordinators:region_request_decide", args=[asked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "approve", "next": "home"}, follow=True)
    assert "Amsterdam" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert other_region in coordinator.regions.all()
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (
        RegionRequestStatus.APPROVED,
        other_regional_manager,
    )
    (mail,) = mailoutbox
    assert mail.to == [coordinator.email]
    assert "Amsterdam" in mail.subject
    # Matching lists them there now: the other region's manager sees them in the pool.
    pool = client.get(reverse("coordinators:pool")).content.decode()
    assert coordinator.get_full_name() in pool
    # A second answer is refused and changes nothing.
    response = client.post(url, {"decision": "refuse"}, follow=True)
    assert "Deze vraag is al beantwoord." in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == RegionRequestStatus.APPROVED


def test_refusal_mails_and_adds_nothing(
    client,
    coordinator,
    other_region,
    other_regional_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    asked = ask(coordinator, other_region)
    client.force_login(other_regional_manager)
    url = reverse("coordinators:region_request_decide", args=[asked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "refuse"})
    assert other_region not in coordinator.regions.all()
    assert RegionRequest.objects.get().status == RegionRequestStatus.REFUSED
    (mail,) = mailoutbox
    assert "nee" in mail.body
    # Refused, they may ask again later.
    ask(coordinator, other_region)


@pytest.mark.parametrize("fixture", ["regional_manager", "coordinator", "other_coordinator"])
def test_others_cannot_decide(client, request, coordinator, other_region, fixture, mailoutbox):
    asked = ask(coordinator, other_region)
    client.force_login(request.getfixturevalue(fixture))
    url = reverse("coordinators:region_request_decide", args=[asked.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert RegionRequest.objects.get().status == RegionRequestStatus.OPEN
    assert other_region not in coordinator.regions.all()
    assert mailoutbox == []


def test_a_bad_decision_is_refused(client, coordinator, other_region, other_regional_manager):
    asked = ask(coordinator, other_region)
    client.force_login(other_regional_manager)
    url = reverse("coordinators:region_request_decide", args=[asked.pk])
    response = client.post(url, {"decision": "maybe"}, follow=True)
    assert "Kies goedkeuren of afwijzen." in response.content.decode()
    assert RegionRequest.objects.get().status == RegionRequestStatus.OPEN


# The pool page


def test_pool_shows_who_is_due_and_filters_them(client, regional_manager, region):
    fresh = factories.coordinator(region, "C960")
    stale = factories.coordinator(region, "C961")
    services.training_record(
        coordinator=fresh, actor=regional_manager, kind=TrainingKind.BASIC, date=TODAY
    )
    services.evaluation_record(coordinator=fresh, actor=regional_manager, date=TODAY, summary="x")
    services.training_record(
        coordinator=stale,
        actor=regional_manager,
        kind=TrainingKind.BASIC,
        date=datetime.date(2020, 5, 4),
    )
    client.force_login(regional_manager)
    html = client.get(reverse("coordinators:pool")).content.decode()
    assert "4 mei 2022" in html  # the refresher was due two years after the course
    assert "te laat" in html
    assert "1 coördinator moet een opfriscursus of evaluatie krijgen." in html
    only_due = client.get(reverse("coordinators:pool"), {"due": "on"}).content.decode()
    assert stale.user.email in only_due and fresh.user.email not in only_due


def _fill_pool(region, manager, start, n):
    for i in range(start, start + n):
        c = factories.coordinator(region, f"C{i}")
        for kind in (TrainingKind.BASIC, TrainingKind.REFRESHER):
            services.training_record(coordinator=c, actor=manager, kind=kind, date=TODAY)
        services.evaluation_record(coordinator=c, actor=manager, date=TODAY, summary="x")


def test_pool_query_count_does_not_grow_with_coordinators_or_courses(
    client, regional_manager, region, other_region, coordinator, django_assert_num_queries
):
    ask(coordinator, other_region)
    client.force_login(regional_manager)
    _fill_pool(region, regional_manager, 900, 2)
    with django_assert_num_queries(12):
        client.get(reverse("coordinators:pool"))
    _fill_pool(region, regional_manager, 910, 8)
    with django_assert_num_queries(12):
        client.get(reverse("coordinators:pool"))


def test_record_query_count_does_not_grow_with_courses(
    client, regional_manager, region, coordinator, django_assert_num_queries
):
    c = coordinator.coordinator_profile
    client.force_login(regional_manager)
    url = reverse("coordinators:record", args=[c.pk])
    services.training_record(
        coordinator=c, actor=regional_manager, kind=TrainingKind.BASIC, date=TODAY
    )
    with django_assert_num_queries(13):
        client.get(url)
    for _ in range(5):
        services.training_record(
            coordinator=c, actor=regional_manager, kind=TrainingKind.REFRESHER, date=TODAY
        )
        services.evaluation_record(coordinator=c, actor=regional_manager, date=TODAY, summary="x")
        services.meeting_record(
            actor=regional_manager,
            kind=MeetingKind.REGIONAL,
            date=TODAY,
            region=Region.objects.get(name="Overijssel"),
            attendees=[c],
        )
    with django_assert_num_queries(13):
        client.get(url)


def test_attendance_changes_are_in_the_change_history(regional_manager, region, coordinator):
    from auditlog.models import LogEntry

    from coordinators.models import Attendance

    c = coordinator.coordinator_profile
    meeting = services.meeting_record(
        actor=regional_manager, kind=MeetingKind.REGIONAL, date=TODAY, region=region, attendees=[c]
    )
    services.meeting_update(
        meeting=meeting, actor=regional_manager, version=1, kind=MeetingKind.REGIONAL, date=TODAY
    )
    kinds = LogEntry.objects.get_for_model(Attendance).values_list("action", flat=True)
    assert sorted(kinds) == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
