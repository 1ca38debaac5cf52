import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ekc.editing import StaleEdit
from referrals import services
from referrals.lifecycle import TRANSITIONS, CaseStatus, Transition
from referrals.models import CaseEvent, Referral, StopReason
from tests import factories

pytestmark = pytest.mark.django_db


def test_regional_manager_registers_and_gets_a_reference(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    assert referral.status == CaseStatus.REGISTERED
    assert re.fullmatch(rf"EK-{timezone.localdate().year}-\d{{4}}", referral.reference)
    assert referral.registered_at is not None
    assert referral.referred_on == timezone.localdate()
    kinds = list(referral.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["created", "register", "consent_recorded"]


def test_references_count_up_within_a_year(regional_manager, organization):
    first = factories.registered(regional_manager, organization)
    second = factories.registered(regional_manager, organization)
    n1 = int(first.reference.rsplit("-", 1)[1])
    n2 = int(second.reference.rsplit("-", 1)[1])
    assert n2 == n1 + 1


def test_referrer_submits_and_the_manager_takes_it_in(
    referrer, regional_manager, organization, mailoutbox, django_capture_on_commit_callbacks
):
    referral = factories.draft(referrer, organization)
    assert referral.referrer == referrer
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_submit(referral=referral, actor=referrer)
    assert referral.status == CaseStatus.SUBMITTED
    assert referral.reference
    assert [m.to for m in mailoutbox] == [[regional_manager.email]]
    assert "Jansen" not in mailoutbox[0].body  # no personal data in mail
    referral = services.referral_take_in(referral=referral, actor=regional_manager)
    assert referral.status == CaseStatus.REGISTERED


def test_manager_sends_back_with_reason_and_referrer_resubmits(
    referrer, regional_manager, organization, mailoutbox, django_capture_on_commit_callbacks
):
    referral = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    with pytest.raises(ValueError):
        services.referral_return(referral=referral, actor=regional_manager, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_return(
            referral=referral, actor=regional_manager, reason="De kaders ontbreken."
        )
    assert referral.status == CaseStatus.RETURNED
    assert mailoutbox[-1].to == [referrer.email]
    assert "De kaders ontbreken." in mailoutbox[-1].body
    reference = referral.reference
    referral = services.referral_submit(referral=referral, actor=referrer)
    assert referral.status == CaseStatus.SUBMITTED
    assert referral.reference == reference  # keeps its number


def test_incomplete_referral_cannot_be_registered(regional_manager, organization):
    referral = services.referral_create(
        actor=regional_manager, organization=organization, family_name="Jansen"
    )
    with pytest.raises(services.TransitionError, match="vraag"):
        services.referral_register(referral=referral, actor=regional_manager)
    referral.refresh_from_db()
    assert referral.status == CaseStatus.DRAFT
    assert referral.reference is None


def test_referrer_cannot_draft_for_another_organisation(referrer, other_organization):
    with pytest.raises(PermissionDenied):
        factories.draft(referrer, other_organization)
    assert not Referral.objects.exists()


def test_manager_cannot_register_for_another_region(other_regional_manager, organization):
    with pytest.raises(PermissionDenied):
        factories.draft(other_regional_manager, organization)


@pytest.mark.parametrize(
    "actor", ["other_regional_manager", "referrer", "coordinator", "researcher"]
)
def test_only_the_regions_manager_takes_in(request, actor, referrer, organization):
    referral = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    with pytest.raises(PermissionDenied):
        services.referral_take_in(referral=referral, actor=request.getfixturevalue(actor))
    referral.refresh_from_db()
    assert referral.status == CaseStatus.SUBMITTED


def test_take_in_refused_in_wrong_state(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    with pytest.raises(services.TransitionError):
        services.referral_take_in(referral=referral, actor=regional_manager)


def test_consent_cannot_be_in_the_future(regional_manager, organization):
    referral = factories.registered(regional_manager, organization, with_consent=False)
    with pytest.raises(ValueError):
        services.consent_record(
            referral=referral,
            actor=regional_manager,
            given_by="Moeder",
            given_on=timezone.localdate() + datetime.timedelta(days=1),
            scope="x",
        )
    assert not referral.consents.exists()


@pytest.mark.parametrize(
    "status",
    [s for s in TRANSITIONS[Transition.STOP][0] if s not in (CaseStatus.DRAFT,)],
)
def test_stop_is_possible_from_every_state_before_the_conference(
    regional_manager, organization, status
):
    referral = factories.registered(regional_manager, organization)
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    referral = services.referral_stop(
        referral=referral, actor=regional_manager, reason=StopReason.FAMILY_DECLINED, note="Nee"
    )
    assert referral.status == CaseStatus.STOPPED
    assert referral.stop_reason == "family_declined"
    event = referral.events.get(kind="stop")
    assert event.from_status == status
    assert event.details == {"reason": "family_declined", "note": "Nee"}


@pytest.mark.parametrize(
    "status", [CaseStatus.CONFERENCE_HELD, CaseStatus.PLAN_DECIDED, CaseStatus.CLOSED]
)
def test_stop_is_refused_after_the_conference(regional_manager, organization, status):
    referral = factories.registered(regional_manager, organization)
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    with pytest.raises((services.TransitionError, PermissionDenied)):
        services.referral_stop(referral=referral, actor=regional_manager, reason=StopReason.SAFETY)


def test_referrer_can_withdraw_own_organisations_case(referrer, regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    referral = services.referral_stop(
        referral=referral, actor=referrer, reason=StopReason.REFERRER_WITHDREW
    )
    assert referral.status == CaseStatus.STOPPED


def test_other_organisations_referrer_cannot_stop(other_referrer, regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    with pytest.raises(PermissionDenied):
        services.referral_stop(referral=referral, actor=other_referrer, reason="other")


def test_administrator_reopens_to_the_state_before_stopping(
    admin_user, regional_manager, organization
):
    referral = factories.registered(regional_manager, organization)
    referral = services.referral_stop(
        referral=referral, actor=regional_manager, reason=StopReason.SAFETY
    )
    with pytest.raises(ValueError):
        services.referral_reopen(referral=referral, actor=admin_user, reason="")
    referral = services.referral_reopen(
        referral=referral, actor=admin_user, reason="Familie wil toch"
    )
    assert referral.status == CaseStatus.REGISTERED
    assert referral.stop_reason == ""
    event = referral.events.get(kind="reopen")
    assert (event.from_status, event.to_status) == ("stopped", "registered")
    assert event.details["reason"] == "Familie wil toch"


def test_only_administrators_reopen(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    referral = services.referral_stop(
        referral=referral, actor=regional_manager, reason=StopReason.SAFETY
    )
    with pytest.raises(PermissionDenied):
        services.referral_reopen(referral=referral, actor=regional_manager, reason="x")


def test_open_case_cannot_be_reopened(admin_user, regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    with pytest.raises(services.TransitionError):
        services.referral_reopen(referral=referral, actor=admin_user, reason="x")


def test_every_state_change_writes_an_event_with_from_and_to(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    services.referral_stop(referral=referral, actor=regional_manager, reason="safety")
    transitions = CaseEvent.objects.filter(referral=referral).exclude(to_status="")
    pairs = [(e.from_status, e.to_status) for e in transitions.order_by("at", "pk")]
    assert pairs == [("", "draft"), ("draft", "registered"), ("registered", "stopped")]


def test_stale_edit_is_refused(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    version = referral.version
    services.referral_update(
        referral=referral, actor=regional_manager, version=version, fields={"question": "A"}
    )
    with pytest.raises(StaleEdit):
        services.referral_update(
            referral=referral, actor=regional_manager, version=version, fields={"question": "B"}
        )
    referral.refresh_from_db()
    assert referral.question == "A"


def test_registering_tells_the_other_managers_of_the_region(
    regional_manager, organization, region, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.conftest import make_user

    colleague = make_user("colleague@ekc.test", regions=[region], is_regional_manager=True)
    with django_capture_on_commit_callbacks(execute=True):
        factories.registered(regional_manager, organization)
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_rows_saved_with_the_referral_and_network_changes_are_case_events(
    regional_manager, organization
):
    referral = services.referral_create(
        actor=regional_manager,
        organization=organization,
        family_name="De Wit",
        children={
            "main_persons": [{"name": "Noor de Wit", "is_child": True}],
            "network": [{"name": "Oma", "relation": "grandparent"}],
        },
    )
    grandmother = referral.network_members.get()
    services.referral_update(
        referral=referral,
        actor=regional_manager,
        version=referral.version,
        fields={"question": "Waar kan Noor wonen?"},
        children={
            "network": [
                {"pk": grandmother.pk, "name": "Oma Jet", "relation": "grandparent"},
                {"name": "Buurvrouw", "relation": "neighbour"},
            ],
        },
    )
    neighbour = referral.network_members.get(name="Buurvrouw")
    services.referral_update(
        referral=referral,
        actor=regional_manager,
        version=Referral.objects.get(pk=referral.pk).version,
        fields={},
        children={"network": [{"pk": neighbour.pk, "delete": True}]},
    )
    assert list(referral.main_persons.values_list("name", "is_child")) == [("Noor de Wit", True)]
    assert list(referral.network_members.values_list("name", "version")) == [("Oma Jet", 2)]
    events = referral.events.filter(kind__startswith="network").order_by("pk")
    assert [(e.kind, e.actor_id, e.details) for e in events] == [
        ("network_added", regional_manager.pk, {"relation": "grandparent"}),
        ("network_changed", regional_manager.pk, {"relation": "grandparent"}),
        ("network_added", regional_manager.pk, {"relation": "neighbour"}),
        ("network_removed", regional_manager.pk, {"relation": "neighbour"}),
    ]


def test_a_row_of_another_case_is_refused_and_nothing_saved(regional_manager, organization):
    mine = factories.draft(regional_manager, organization)
    other = factories.draft(regional_manager, organization, family_name="Bakker")
    stranger = other.main_persons.get()
    with pytest.raises(PermissionDenied):
        services.referral_update(
            referral=mine,
            actor=regional_manager,
            version=mine.version,
            fields={"question": "Overgenomen"},
            children={"main_persons": [{"pk": stranger.pk, "delete": True}]},
        )
    assert other.main_persons.exists()
    mine.refresh_from_db()
    assert mine.question != "Overgenomen"


def test_a_stale_edit_saves_no_rows(regional_manager, organization):
    referral = factories.draft(regional_manager, organization)
    with pytest.raises(StaleEdit):
        services.referral_update(
            referral=referral,
            actor=regional_manager,
            version=referral.version + 1,
            fields={},
            children={"network": [{"name": "Oom", "relation": "other_family"}]},
        )
    assert not referral.network_members.exists()
