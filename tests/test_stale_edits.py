"""Two saves of one record, each from a form read before the other was saved.

The second is refused: nothing of it is written, the form comes back with its
input and a Dutch explanation, and saving again from there is a deliberate choice.
(Two tabs, or a phone and a laptop, of the same person; or two people.)
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services as conference_services
from coordinators.models import Coordinator
from plans import services as plan_services
from tests import factories
from tests.forms import form_fields, hidden_fields

pytestmark = pytest.mark.django_db

STALE = "Iemand anders heeft dit intussen veranderd"


def _plan_data(page, url, contingency, what):
    return {
        **hidden_fields(page, url),
        "written_language": "nl",
        "contingency": contingency,
        "reconvene": "Iedereen",
        "contact_person": "Tante",
        "agreements-TOTAL_FORMS": "1",
        "agreements-INITIAL_FORMS": "0",
        "agreements-0-what": what,
        "agreements-0-who": "Oma",
        "agreements-0-life_domain": "upbringing",
        "agreements-0-carried_by": "network",
        "dates-TOTAL_FORMS": "0",
        "dates-INITIAL_FORMS": "0",
        "save": "1",
    }


def test_two_saves_of_one_plan_draft_the_second_is_refused_and_keeps_its_input(
    client, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = plan_services.plan_start(referral=referral, actor=coordinator)
    client.force_login(coordinator)
    url = reverse("plans:edit", args=[plan.pk])
    laptop, phone = client.get(url), client.get(url)

    first = client.post(url, _plan_data(laptop, url, "Tante vangt op", "Oma kookt op maandag"))
    assert first.status_code == 302
    second = client.post(url, _plan_data(phone, url, "Buurvrouw vangt op", "Opa haalt op"))

    assert second.status_code == 200
    html = second.content.decode()
    assert STALE in html
    assert "Buurvrouw vangt op" in html and "Opa haalt op" in html  # the input is kept
    assert reverse("plans:plan", args=[referral.pk]) in html  # what is saved now
    plan.refresh_from_db()
    assert plan.contingency == "Tante vangt op"  # nothing overwritten
    assert list(plan.agreements.values_list("what", flat=True)) == ["Oma kookt op maandag"]

    # Saving the form shown again is a deliberate choice: it wins now.
    again = client.post(url, _plan_data(second, url, "Buurvrouw vangt op", "Opa haalt op"))
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.contingency == "Buurvrouw vangt op"


def test_a_refused_plan_save_stores_no_scan(client, regional_manager, organization, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = plan_services.plan_start(referral=referral, actor=coordinator)
    client.force_login(coordinator)
    url = reverse("plans:edit", args=[plan.pk])
    laptop, phone = client.get(url), client.get(url)
    client.post(url, _plan_data(laptop, url, "Tante vangt op", "Oma kookt"))
    from tests.plans.test_views import PNG  # a real PNG: scans are opened, not sniffed

    scan = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    response = client.post(url, {**_plan_data(phone, url, "Anders", "Anders"), "scan": scan})
    assert STALE in response.content.decode()
    plan.refresh_from_db()
    assert not plan.scan


def _change_data(page, url, day, address):
    return {
        **hidden_fields(page, url),
        "kind": "family_group",
        "date": day,
        "time": "14:30",
        "location_type": "community_centre",
        "address": address,
    }


def test_two_changes_of_one_conference_the_second_is_refused_and_one_notice_goes(
    client,
    regional_manager,
    organization,
    coordinator,
    referrer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    _referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    mailoutbox.clear()
    client.force_login(coordinator)
    url = reverse("conferences:change", args=[conference.pk])
    laptop, phone = client.get(url), client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, _change_data(laptop, url, "2026-12-12", "Buurthuis De Kern"))
        second = client.post(url, _change_data(phone, url, "2026-12-19", "Moskee Zwolle"))

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert STALE in html
    assert 'value="Moskee Zwolle"' in html and 'value="2026-12-19"' in html
    conference.refresh_from_db()
    assert conference.address == "Buurthuis De Kern"
    assert timezone.localtime(conference.starts_at).date() == datetime.date(2026, 12, 12)
    # One notice to the referrer: of the change that won.
    assert [m.to for m in mailoutbox] == [[referrer.email]]
    assert "12 december 2026" in mailoutbox[0].body


@pytest.fixture
def case(regional_manager, organization, coordinator):
    return factories.assigned(regional_manager, organization, coordinator.coordinator_profile)


def test_two_edits_of_one_network_member_the_second_is_refused(client, case, coordinator):
    member = conference_services.member_save(
        referral=case, actor=coordinator, name="Oom Piet", relation="other_family"
    )
    client.force_login(coordinator)
    url = reverse("conferences:member_edit", args=[case.pk, member.pk])
    laptop, phone = client.get(url), client.get(url)
    base = {"relation": "other_family", "age_group": "adult", "invitation": "to_invite"}
    first = client.post(url, {**hidden_fields(laptop, url), **base, "name": "Oom Peter"})
    assert first.status_code == 302
    second = client.post(url, {**hidden_fields(phone, url), **base, "name": "Ome Piet"})
    assert STALE in second.content.decode()
    assert 'value="Ome Piet"' in second.content.decode()
    member.refresh_from_db()
    assert member.name == "Oom Peter"


def test_a_list_save_over_a_changed_member_is_refused_and_saves_nobody(client, case, coordinator):
    member = conference_services.member_save(
        referral=case, actor=coordinator, name="Oom Piet", relation="other_family"
    )
    aunt = conference_services.member_save(
        referral=case, actor=coordinator, name="Tante Esra", relation="other_family"
    )
    client.force_login(coordinator)
    preparation = reverse("conferences:preparation", args=[case.pk])
    save = reverse("conferences:invitations_save", args=[case.pk])
    fields = form_fields(client, preparation, save)
    # Meanwhile the person is excluded, with a reason, on the full form.
    conference_services.member_save(
        referral=case,
        actor=coordinator,
        member=member,
        version=member.version,
        invitation="excluded",
        exclusion_reason="Dreigde de moeder",
    )
    choices = {f"invitation_{member.pk}": "invited", f"invitation_{aunt.pk}": "confirmed"}
    response = client.post(save, {**fields, **choices})
    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert "Dreigde de moeder" in html  # what is saved now
    assert 'value="invited" selected' in html  # the choices just made
    assert 'value="confirmed" selected' in html
    member.refresh_from_db()
    aunt.refresh_from_db()
    assert (member.invitation, member.exclusion_reason) == ("excluded", "Dreigde de moeder")
    assert aunt.invitation == "to_invite"  # all or nothing
    # Sending the form shown again is a deliberate choice: it now saves.
    again = client.post(save, {**hidden_fields(response, save), **choices})
    assert again.status_code == 302
    member.refresh_from_db()
    assert member.invitation == "invited"


def test_a_stale_profile_save_is_refused(client, coordinator):
    client.force_login(coordinator)
    url = reverse("coordinators:availability")
    laptop, phone = form_fields(client, url), form_fields(client, url)
    profile = {"save_profile": "1", "languages": ["nl"]}
    assert client.post(url, {**laptop, **profile, "max_active_cases": "1"}).status_code == 302
    response = client.post(url, {**phone, **profile, "max_active_cases": "4"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert Coordinator.objects.get(user=coordinator).max_active_cases == 1


def test_an_administrators_change_moves_the_profile_version_on(client, admin_user, coordinator):
    profile = Coordinator.objects.get(user=coordinator)
    client.force_login(admin_user)
    url = reverse("admin:coordinators_coordinator_change", args=[profile.pk])
    page = client.get(url)
    assert "version" not in page.context["adminform"].form.fields
    response = client.post(
        url,
        {
            "user": coordinator.pk,
            "code": profile.code,
            "languages": '["nl"]',
            "max_active_cases": "1",
            "occasions": "[]",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Coordinator.objects.get(pk=profile.pk).version == profile.version + 1


def test_two_records_of_help_started_the_second_is_refused(client, referrer, liaison, plan):
    plan_services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    agreement = plan.agreements.get(carried_by="professional")
    page_url = reverse("plans:plan", args=[plan.referral_id])
    url = reverse("plans:help", args=[agreement.pk])
    client.force_login(referrer)
    referrers = form_fields(client, page_url, url)
    client.force_login(liaison)
    liaisons = form_fields(client, page_url, url)
    today = timezone.localdate()
    assert client.post(url, {**liaisons, "started_on": str(today)}).status_code == 302
    client.force_login(referrer)
    response = client.post(url, {**referrers, "not_started_note": "Wachtlijst tot maart"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert "Wachtlijst tot maart" in response.content.decode()
    agreement.refresh_from_db()
    assert (agreement.help_started_on, agreement.help_not_started_note) == (today, "")


@pytest.fixture
def plan(regional_manager, organization, coordinator, referrer):
    return factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


def test_an_edit_form_without_its_version_is_refused_and_keeps_the_input(client, case, coordinator):
    member = conference_services.member_save(
        referral=case, actor=coordinator, name="Oom Piet", relation="other_family"
    )
    client.force_login(coordinator)
    url = reverse("conferences:member_edit", args=[case.pk, member.pk])
    response = client.post(
        url,
        {
            "name": "Ome Piet",
            "relation": "other_family",
            "age_group": "adult",
            "invitation": "to_invite",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit formulier is verouderd." in html
    assert 'value="Ome Piet"' in html
    member.refresh_from_db()
    assert member.name == "Oom Piet"
