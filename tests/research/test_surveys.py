import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.services import TransitionError
from research import surveys
from research.models import SurveyInvitation, SurveyResponse
from tests import factories
from tests.forms import hidden_fields, post_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_case(regional_manager, organization, coordinator, referrer):
    return factories.held(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


@pytest.fixture
def invitation(held_case, coordinator):
    conference = held_case.conferences.get()
    (invitation,) = surveys.invitations_create(
        conference=conference, actor=coordinator, respondent="family", emails=["oma@example.nl"]
    )
    return invitation


ANSWERS = {
    "informed_enough": "yes",
    "had_say": "partly",
    "grade_conference": "8",
    "grade_plan": "7",
    "grade_coordinator": "9",
    "comments": "Fijne dag",
}


def test_no_survey_before_the_conference_is_held(regional_manager, organization, coordinator):
    _referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    with pytest.raises(TransitionError):
        surveys.invitations_create(
            conference=conference, actor=coordinator, respondent="family", printed=2
        )
    assert not SurveyInvitation.objects.exists()


def test_invitation_mails_a_personal_link(
    held_case, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = surveys.invitations_create(
            conference=held_case.conferences.get(),
            actor=coordinator,
            respondent="referrer",
            emails=["verwijzer@example.nl"],
        )
    assert mailoutbox[0].to == ["verwijzer@example.nl"]
    assert invitation.token in mailoutbox[0].body
    assert held_case.family_name not in mailoutbox[0].body


def test_a_token_answers_once(client, invitation):
    url = reverse("research:survey", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWERS)
    assert "Dank je wel" in response.content.decode()
    again = client.post(url, {**ANSWERS, "grade_plan": "1"})
    assert "al ingevuld" in again.content.decode()
    (saved,) = SurveyResponse.objects.all()
    assert (saved.respondent, saved.grade_conference, saved.grade_plan) == ("family", 8, 7)


def test_an_expired_token_is_refused_kindly(client, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.post(reverse("research:survey", args=[invitation.token]), ANSWERS)
    assert response.status_code == 410
    assert "Deze link is verlopen" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_an_invalid_grade_keeps_the_form(client, invitation):
    response = client.post(
        reverse("research:survey", args=[invitation.token]), {**ANSWERS, "grade_plan": "11"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fijne dag" in html
    assert "Selecteer een geldige keuze" in html
    assert not SurveyResponse.objects.exists()


def test_the_token_page_leaks_nothing(client, invitation, held_case, coordinator):
    html = client.get(reverse("research:survey", args=[invitation.token])).content.decode()
    assert coordinator.first_name in html
    for secret in (
        held_case.family_name,
        held_case.reference,
        "Sem",
        held_case.question,
        coordinator.last_name,
        coordinator.email,
    ):
        assert secret not in html
    assert (
        "no-store"
        in client.get(reverse("research:survey", args=[invitation.token]))["Cache-Control"]
    )


def test_unknown_token_is_404_and_short_code_leads_to_the_form(client, held_case, coordinator):
    assert client.get(reverse("research:survey", args=["made-up"])).status_code == 404
    (printed,) = surveys.invitations_create(
        conference=held_case.conferences.get(), actor=coordinator, respondent="youth", printed=1
    )
    response = client.post(reverse("research:survey_code"), {"code": printed.short_code.lower()})
    assert response["Location"] == reverse("research:survey", args=[printed.token])
    wrong = client.post(reverse("research:survey_code"), {"code": "NOPE1234"})
    assert "We kennen deze code niet" in wrong.content.decode()


def test_youth_get_simpler_wording(client, held_case, coordinator):
    (printed,) = surveys.invitations_create(
        conference=held_case.conferences.get(), actor=coordinator, respondent="youth", printed=1
    )
    html = client.get(reverse("research:survey", args=[printed.token])).content.decode()
    assert "Luisterden de mensen naar je?" in html
    assert "samenwerking met Eigen Kracht" not in html


def test_one_reminder_after_ten_days(invitation, mailoutbox, django_capture_on_commit_callbacks):
    later = timezone.now() + datetime.timedelta(days=10, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.send_survey_reminders(now=timezone.now()) == 0
        assert surveys.send_survey_reminders(now=later) == 1
        assert surveys.send_survey_reminders(now=later) == 0
    assert [m.to for m in mailoutbox] == [["oma@example.nl"]]


def test_staff_type_in_paper_responses(client, held_case, coordinator):
    client.force_login(coordinator)
    url = reverse("research:survey_paper", args=[held_case.pk])
    bad = post_form(
        client, url, {"respondent": "family", "grade_plan": "0", "comments": "Op papier"}
    )
    assert "Op papier" in bad.content.decode()
    client.post(
        url,
        {
            **hidden_fields(bad, url),
            **{"respondent": "professional", "grade_plan": "6", "grade_cooperation": "8"},
        },
    )
    saved = SurveyResponse.objects.get()
    assert (saved.respondent, saved.grade_plan, saved.grade_cooperation, saved.entered_by) == (
        "professional",
        6,
        8,
        coordinator,
    )


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("coordinator", 200),
        ("regional_manager", 200),
        ("referrer", 403),
        ("researcher", 404),
        ("other_coordinator", 404),
    ],
)
def test_who_manages_the_surveys_of_a_case(client, request, held_case, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("research:survey_admin", args=[held_case.pk])).status_code == expected
    assert client.get(reverse("research:survey_print", args=[held_case.pk])).status_code == expected


def test_the_email_address_is_cleared_once_the_survey_is_answered(invitation, client, coordinator):
    surveys.response_submit(token=invitation.token, answers=ANSWERS)
    invitation.refresh_from_db()
    assert invitation.email == "" and invitation.by_email
    client.force_login(coordinator)
    page = client.get(
        reverse("research:survey_admin", args=[invitation.referral_id])
    ).content.decode()
    assert "per e-mail" in page and "oma@example.nl" not in page


def test_the_daily_run_clears_the_addresses_of_expired_links_only(held_case, coordinator):
    from django.core.management import call_command

    conference = held_case.conferences.get()
    expired, live = surveys.invitations_create(
        conference=conference,
        actor=coordinator,
        respondent="family",
        emails=["oma@example.nl", "oom@example.nl"],
    )
    SurveyInvitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("send_reminders", stdout=io.StringIO())
    assert SurveyInvitation.objects.get(pk=expired.pk).email == ""
    assert SurveyInvitation.objects.get(pk=live.pk).email == "oom@example.nl"
    assert not SurveyInvitation.objects.filter(email="oma@example.nl").exists()
