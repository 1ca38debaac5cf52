import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from conferences import services
from conferences.drawing import legend, network_svg
from conferences.models import Conference
from referrals.services import TransitionError
from tests import factories
from tests.forms import form_fields, hidden_fields, post_form

pytestmark = pytest.mark.django_db
PHASES = {
    "information_start": datetime.time(10, 0),
    "information_end": datetime.time(10, 40),
    "private_time_start": datetime.time(10, 50),
    "private_time_end": datetime.time(12, 20),
    "presentation_start": datetime.time(12, 30),
    "presentation_end": datetime.time(13, 5),
}


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


def _choices(members, **by_name):
    return {f"invitation_{m.pk}": by_name.get(m.name, m.invitation) for m in members}


def test_one_save_sets_the_invitations_of_the_whole_network(client, scheduled_case, coordinator):
    referral, _conference = scheduled_case
    members = list(referral.network_members.all())
    client.force_login(coordinator)
    page = reverse("conferences:preparation", args=[referral.pk])
    html = client.get(page).content.decode()
    # One form, one button, however many people.
    assert html.count(reverse("conferences:invitations_save", args=[referral.pk])) == 1
    assert html.count("Uitnodigingen opslaan") == 1
    response = post_form(
        client,
        page,
        _choices(members, **{"Lid 0": "invited", "Lid 1": "confirmed"}),
        action=reverse("conferences:invitations_save", args=[referral.pk]),
    )
    assert response.status_code == 302
    saved = {m.name: (m.invitation, m.version) for m in referral.network_members.all()}
    assert saved["Lid 0"] == ("invited", 2)
    assert saved["Lid 1"] == ("confirmed", 2)
    assert saved["Lid 2"] == ("to_invite", 2)  # its safety note moved it on; untouched now
    assert "2 uitnodigingen opgeslagen." in client.get(page).content.decode()
    events = referral.events.filter(kind="invitations_changed")
    assert events.count() == 1


