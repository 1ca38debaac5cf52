"""The pages and buttons of a transfer: the manager's page, the coordinator's answer
on the home page, cancelling on the case page; unhappy paths and query counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conferences.services import contact_log
from coordinators import services
from coordinators.models import Transfer
from referrals.lifecycle import CaseStatus, TransferStatus
from tests import factories
from tests.forms import hidden_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(coordinator):
    return coordinator.coordinator_profile


@pytest.fixture
def new(other_coordinator):
    return other_coordinator.coordinator_profile


@pytest.fixture
def case(regional_manager, organization, old, referrer):
    referral = factories.assigned(regional_manager, organization, old, referrer=referrer)
    contact_log(
        referral=referral,
        actor=old.user,
        on=timezone.localdate(),
        method="phone",
        minutes=20,
        professional="Wijkteam",
    )
    referral.refresh_from_db()
    return referral


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_manager_transfers_from_the_case_page(client, case, old, new, regional_manager):
    client.force_login(regional_manager)
    detail = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    url = reverse("coordinators:transfer", args=[case.pk])
    assert f'href="{url}"' in detail
    page = client.get(url)
    assert page.status_code == 200
    codes = [c.coordinator.code for c in page.context["candidates"]]
    assert codes == [new.code]  # the current coordinator is no candidate
    # Without a reason: a Dutch error, and the choice stays.
    response = client.post(url, {**hidden_fields(page, url), "coordinator": new.pk, "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zeg waarom de zaak een andere coördinator krijgt." in html
    assert f'value="{new.pk}" checked' in html
    assert not Transfer.objects.exists()
    response = client.post(
        url, {**hidden_fields(response, url), "coordinator": new.pk, "reason": "Verhuizing"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.to_coordinator == new and transfer.is_open
    detail = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert new.user.get_full_name() in detail
    assert reverse("coordinators:transfer_cancel", args=[transfer.pk]) in detail
    assert f'href="{url}"' not in detail  # one open transfer at a time
    # Cancelling from the case page.
    response = client.post(reverse("coordinators:transfer_cancel", args=[transfer.pk]))
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    # Again: no harm, a message.
    response = client.post(reverse("coordinators:transfer_cancel", args=[transfer.pk]))
    assert response.status_code == 302
    assert any("al geantwoord" in m for m in _messages(response))


def test_a_choice_outside_the_candidates_is_refused(client, case, old, new, regional_manager):
    client.force_login(regional_manager)
    url = reverse("coordinators:transfer", args=[case.pk])
    page = client.get(url)
    response = client.post(
        url, {**hidden_fields(page, url), "coordinator": old.pk, "reason": "Verhuizing"}
    )
    assert response.status_code == 200
    assert not Transfer.objects.exists()


def test_the_coordinator_asked_answers_on_the_home_page(
    client, case, old, new, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    transfer = services.transfer_propose(
        referral=case, coordinator=new, actor=regional_manager, reason="Verhuizing"
    )
    client.force_login(new.user)
    home = client.get(reverse("home")).content.decode()
    assert case.reference in home and "Verhuizing" in home
    assert reverse("coordinators:transfer_accept", args=[transfer.pk]) in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coordinators:transfer_accept", args=[transfer.pk]))
    assert response["Location"] == reverse("referrals:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING
    assert services.current_assignment(case).coordinator == new
    assert len(mailoutbox) == 4
    # A repeated POST does no harm.
    response = client.post(reverse("coordinators:transfer_accept", args=[transfer.pk]))
    assert response.status_code == 302
    assert services.current_assignment(case).coordinator == new
    # The old coordinator no longer reaches the case.
    client.force_login(old.user)
    assert client.get(reverse("referrals:detail", args=[case.pk])).status_code == 404


def test_declining_with_a_note(client, case, old, new, regional_manager):
    transfer = services.transfer_propose(
        referral=case, coordinator=new, actor=regional_manager, reason="Verhuizing"
    )
    client.force_login(new.user)
    response = client.post(
        reverse("coordinators:transfer_decline", args=[transfer.pk]), {"note": "Te vol"}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED and transfer.answer_note == "Te vol"
    assert services.current_assignment(case).coordinator == old


def test_only_the_coordinator_asked_answers_and_outsiders_get_nothing(
    client, case, old, new, regional_manager, other_regional_manager, referrer
):
    transfer = services.transfer_propose(
        referral=case, coordinator=new, actor=regional_manager, reason="Verhuizing"
    )
    for someone in (old.user, regional_manager, referrer, other_regional_manager):
        client.force_login(someone)
        for name in ("coordinators:transfer_accept", "coordinators:transfer_decline"):
            assert client.post(reverse(name, args=[transfer.pk])).status_code == 404
    for someone in (new.user, other_regional_manager):
        client.force_login(someone)
        response = client.post(reverse("coordinators:transfer_cancel", args=[transfer.pk]))
        assert response.status_code in (403, 404)
        assert client.get(reverse("coordinators:transfer", args=[case.pk])).status_code in (
            403,
            404,
        )
    transfer.refresh_from_db()
    assert transfer.is_open


def test_transfer_page_query_count_does_not_grow(
    client, case, region, regional_manager, django_assert_num_queries
):
    client.force_login(regional_manager)
    url = reverse("coordinators:transfer", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(14):
        client.get(url)
    for i in range(15):
        factories.coordinator(region, f"C7{i:02}")
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["candidates"]) == 15


def test_case_page_with_a_transfer_query_count_does_not_grow(
    client, case, new, regional_manager, django_assert_num_queries
):
    services.transfer_propose(
        referral=case, coordinator=new, actor=regional_manager, reason="Verhuizing"
    )
    client.force_login(regional_manager)
    url = reverse("referrals:detail", args=[case.pk])
    client.get(url)
    with django_assert_num_queries(21):
        client.get(url)
    factories.network(case, case.assignments.get(status="accepted").coordinator.user, size=10)
    with django_assert_num_queries(21):
        client.get(url)


def test_home_with_transfers_query_count_does_not_grow(
    client, regional_manager, organization, old, new, django_assert_num_queries
):
    old.max_active_cases = new.max_active_cases = 20
    old.save()
    new.save()

    def asked():
        referral = factories.assigned(regional_manager, organization, old)
        services.transfer_propose(
            referral=referral, coordinator=new, actor=regional_manager, reason="Verhuizing"
        )

    asked()
    client.force_login(new.user)
    client.get(reverse("home"))
    with django_assert_num_queries(14):
        client.get(reverse("home"))
    for _ in range(5):
        asked()
    with django_assert_num_queries(14):
        response = client.get(reverse("home"))
    assert len(response.context["work"]["transfers"]) == 6


def test_a_transfer_still_open_when_the_conference_is_held_is_no_longer_offered(
    client, regional_manager, organization, old, new
):
    import datetime

    from conferences.services import conference_hold

    case, conference = factories.scheduled(regional_manager, organization, old)
    transfer = services.transfer_propose(
        referral=case, coordinator=new, actor=regional_manager, reason="Verhuizing"
    )
    conference_hold(
        conference=conference,
        actor=old.user,
        held_on=timezone.localdate(),
        phases={
            "information_start": datetime.time(10, 0),
            "information_end": datetime.time(10, 40),
            "private_time_start": datetime.time(10, 50),
            "private_time_end": datetime.time(12, 20),
            "presentation_start": datetime.time(12, 30),
            "presentation_end": datetime.time(13, 5),
        },
        attendance={},
    )
    client.force_login(new.user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("coordinators:transfer_accept", args=[transfer.pk]) not in home
    client.post(reverse("coordinators:transfer_accept", args=[transfer.pk]))
    assert services.current_assignment(case).coordinator == old
    client.force_login(regional_manager)
    detail = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert reverse("coordinators:transfer_cancel", args=[transfer.pk]) not in detail
