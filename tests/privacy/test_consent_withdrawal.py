"""Consent withdrawn (issue 15): before the conference the case stops with the stop
reason ``consent_withdrawn``; after it the case is closed and the follow-up ends.
Either way open proposals and survey links end, and the coordinator and the
referrer are told."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from coordinators.models import Assignment
from coordinators.services import assignment_propose
from ekc.rules import allowed
from plans import services as plan_services
from plans.models import Decision
from plans.reminders import evaluations_in_a_week
from privacy.services import consent_withdraw
from referrals.forms import StopForm
from referrals.lifecycle import AssignmentStatus, CaseStatus
from referrals.models import CaseEvent, StopReason
from referrals.services import TransitionError, consent_record, has_consent, referral_reopen
from referrals.timeline import entries
from research import surveys
from research.models import SurveyInvitation
from research.stats import compute
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def proposed(regional_manager, organization, coordinator, referrer):
    referral = factories.registered(regional_manager, organization, referrer=referrer)
    assignment_propose(
        referral=referral, coordinator=coordinator.coordinator_profile, actor=regional_manager
    )
    return referral


@pytest.fixture
def following(regional_manager, organization, coordinator, referrer):
    """A case following its accepted plan, with open, answered and printed survey links."""
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    plan_services.plan_decide(plan=plan, actor=referrer, decision=Decision.ACCEPTED)
    referral = plan.referral
    conference = referral.conferences.get()
    surveys.invitations_create(
        conference=conference,
        actor=coordinator,
        respondent="family",
        emails=["oma@example.nl", "oom@example.nl"],
        printed=1,
    )
    answered = SurveyInvitation.objects.filter(email="oom@example.nl").get()
    surveys.response_submit(token=answered.token, answers={"grade_conference": 8})
    referral.refresh_from_db()
    return referral


def test_before_the_conference_the_case_stops_with_consent_withdrawn(
    proposed,
    regional_manager,
    coordinator,
    referrer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = consent_withdraw(
            referral=proposed, actor=regional_manager, withdrawn_on=YESTERDAY, note="Belde op"
        )
    referral.refresh_from_db()
    assert referral.status == CaseStatus.STOPPED
    assert referral.stop_reason == StopReason.CONSENT_WITHDRAWN
    # The open proposal ended with the case: the coordinator's place is free again.
    assert list(Assignment.objects.filter(referral=referral).values_list("status", flat=True)) == [
        AssignmentStatus.ENDED
    ]
    assert referral.consent_withdrawn_on == YESTERDAY
    assert not has_consent(referral)
    kinds = list(referral.events.values_list("kind", flat=True)[:2])
    assert kinds == ["stop", "consent_withdrawn"]
    # Coordinator and referrer are told; the manager who recorded it is not mailed.
    assert sorted(a for m in mailoutbox for a in m.to) == sorted(
        [coordinator.email, referrer.email]
    )
    assert "toestemming ingetrokken" in mailoutbox[0].subject
    assert referral.reference in mailoutbox[0].body


def test_after_the_conference_the_case_closes_and_the_follow_up_ends(
    following,
    regional_manager,
    coordinator,
    referrer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    due = following.plans.get().evaluation_moments.get().due_on
    assert list(evaluations_in_a_week(due - datetime.timedelta(days=3)))
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(referral=following, actor=regional_manager, withdrawn_on=TODAY)
    following.refresh_from_db()
    assert following.status == CaseStatus.CLOSED
    # A stop reason means "no conference": this case had one.
    assert following.stop_reason == ""
    assert not list(evaluations_in_a_week(due - datetime.timedelta(days=3)))
    assert sorted(a for m in mailoutbox for a in m.to) == sorted(
        [coordinator.email, referrer.email]
    )


def test_survey_links_expire_and_their_addresses_are_cleared(following, regional_manager):
    before = timezone.now()
    consent_withdraw(referral=following, actor=regional_manager, withdrawn_on=TODAY)
    invitations = SurveyInvitation.objects.filter(referral=following)
    assert invitations.count() == 3
    assert not invitations.exclude(email="").exists()
    open_ones = invitations.filter(used_at__isnull=True)
    assert len(open_ones) == 2
    assert all(i.is_expired and i.expires_at >= before for i in open_ones)
    token = open_ones.exclude(by_email=False).get().token
    with pytest.raises(TransitionError):
        surveys.response_submit(token=token, answers={"grade_conference": 9})
    event = following.events.filter(kind="consent_withdrawn").get()
    assert event.details["surveys_expired"] == 2


def test_the_referrer_records_it_before_the_conference_and_the_coordinator_is_told(
    proposed, referrer, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(referral=proposed, actor=referrer, withdrawn_on=TODAY)
    assert [m.to for m in mailoutbox] == [[coordinator.email]]


def test_the_referrer_cannot_record_it_after_the_conference(following, referrer):
    with pytest.raises(PermissionDenied):
        consent_withdraw(referral=following, actor=referrer, withdrawn_on=TODAY)
    following.refresh_from_db()
    assert following.status == CaseStatus.PLAN_DECIDED


def test_an_ended_case_refuses_with_a_message_and_a_future_date_is_refused(
    proposed, regional_manager
):
    with pytest.raises(ValueError):
        consent_withdraw(
            referral=proposed,
            actor=regional_manager,
            withdrawn_on=TODAY + datetime.timedelta(days=1),
        )
    consent_withdraw(referral=proposed, actor=regional_manager, withdrawn_on=TODAY)
    with pytest.raises(TransitionError):
        consent_withdraw(referral=proposed, actor=regional_manager, withdrawn_on=TODAY)
    assert proposed.events.filter(kind="consent_withdrawn").count() == 1


def test_the_timeline_says_it_in_a_sentence_with_the_note(proposed, regional_manager):
    consent_withdraw(
        referral=proposed, actor=regional_manager, withdrawn_on=YESTERDAY, note="Belde op"
    )
    lines = entries(CaseEvent.objects.filter(referral=proposed).select_related("actor"))
    texts = {line.text: line.note for line in lines}
    (sentence,) = [t for t in texts if t.startswith("De familie heeft de toestemming ingetrokken")]
    assert texts[sentence] == "Belde op"
    assert "De familie heeft de toestemming ingetrokken" in {line.note for line in lines}


def test_the_statistics_count_it_as_a_stop_reason(proposed, regional_manager):
    consent_withdraw(referral=proposed, actor=regional_manager, withdrawn_on=TODAY)
    figures = compute()
    assert figures["stopped"] == 1
    assert figures["stop_reasons"] == {"consent_withdrawn": 1}


def test_the_plain_stop_form_does_not_offer_it():
    codes = [code for code, _label in StopForm().fields["reason"].choices]
    assert StopReason.CONSENT_WITHDRAWN not in codes
    assert StopReason.OTHER in codes


def url(referral):
    return reverse("privacy:consent_withdraw", args=[referral.pk])


def test_the_page_asks_for_the_date_then_confirms_then_ends_the_case(
    client, proposed, regional_manager
):
    client.force_login(regional_manager)
    detail = client.get(reverse("referrals:detail", args=[proposed.pk])).content.decode()
    assert url(proposed) in detail and "Toestemming ingetrokken" in detail
    page = client.get(url(proposed))
    assert page.status_code == 200
    assert 'name="withdrawn_on"' in page.content.decode()
    data = {"withdrawn_on": YESTERDAY.isoformat(), "note": "Belde op"}
    confirm = client.post(url(proposed), data)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Ja, de zaak beëindigen" in text and 'name="confirm"' in text
    assert "Het voorstel aan coördinator" in text
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.REGISTERED  # nothing changed yet
    done = client.post(url(proposed), {**data, "confirm": "1"})
    assert done.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.STOPPED
    detail = client.get(reverse("referrals:detail", args=[proposed.pk])).content.decode()
    assert "De familie heeft de toestemming ingetrokken op" in detail
    assert url(proposed) not in detail
    again = client.post(url(proposed), {**data, "confirm": "1"}, follow=True)
    assert "kan de toestemming niet meer worden ingetrokken" in again.content.decode()
    assert proposed.events.filter(kind="consent_withdrawn").count() == 1


def test_a_date_in_the_future_gets_a_dutch_error_and_keeps_the_note(
    client, proposed, regional_manager
):
    client.force_login(regional_manager)
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    page = client.post(url(proposed), {"withdrawn_on": future, "note": "Belde op", "confirm": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Deze datum ligt in de toekomst." in text
    assert "Belde op" in text
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.REGISTERED


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("liaison", 403),
        ("researcher", 404),
        ("other_regional_manager", 404),
        ("other_referrer", 404),
        ("no_role_user", 404),
    ],
)
def test_others_may_not_open_or_send_it(client, request, proposed, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(url(proposed)).status_code == expected
    data = {"withdrawn_on": TODAY.isoformat(), "confirm": "1"}
    assert client.post(url(proposed), data).status_code == expected
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.REGISTERED


def test_the_coordinator_and_a_referrer_after_the_conference_get_403(
    client, following, coordinator, referrer
):
    data = {"withdrawn_on": TODAY.isoformat(), "confirm": "1"}
    for user in (coordinator, referrer):
        client.force_login(user)
        assert client.get(url(following)).status_code == 403
        assert client.post(url(following), data).status_code == 403
    following.refresh_from_db()
    assert following.status == CaseStatus.PLAN_DECIDED


def test_no_new_surveys_are_sent_after_consent_is_withdrawn(
    following, coordinator, regional_manager
):
    assert allowed("research.invite_to_surveys", coordinator, following)
    consent_withdraw(referral=following, actor=regional_manager, withdrawn_on=TODAY)
    following.refresh_from_db()
    assert not allowed("research.invite_to_surveys", coordinator, following)
    with pytest.raises(TransitionError, match="toestemming ingetrokken"):
        surveys.invitations_create(
            conference=following.conferences.get(),
            actor=coordinator,
            respondent="family",
            emails=["tante@example.nl"],
        )
    assert not SurveyInvitation.objects.filter(email="tante@example.nl").exists()


def test_a_reopened_case_takes_no_coordinator_until_consent_is_given_again(
    proposed, regional_manager, admin_user, region
):
    consent_withdraw(referral=proposed, actor=regional_manager, withdrawn_on=TODAY)
    reopened = referral_reopen(referral=proposed, actor=admin_user, reason="Familie wil toch")
    assert reopened.status == CaseStatus.REGISTERED
    assert not has_consent(reopened)
    other = factories.coordinator(region, "C099")
    with pytest.raises(TransitionError, match="toestemming"):
        assignment_propose(referral=reopened, coordinator=other, actor=regional_manager)
    consent_record(
        referral=reopened,
        actor=regional_manager,
        given_by="Moeder",
        given_on=TODAY,
        scope="Opnieuw",
    )
    reopened.refresh_from_db()
    assert reopened.consent_withdrawn_on is None
    assert has_consent(reopened)
    assignment_propose(referral=reopened, coordinator=other, actor=regional_manager)