def test_excluding_in_the_list_asks_for_a_reason_and_saves_nothing(
    client, scheduled_case, coordinator
):
    referral, _conference = scheduled_case
    members = list(referral.network_members.all())
    client.force_login(coordinator)
    response = post_form(
        client,
        reverse("conferences:preparation", args=[referral.pk]),
        _choices(members, **{"Lid 0": "confirmed", "Lid 1": "excluded"}),
        action=reverse("conferences:invitations_save", args=[referral.pk]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wil je iemand uitsluiten? Schrijf op waarom" in html
    assert 'value="confirmed" selected' in html  # the other choice is kept
    assert 'value="excluded" selected' in html
    assert set(referral.network_members.values_list("invitation", flat=True)) == {"to_invite"}
    response = post_form(
        client,
        reverse("conferences:member_edit", args=[referral.pk, members[1].pk]),
        {
            "name": members[1].name,
            "relation": members[1].relation,
            "age_group": "adult",
            "invitation": "excluded",
        },
    )
    assert "Schrijf op waarom je deze persoon uitsluit." in response.content.decode()


def test_a_list_save_without_its_versions_is_out_of_date_and_saves_nothing(
    client, scheduled_case, coordinator
):
    referral, _conference = scheduled_case
    members = list(referral.network_members.all())
    client.force_login(coordinator)
    url = reverse("conferences:invitations_save", args=[referral.pk])
    response = client.post(url, _choices(members, **{"Lid 0": "invited"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit formulier is verouderd" in html
    assert 'value="invited" selected' in html
    assert not referral.network_members.filter(invitation="invited").exists()


def test_a_list_save_of_another_case_is_not_found(client, scheduled_case, other_coordinator):
    referral, _conference = scheduled_case
    client.force_login(other_coordinator)
    member = referral.network_members.first()
    url = reverse("conferences:invitations_save", args=[referral.pk])
    response = client.post(url, {f"invitation_{member.pk}": "invited", f"version_{member.pk}": 1})
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.invitation == "to_invite"


# The session, the user, the case and its rules, the network, then one version
# UPDATE, one invitation UPDATE and one event, for any number of people.
QUERIES_OF_ONE_LIST_SAVE = 17


@pytest.mark.parametrize("size", [3, 12])
def test_one_save_of_the_list_takes_the_same_queries_for_any_network(
    client, regional_manager, organization, coordinator, django_assert_num_queries, size
):
    referral, _conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    members = factories.network(referral, coordinator, size=size)
    client.force_login(coordinator)
    page = reverse("conferences:preparation", args=[referral.pk])
    url = reverse("conferences:invitations_save", args=[referral.pk])
    data = {**form_fields(client, page, url), **{f"invitation_{m.pk}": "invited" for m in members}}
    with django_assert_num_queries(QUERIES_OF_ONE_LIST_SAVE):
        response = client.post(url, data)
    assert response.status_code == 302
    assert referral.network_members.filter(invitation="invited", version=2).count() == size


def test_after_the_conference_people_show_whether_they_came_not_their_invitation(
    client, regional_manager, organization, coordinator
):
    referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    came, stayed_away = factories.network(referral, coordinator, size=2)
    services.invitations_save(
        referral=referral,
        actor=coordinator,
        invitations={came.pk: (1, "confirmed"), stayed_away.pk: (1, "invited")},
    )
    client.force_login(coordinator)
    page = reverse("conferences:preparation", args=[referral.pk])
    assert "Uitnodigingen opslaan" in client.get(page).content.decode()
    services.conference_hold(
        conference=conference,
        actor=coordinator,
        held_on=timezone.localdate(),
        phases=PHASES,
        attendance={came.pk: "attended", stayed_away.pk: "absent"},
    )
    html = client.get(page).content.decode()
    assert "Uitnodigingen opslaan" not in html
    assert 'name="invitation_' not in html
    assert "Kwam niet" in html and "Kwam" in html
    assert "Uitgenodigd</span>" not in html  # the invitation is no longer the status
    assert "Kwam niet: <strong>1</strong>" in html  # the legend counts who came
    # The rules say the invitations are over: the service and the full form agree.
    url = reverse("conferences:invitations_save", args=[referral.pk])
    response = client.post(
        url, {f"invitation_{stayed_away.pk}": "confirmed", f"version_{stayed_away.pk}": 2}
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "De conferentie is geweest" in messages[0]
    stayed_away.refresh_from_db()
    assert stayed_away.invitation == "invited"
    edit = client.get(reverse("conferences:member_edit", args=[referral.pk, stayed_away.pk]))
    assert "Uitnodiging" not in edit.content.decode()
    with pytest.raises(TransitionError):
        services.member_save(
            referral=referral,
            actor=coordinator,
            member=stayed_away,
            version=stayed_away.version,
            invitation="confirmed",
        )
    # A follow-up is scheduled: inviting is open again, last time's attendance beside it.
    services.conference_schedule(
        referral=referral,
        actor=coordinator,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        location_type="office",
    )
    html = client.get(page).content.decode()
    assert "Uitnodigingen opslaan" in html
    assert "Vorige conferentie: Kwam niet" in html


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
    # 28: the page also asks whether the surveys may be sent (one rule, one query);
    # 31 with the notes between manager and coordinator (who may see them, the
    # notes, whether she may ask advice).
    with django_assert_num_queries(31):
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
    with django_assert_num_queries(31):
        response = client.get(url)
    assert len(response.context["network"]) == 25


def test_drawing_shows_everyone_and_escapes_names(client, scheduled_case, coordinator):
    referral, _conference = scheduled_case
    services.member_save(
        referral=referral, actor=coordinator, name="<script>x</script>", relation="friend"
    )
    client.force_login(coordinator)
    html = client.get(reverse("conferences:preparation", args=[referral.pk])).content.decode()
    assert "<script>x</script>" not in html
    assert "4 mensen" in html or "4 people" in html


def test_on_a_phone_the_network_is_a_list_of_full_names_and_the_drawing_an_extra(
    client, scheduled_case, coordinator
):
    referral, _conference = scheduled_case
    services.member_save(
        referral=referral, actor=coordinator, name="Fatma Aydın", relation="grandparent"
    )
    client.force_login(coordinator)
    html = client.get(reverse("conferences:preparation", args=[referral.pk])).content.decode()
    listed, drawn = html.index(">Fatma Aydın</a>"), html.index("<svg")
    assert listed < drawn  # the list first
    # The drawing sits behind a tap, in a box that scrolls sideways on a phone.
    assert html.rindex("<details", 0, drawn) > html.rindex("</details>", 0, drawn)
    assert 'class="network-scroll' in html[html.rindex("<div", 0, drawn) : drawn]
    # In the drawing, first name and surname on lines of their own, not cut off.
    assert ">Fatma</text>" in html and ">Aydın</text>" in html
    assert "Fatma Ayd…" not in html
    assert "<title>Fatma Aydın: Nog uitnodigen</title>" in html


def test_after_the_conference_the_drawing_shows_who_came(
    regional_manager, organization, coordinator
):
    referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    (member,) = factories.network(referral, coordinator, size=1)
    services.conference_hold(
        conference=conference,
        actor=coordinator,
        held_on=timezone.localdate(),
        phases=PHASES,
        attendance={member.pk: "absent"},
    )
    members = list(referral.network_members.all())
    with translation.override("nl"):
        svg = network_svg(referral, members, attendance={member.pk: "absent"})
    assert "<title>Lid 0: Kwam niet</title>" in svg
    counts = {
        item["code"]: item["count"] for item in legend(members, attendance={member.pk: "absent"})
    }
    assert counts["absent"] == 1 and counts["attended"] == 0


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


def _schedule_post(**professional):
    data = {
        "kind": "family_group",
        "date": str(timezone.localdate() + datetime.timedelta(days=14)),
        "time": "19:00",
        "location_type": "family_home",
        "address": "Kerkweg 1, Zwolle",
        "professionals-TOTAL_FORMS": "1",
        "professionals-INITIAL_FORMS": "0",
    }
    data.update({f"professionals-0-{key}": value for key, value in professional.items()})
    return data


def test_an_informing_professional_is_scheduled_with_an_email_and_listed_with_it(
    client, regional_manager, organization, coordinator
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    url = reverse("conferences:schedule", args=[referral.pk])
    response = client.post(
        url,
        {
            **form_fields(client, url, url),
            **_schedule_post(name="Karin de Jong", organization="Wijkteam", email="karin@"),
        },
    )
    # A bad address is a Dutch field error, and the rest of the form stays.
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voer een geldig e-mailadres in." in html
    assert "Kerkweg 1, Zwolle" in html and "Karin de Jong" in html
    assert not Conference.objects.filter(referral=referral).exists()
    response = client.post(
        url,
        {
            **hidden_fields(response, url),
            **_schedule_post(name="Karin de Jong", organization="Wijkteam", email="karin@wt.nl"),
        },
    )
    assert response.status_code == 302
    (professional,) = Conference.objects.get(referral=referral).professionals.all()
    assert professional.email == "karin@wt.nl"
    page = client.get(reverse("conferences:preparation", args=[referral.pk])).content.decode()
    assert 'href="mailto:karin@wt.nl"' in page
