"""Every create form sent twice (a double click, a reload) makes its record once.

The second POST of the same rendered form creates nothing and goes where the
first went, with a calm message (ekc/editing.py). Conflicts of interest are
unique by nature (one per coordinator and case).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference, ContactMoment
from coordinators.models import Assignment, ConflictOfInterest, Leave
from ekc.models import FormSubmission
from plans import services as plan_services
from plans.models import Evaluation, FamilyPlan, PlanDecision
from referrals.models import CaseEvent, Consent, NetworkMember, NonOffer, Referral
from research.models import ResearchReport, SurveyInvitation, SurveyResponse
from tests import factories
from tests.forms import form_fields
from tests.referrals.test_views import form_data
from tests.research.test_stats import FIXTURE

pytestmark = pytest.mark.django_db

REPEATED = "Je had dit formulier al verstuurd."
TODAY = timezone.localdate()


def send_twice(client, page_url, data, *, action=None, button=None):
    """Open the page, fill in its form once, and send it twice."""
    target = action or page_url
    fields = {**form_fields(client, page_url, target, button=button), **data}
    first = client.post(target, fields)
    second = client.post(target, fields)
    assert first.status_code == 302, first.status_code
    assert second.status_code == 302, second.status_code
    assert second["Location"] == first["Location"]
    assert REPEATED in client.get(second["Location"]).content.decode()
    return first


@pytest.fixture
def case(regional_manager, organization, coordinator, referrer):
    return factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


@pytest.fixture
def held(regional_manager, organization, coordinator, referrer):
    return factories.held(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


@pytest.fixture
def plan(regional_manager, organization, coordinator, referrer):
    return factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


def test_a_referral_sent_twice_is_one_draft(client, referrer):
    client.force_login(referrer)
    send_twice(client, reverse("referrals:create"), form_data(save="1"))
    assert Referral.objects.count() == 1
    assert NetworkMember.objects.count() == 1


def test_consent_sent_twice_is_one_consent(client, regional_manager, organization):
    referral = factories.registered(regional_manager, organization, with_consent=False)
    client.force_login(regional_manager)
    send_twice(
        client,
        reverse("referrals:detail", args=[referral.pk]),
        {"given_by": "Moeder", "given_on": str(TODAY), "scope": "Delen met een coördinator"},
        action=reverse("referrals:consent", args=[referral.pk]),
    )
    assert Consent.objects.filter(referral=referral).count() == 1
    assert CaseEvent.objects.filter(referral=referral, kind="consent_recorded").count() == 1


def test_no_conference_offered_sent_twice_is_one_record(client, liaison):
    client.force_login(liaison)
    send_twice(
        client,
        reverse("referrals:non_offer_create"),
        {"decided_on": str(TODAY), "occasion": "crisis", "motivation": "Geen netwerk bekend"},
    )
    assert NonOffer.objects.count() == 1


def test_a_contact_moment_sent_twice_is_one_moment(client, case, coordinator):
    member = factories.network(case, coordinator, size=1)[0]
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("conferences:preparation", args=[case.pk]),
        {"on": str(TODAY), "method": "phone", "minutes": "20", "member": member.pk},
        action=reverse("conferences:contact_add", args=[case.pk]),
    )
    assert ContactMoment.objects.filter(referral=case).count() == 1
    assert CaseEvent.objects.filter(referral=case, to_status="preparing").count() == 1


def test_a_network_member_sent_twice_is_one_person(client, case, coordinator):
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("conferences:preparation", args=[case.pk]),
        {
            "name": "Tante Esra",
            "relation": "other_family",
            "age_group": "adult",
            "invitation": "to_invite",
        },
        action=reverse("conferences:member_add", args=[case.pk]),
    )
    assert list(case.network_members.values_list("name", flat=True)) == ["Tante Esra"]


def test_a_conference_scheduled_twice_is_one_conference_and_one_notice(
    client, case, coordinator, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(
            client,
            reverse("conferences:schedule", args=[case.pk]),
            {
                "kind": "family_group",
                "date": str(TODAY + datetime.timedelta(days=14)),
                "time": "19:00",
                "location_type": "family_home",
                "address": "Kerkweg 1, Zwolle",
                "professionals-TOTAL_FORMS": "0",
                "professionals-INITIAL_FORMS": "0",
            },
        )
    assert Conference.objects.filter(referral=case).count() == 1
    assert [m.to for m in mailoutbox] == [[referrer.email]]


def test_the_plan_started_twice_is_one_plan(client, held, coordinator):
    client.force_login(coordinator)
    first = send_twice(
        client,
        reverse("plans:plan", args=[held.pk]),
        {},
        action=reverse("plans:start", args=[held.pk]),
    )
    plan = FamilyPlan.objects.get(referral=held)
    assert first["Location"] == reverse("plans:edit", args=[plan.pk])


def test_a_new_version_made_twice_is_one_version(client, plan, coordinator):
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("plans:plan", args=[plan.referral_id]),
        {},
        action=reverse("plans:new_version", args=[plan.pk]),
    )
    assert sorted(FamilyPlan.objects.values_list("version", flat=True)) == [1, 2]


def test_a_decision_sent_twice_is_one_decision_and_one_mail_each(
    client, plan, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(referrer)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(
            client,
            reverse("plans:plan", args=[plan.referral_id]),
            {"decision": "accepted"},
            action=reverse("plans:decide", args=[plan.pk]),
        )
    assert PlanDecision.objects.count() == 1
    recipients = [address for mail in mailoutbox for address in mail.to]
    assert recipients and len(recipients) == len(set(recipients))


def test_an_evaluation_sent_twice_is_one_evaluation(client, plan, referrer, coordinator):
    plan_services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("plans:evaluate", args=[plan.pk]),
        {
            "held_on": str(TODAY),
            "present": "Moeder, oma, de coördinator",
            "decision": "continue",
            **{f"status_{a.pk}": "partly" for a in plan.agreements.all()},
        },
    )
    assert Evaluation.objects.filter(plan=plan).count() == 1


def test_leave_sent_twice_is_one_period(client, coordinator):
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("coordinators:availability"),
        {"add_leave": "1", "start": "2030-05-01", "end": "2030-05-10"},
        button="add_leave",
    )
    assert Leave.objects.count() == 1


def test_a_proposal_sent_twice_is_one_proposal_and_one_mail(
    client,
    regional_manager,
    organization,
    region,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    referral = factories.registered(regional_manager, organization)
    candidate = factories.coordinator(region, "C901")
    client.force_login(regional_manager)
    mailoutbox.clear()
    url = reverse("coordinators:match", args=[referral.pk])
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(client, url, {"coordinator": candidate.pk}, button="coordinator")
    assert Assignment.objects.filter(referral=referral).count() == 1
    assert [m.to for m in mailoutbox] == [[candidate.user.email]]


def test_a_conflict_of_interest_sent_twice_is_one_conflict(
    client, regional_manager, organization, other_coordinator
):
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    action = reverse("coordinators:conflict", args=[referral.pk])
    fields = {
        **form_fields(client, reverse("coordinators:match", args=[referral.pk]), action),
        "coordinator": other_coordinator.coordinator_profile.pk,
        "reason": "Kent de familie",
    }
    first, second = client.post(action, fields), client.post(action, fields)
    assert second["Location"] == first["Location"]
    assert ConflictOfInterest.objects.count() == 1
    assert CaseEvent.objects.filter(referral=referral, kind="conflict_recorded").count() == 1


def test_survey_invitations_sent_twice_are_made_and_mailed_once(
    client, held, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(
            client,
            reverse("research:survey_admin", args=[held.pk]),
            {"respondent": "family", "emails": "oma@example.nl\noom@example.nl", "printed": "1"},
        )
    assert SurveyInvitation.objects.count() == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["oma@example.nl", "oom@example.nl"]


def test_a_paper_questionnaire_sent_twice_is_one_response(client, held, coordinator):
    client.force_login(coordinator)
    send_twice(
        client,
        reverse("research:survey_paper", args=[held.pk]),
        {"respondent": "professional", "grade_plan": "6"},
    )
    assert SurveyResponse.objects.count() == 1


def test_the_report_asked_twice_is_made_once(client, researcher):
    from tests.research.test_report import load

    load(FIXTURE)
    client.force_login(researcher)
    first = send_twice(
        client, reverse("research:dashboard"), {}, action=reverse("research:report_request")
    )
    report = ResearchReport.objects.get()
    assert first["Location"] == reverse("research:report", args=[report.pk])


def test_a_form_shown_again_with_errors_can_be_sent_once_more(client, liaison):
    client.force_login(liaison)
    url = reverse("referrals:non_offer_create")
    fields = form_fields(client, url)
    bad = client.post(url, {**fields, "decided_on": "", "occasion": "crisis", "motivation": "x"})
    assert bad.status_code == 200
    assert not FormSubmission.objects.exists()  # the token was given back
    good = client.post(
        url, {**fields, "decided_on": str(TODAY), "occasion": "crisis", "motivation": "x"}
    )
    assert good.status_code == 302
    assert NonOffer.objects.count() == 1


def test_a_create_form_without_its_token_is_refused_and_keeps_the_input(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("referrals:non_offer_create"),
        {"decided_on": str(TODAY), "occasion": "crisis", "motivation": "Geen netwerk bekend"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit formulier is verouderd." in html
    assert "Geen netwerk bekend" in html
    assert not NonOffer.objects.exists()


def test_a_button_without_its_token_does_nothing(client, held, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("plans:start", args=[held.pk]), follow=True)
    assert "Dit formulier is verouderd." in response.content.decode()
    assert not FamilyPlan.objects.exists()


def test_someone_elses_token_is_a_bad_request(client, liaison, organization):
    from tests.conftest import make_user

    colleague = make_user("liaison2@ekc.test", organization=organization, is_liaison=True)
    client.force_login(liaison)
    url = reverse("referrals:non_offer_create")
    fields = {
        **form_fields(client, url),
        "decided_on": str(TODAY),
        "occasion": "crisis",
        "motivation": "Geen netwerk bekend",
    }
    client.post(url, fields)
    client.force_login(colleague)
    assert client.post(url, fields).status_code == 400
    assert NonOffer.objects.count() == 1
