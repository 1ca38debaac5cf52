import pytest
from django.urls import reverse

from conferences import services
from conferences.models import Conference
from tests import factories
from tests.forms import form_fields, hidden_fields, post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled_case(regional_manager, organization, coordinator, referrer):
    referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    factories.network(referral, coordinator, size=3)
    member = referral.network_members.last()
    services.member_save(
        referral=referral,
        actor=coordinator,
        member=member,
        version=member.version,
        safety_note="Niet samen met vader uitnodigen",
    )
    return referral, conference


PREPARATION_ACCESS = {
    "coordinator": 200,
    "regional_manager": 200,
    "admin_user": 200,
    "other_coordinator": 404,
    "other_regional_manager": 404,
    "referrer": 403,
    "liaison": 403,
    "researcher": 404,
    "other_referrer": 404,
}


@pytest.mark.parametrize(("fixture", "expected"), PREPARATION_ACCESS.items())
def test_preparation_page_access(client, request, scheduled_case, fixture, expected):
    referral, _conference = scheduled_case
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("conferences:preparation", args=[referral.pk]))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        # Safety notes and contact details: the coordinator and the regional manager only.
        shown = fixture in ("coordinator", "regional_manager")
        assert ("Niet samen met vader uitnodigen" in html) is shown
        assert ("06-00000000" in html) is shown
        assert "Lid 0" in html


def test_referrer_sees_the_schedule_but_not_safety_notes_or_contacts(
    client, scheduled_case, referrer
):
    referral, conference = scheduled_case
    client.force_login(referrer)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Kerkweg 1, Zwolle" in html
    assert "Niet samen met vader uitnodigen" not in html
    assert "06-0000000" not in html
    response = client.get(reverse("conferences:ics", args=[conference.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and referral.reference in body
    assert referral.family_name not in body  # no family name in calendars


@pytest.mark.parametrize("fixture", ["researcher", "other_coordinator", "other_referrer"])
def test_outsiders_get_no_calendar_file(client, request, scheduled_case, fixture):
    _referral, conference = scheduled_case
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("conferences:ics", args=[conference.pk])).status_code == 404


def test_coordinator_logs_a_contact_and_bad_input_keeps_the_form(
    client, scheduled_case, coordinator
):
    referral, _conference = scheduled_case
    client.force_login(coordinator)
    url = reverse("conferences:contact_add", args=[referral.pk])
    page = reverse("conferences:preparation", args=[referral.pk])
    response = client.post(
        url,
        {
            **form_fields(client, page, url),
            **{"on": "2026-11-20", "method": "phone", "minutes": "", "note": "Bellen met oma"},
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bellen met oma" in html
    assert "Kies iemand uit het netwerk, of vul een professional in." in html
    member = referral.network_members.first()
    # The form shown again sends its (still unused) token with the corrected input.
    client.post(
        url,
        {
            **hidden_fields(response, url),
            **{"on": "2026-11-20", "method": "phone", "minutes": "20", "member": member.pk},
        },
    )
    assert referral.contact_moments.count() == 1


def test_excluding_through_the_quick_select_asks_for_a_reason(client, scheduled_case, coordinator):
    referral, _conference = scheduled_case
    member = referral.network_members.first()
    client.force_login(coordinator)
    response = post_form(
        client,
        reverse("conferences:preparation", args=[referral.pk]),
        {"invitation": "excluded"},
        action=reverse("conferences:invitation_set", args=[referral.pk, member.pk]),
    )
    assert response["Location"] == reverse("conferences:member_edit", args=[referral.pk, member.pk])
    member.refresh_from_db()
    assert member.invitation == "to_invite"
    response = post_form(
        client,
        reverse("conferences:member_edit", args=[referral.pk, member.pk]),
        {
            "name": member.name,
            "relation": member.relation,
            "age_group": "adult",
            "invitation": "excluded",
        },
    )
    assert "Schrijf op waarom je deze persoon uitsluit." in response.content.decode()


def test_conference_day_form(client, scheduled_case, coordinator):
    referral, conference = scheduled_case
    client.force_login(coordinator)
    url = reverse("conferences:day", args=[conference.pk])
    page = client.get(url)
    assert "Besloten deel" in page.content.decode()
    members = list(referral.network_members.all())
    data = {
        "held_on": "2026-11-20",
        "information_start": "19:00",
        "information_end": "19:45",
        "private_time_start": "20:00",
        "private_time_end": "19:30",
        "presentation_start": "21:30",
        "presentation_end": "22:00",
        **{f"attendance_{m.pk}": "attended" for m in members},
    }
    bad = client.post(url, data)
    assert "Deze tijd ligt voor de tijd erboven." in bad.content.decode()
    data["private_time_end"] = "21:15"
    client.post(url, data)
    conference.refresh_from_db()
    assert conference.duration_minutes == 180
    assert conference.participants.filter(attendance="attended").count() == len(members)


def test_private_time_offers_no_professionals(client, scheduled_case, coordinator):
    _referral, conference = scheduled_case
    client.force_login(coordinator)
    form = client.get(reverse("conferences:day", args=[conference.pk])).context["form"]
    assert [name for name in form.fields if "private" in name] == [
        "private_time_start",
        "private_time_end",
    ]


def test_preparation_page_query_count_does_not_grow_with_the_network(
    client, scheduled_case, coordinator, django_assert_num_queries
):
    referral, _conference = scheduled_case
    factories.network(referral, coordinator, size=2)  # 5 in all
    client.force_login(coordinator)
    url = reverse("conferences:preparation", args=[referral.pk])
    client.get(url)
    with django_assert_num_queries(25):
        client.get(url)
    factories.network(referral, coordinator, size=20)  # 25 in all
    member = referral.network_members.first()
    for _ in range(10):
        services.contact_log(
            referral=referral,
            actor=coordinator,
            on=referral.registered_at.date(),
            method="visit",
            minutes=30,
            member=member,
        )
    with django_assert_num_queries(25):
        response = client.get(url)
    assert len(response.context["members"]) == 25


def test_drawing_shows_everyone_and_escapes_names(client, scheduled_case, coordinator):
    referral, _conference = scheduled_case
    services.member_save(
        referral=referral, actor=coordinator, name="<script>x</script>", relation="friend"
    )
    client.force_login(coordinator)
    html = client.get(reverse("conferences:preparation", args=[referral.pk])).content.decode()
    assert "<script>x</script>" not in html
    assert "4 mensen" in html or "4 people" in html


def test_schedule_page_for_case_without_accepted_coordinator_redirects(
    client, regional_manager, organization, coordinator
):
    referral = factories.registered(regional_manager, organization)
    client.force_login(coordinator)
    assert client.get(reverse("conferences:schedule", args=[referral.pk])).status_code == 404
    assert not Conference.objects.exists()


def test_coordinator_moves_the_conference_and_the_referrer_hears(
    client, scheduled_case, coordinator, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    _referral, conference = scheduled_case
    client.force_login(coordinator)
    url = reverse("conferences:change", args=[conference.pk])
    page = client.get(url)
    assert page.context["form"]["address"].value() == "Kerkweg 1, Zwolle"
    with django_capture_on_commit_callbacks(execute=True):
        post_form(
            client,
            url,
            {
                "kind": "family_group",
                "date": "2026-12-12",
                "time": "14:30",
                "location_type": "community_centre",
                "address": "Buurthuis De Kern",
            },
        )
    conference.refresh_from_db()
    assert conference.address == "Buurthuis De Kern"
    assert [m.to for m in mailoutbox] == [[referrer.email]]
    assert "12 december 2026, 14:30" in mailoutbox[0].body
