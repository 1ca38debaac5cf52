"""Transferring a case to another coordinator in one step: the case keeps its state,
log, network and conferences; the new coordinator accepts or declines."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conferences.services import contact_log
from coordinators import services
from coordinators.models import Assignment, ConflictOfInterest, Transfer
from referrals.lifecycle import AssignmentStatus, CaseStatus, TransferStatus
from referrals.models import Referral
from referrals.rules import visible_referrals_q
from referrals.services import TransitionError, referral_stop
from tests import factories

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
        note="Eerste gesprek met moeder",
    )
    factories.network(referral, old.user, size=3)
    referral.refresh_from_db()
    assert referral.status == CaseStatus.PREPARING
    return referral


def propose(case, new, manager, reason="Verhuist naar een andere regio"):
    return services.transfer_propose(referral=case, coordinator=new, actor=manager, reason=reason)


def test_a_transfer_keeps_the_log_the_network_and_the_state(
    case, old, new, regional_manager, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    contacts = list(case.contact_moments.values_list("pk", flat=True))
    members = list(case.network_members.values_list("pk", flat=True))
    events_before = case.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        transfer = propose(case, new, regional_manager)
    # Until the answer, nothing changes for the case and its coordinator.
    assert services.current_assignment(case).coordinator == old
    (asked,) = mailoutbox
    assert asked.to == [new.user.email] and case.reference in asked.subject
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        current = services.transfer_accept(transfer=transfer, actor=new.user)
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING
    assert current.coordinator == new and current.status == AssignmentStatus.ACCEPTED
    assert services.current_assignment(case) == current
    assert Assignment.objects.get(referral=case, coordinator=old).status == AssignmentStatus.ENDED
    assert list(case.contact_moments.values_list("pk", flat=True)) == contacts
    assert list(case.network_members.values_list("pk", flat=True)) == members
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    kinds = list(case.events.order_by("pk").values_list("kind", flat=True))[events_before:]
    assert kinds == ["transfer_proposed", "transfer_accepted"]
    # Both coordinators, the manager and the referrer are told.
    to = sorted(address for mail in mailoutbox for address in mail.to)
    assert to == sorted([old.user.email, new.user.email, regional_manager.email, referrer.email])
    to_referrer = next(m for m in mailoutbox if m.to == [referrer.email])
    assert new.user.email in to_referrer.body and new.user.get_full_name() in to_referrer.body


def test_the_new_coordinator_edits_the_case_and_the_old_one_no_longer_sees_it(
    case, old, new, regional_manager
):
    services.transfer_accept(transfer=propose(case, new, regional_manager), actor=new.user)
    assert Referral.objects.filter(visible_referrals_q(new.user), pk=case.pk).exists()
    assert not Referral.objects.filter(visible_referrals_q(old.user), pk=case.pk).exists()
    visit = {"on": timezone.localdate(), "method": "visit", "minutes": 30, "professional": "GGZ"}
    contact_log(referral=case, actor=new.user, **visit)
    with pytest.raises(PermissionDenied):
        contact_log(referral=case, actor=old.user, **visit)


def test_declining_keeps_the_coordinator_and_tells_the_manager(
    case, old, new, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    transfer = propose(case, new, regional_manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_decline(transfer=transfer, actor=new.user, note="Te vol deze maand")
    assert services.current_assignment(case).coordinator == old
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DECLINED
    (mail,) = mailoutbox
    assert mail.to == [regional_manager.email]
    assert "Te vol deze maand" in mail.body
    # Declined is answered: it cannot be accepted afterwards, and a new one may start.
    with pytest.raises(TransitionError):
        services.transfer_accept(transfer=transfer, actor=new.user)
    assert propose(case, new, regional_manager).is_open


def test_only_one_open_transfer_and_it_can_be_cancelled(
    case, new, region, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    third = factories.coordinator(region, "C103")
    transfer = propose(case, new, regional_manager)
    with pytest.raises(TransitionError, match="wacht|waiting"):
        propose(case, third, regional_manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_cancel(transfer=transfer, actor=regional_manager)
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [[new.user.email]]
    with pytest.raises(TransitionError):
        services.transfer_accept(transfer=transfer, actor=new.user)
    with pytest.raises(TransitionError):
        services.transfer_cancel(transfer=transfer, actor=regional_manager)
    assert propose(case, third, regional_manager).to_coordinator == third


def test_refused_transfers(
    case, old, new, region, regional_manager, other_regional_manager, referrer, organization
):
    # Not to the current coordinator, not to someone the matching rules out.
    with pytest.raises(TransitionError):
        propose(case, old, regional_manager)
    ruled_out = factories.coordinator(region, "C104")
    ConflictOfInterest.objects.create(
        coordinator=ruled_out, referral=case, reason="Kent de familie", recorded_by=referrer
    )
    with pytest.raises(TransitionError):
        propose(case, ruled_out, regional_manager)
    # Only the case's regional manager, and a reason is needed.
    for outsider in (other_regional_manager, referrer, old.user, new.user):
        with pytest.raises(PermissionDenied):
            propose(case, new, outsider)
    with pytest.raises(ValueError):
        propose(case, new, regional_manager, reason="  ")
    # A case without an accepted coordinator (registered, proposed) has nothing to transfer.
    registered = factories.registered(regional_manager, organization)
    with pytest.raises(TransitionError):
        propose(registered, new, regional_manager)
    services.assignment_propose(referral=registered, coordinator=old, actor=regional_manager)
    with pytest.raises(TransitionError):
        propose(registered, new, regional_manager)
    assert not Transfer.objects.exists()


def test_only_the_coordinator_asked_answers_and_only_the_manager_cancels(
    case, old, new, region, regional_manager, other_regional_manager
):
    transfer = propose(case, new, regional_manager)
    third = factories.coordinator(region, "C105")
    for someone in (old.user, third.user, regional_manager):
        with pytest.raises(PermissionDenied):
            services.transfer_accept(transfer=transfer, actor=someone)
        with pytest.raises(PermissionDenied):
            services.transfer_decline(transfer=transfer, actor=someone)
    for someone in (new.user, old.user, other_regional_manager):
        with pytest.raises(PermissionDenied):
            services.transfer_cancel(transfer=transfer, actor=someone)
    transfer.refresh_from_db()
    assert transfer.is_open


def test_withdrawing_the_coordinator_or_stopping_the_case_cancels_the_transfer(
    case, old, new, regional_manager, organization, referrer
):
    transfer = propose(case, new, regional_manager)
    services.assignment_withdraw(
        assignment=services.current_assignment(case), actor=regional_manager
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED

    other = factories.assigned(regional_manager, organization, old, referrer=referrer)
    transfer = propose(other, new, regional_manager)
    referral_stop(referral=other, actor=regional_manager, reason="family_declined")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    with pytest.raises(TransitionError):
        services.transfer_accept(transfer=transfer, actor=new.user)


def test_a_scheduled_case_is_transferred_with_its_conference(
    regional_manager, organization, old, new, referrer
):
    case, conference = factories.scheduled(regional_manager, organization, old, referrer=referrer)
    services.transfer_accept(transfer=propose(case, new, regional_manager), actor=new.user)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFERENCE_SCHEDULED
    assert list(case.conferences.all()) == [conference]
    assert services.current_assignment(case).coordinator == new


def test_a_held_conference_is_not_transferred(regional_manager, organization, old, new):
    case = factories.held(regional_manager, organization, old)
    with pytest.raises(TransitionError):
        propose(case, new, regional_manager)


def test_the_candidates_are_the_eligible_ones_without_the_current_coordinator(
    case, old, new, region
):
    full = factories.coordinator(region, "C106", max_active_cases=0)
    candidates = set(services.transfer_candidates(case))
    assert new in candidates
    assert old not in candidates and full not in candidates
