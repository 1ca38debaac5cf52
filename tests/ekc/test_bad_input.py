"""Bad input found under attack: each gives a clear Dutch answer, never a server error."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conferences.calendar import conference_ics
from conferences.models import Conference
from ekc.editing import new_form_token
from ekc.models import User
from research.models import SurveyInvitation
from tests import factories
from tests.forms import post_form
from tests.referrals.test_views import form_data

pytestmark = pytest.mark.django_db


def test_a_coordinator_that_is_not_a_number_is_refused_kindly(
    client, regional_manager, organization
):
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    url = reverse("coordinators:match", args=[referral.pk])
    response = client.post(url, {"form_token": new_form_token(), "coordinator": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Kies een coördinator uit de lijst." in response.content.decode()
    assert not referral.assignments.exists()


@pytest.mark.parametrize("count", ["x", "-1", "1e9", "99999999999999999999"])
def test_a_tampered_row_count_on_the_referral_form_keeps_the_form(client, referrer, count):
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:create"), form_data(add_row="network", **{"network-TOTAL_FORMS": count})
    )
    assert response.status_code == 200
    assert "Oma Ayse" in response.content.decode() or "Yilmaz" in response.content.decode()


def test_a_tampered_row_count_on_the_plan_form_keeps_the_form(
    client, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    post_form(
        client,
        reverse("plans:plan", args=[referral.pk]),
        {},
        action=reverse("plans:start", args=[referral.pk]),
    )
    plan = referral.plans.get()
    response = post_form(
        client,
        reverse("plans:edit", args=[plan.pk]),
        {
            "contingency": "Tante vangt op",
            "agreements-TOTAL_FORMS": "veel",
            "agreements-INITIAL_FORMS": "0",
            "dates-TOTAL_FORMS": "0",
            "dates-INITIAL_FORMS": "0",
            "add_row": "agreements",
        },
    )
    assert response.status_code == 200
    assert "Tante vangt op" in response.content.decode()


def test_deeply_nested_json_is_a_line_error(client, admin_user):
    client.force_login(admin_user)
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post(
        reverse("import_registrations"),
        {"file": SimpleUploadedFile("cases.jsonl", nested.encode())},
    )
    assert response.status_code == 200
    assert "te diep genest" in response.content.decode() or "nested too deeply" in (
        response.content.decode()
    )


def test_a_conference_at_the_end_of_the_calendar_cannot_be_scheduled(
    client, regional_manager, organization, coordinator
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:schedule", args=[referral.pk]),
        {
            "kind": "first",
            "date": "9999-12-31",
            "time": "23:30",
            "location_type": "community",
            "address": "Buurthuis",
            "professionals-TOTAL_FORMS": "0",
            "professionals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vul een datum in tussen 1900 en" in html
    assert "Buurthuis" in html
    assert not Conference.objects.exists()


def test_the_calendar_file_of_a_stored_far_future_date_does_not_break(
    client, regional_manager, organization, coordinator, rf
):
    _referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=datetime.datetime(9999, 12, 31, 22, 30, tzinfo=datetime.UTC)
    )
    conference.refresh_from_db()
    client.force_login(coordinator)
    response = client.get(reverse("conferences:ics", args=[conference.pk]))
    assert response.status_code == 200
    assert "DTSTART:99991231" in conference_ics(conference, rf.get("/"))


def test_an_overlong_survey_email_is_a_field_error(
    client, regional_manager, organization, coordinator
):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    client.force_login(coordinator)
    address = "a" * 290 + "@example.nl"
    response = client.post(
        reverse("research:survey_admin", args=[referral.pk]),
        {"respondent": "family", "emails": address},
    )
    assert response.status_code == 200
    assert "is geen e-mailadres" in response.content.decode()
    assert not SurveyInvitation.objects.exists()


@pytest.mark.parametrize(
    "path", ["/vragenlijst/%00/", "/aanmeldingen/?q=%00", "/vragenlijst/a%00b/"]
)
def test_a_nul_character_in_the_address_is_a_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Er klopt iets niet met dit verzoek" in response.content.decode()


def test_admin_filters_with_a_nul_character_are_a_400(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/beheer/auditlog/logentry/?q=%00")
    assert response.status_code == 400
    response = client.get("/beheer/ekc/user/?email__exact=a%00b")
    assert response.status_code == 400


def test_a_nul_character_in_a_form_post_is_a_400(client, no_role_user):
    response = client.post(reverse("login"), {"username": "a\x00@b.nl", "password": "x"})
    assert response.status_code == 400
    assert User.objects.count() == 1


def test_an_upload_may_hold_nul_bytes(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("import_registrations"),
        {"file": SimpleUploadedFile("cases.jsonl", b'{"a": 1}\n\x00\n')},
    )
    assert response.status_code == 200


def _row_formsets():
    from conferences.forms import ProfessionalFormSet
    from plans.forms import AgreementFormSet, EvaluationDateFormSet
    from referrals.forms import FORMSETS, _formset

    referral_sets = [_formset(model, form) for model, form, _title in FORMSETS.values()]
    return [AgreementFormSet, EvaluationDateFormSet, ProfessionalFormSet, *referral_sets]


@pytest.mark.parametrize("formset_class", _row_formsets(), ids=lambda f: f.form.__name__)
def test_a_huge_row_count_builds_no_more_rows_than_allowed(formset_class):
    # TOTAL_FORMS=2147483648 made Django build and render 1,000 rows more than the
    # form allows (its default hard limit): one POST cost 20 seconds of CPU.
    prefix = formset_class.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": "2147483648", f"{prefix}-INITIAL_FORMS": "0"}
    formset = formset_class(data, prefix=prefix)
    assert len(formset.forms) <= formset_class.max_num
    assert not formset.is_valid()
    assert formset.non_form_errors()


def test_a_huge_row_count_on_the_referral_form_is_a_dutch_error(client, referrer):
    client.force_login(referrer)
    response = client.post(
        reverse("referrals:create"), form_data(**{"network-TOTAL_FORMS": "2147483648"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vul hier maximaal 60 rijen in." in html
    assert html.count('name="network-') < 5 * 61


def test_an_overlong_search_in_the_case_list_is_dropped(client, regional_manager):
    # SQLite refuses a LIKE pattern over 50,000 bytes: it was a server error.
    client.force_login(regional_manager)
    response = client.get(reverse("referrals:list"), {"q": "A" * 60_000})
    assert response.status_code == 200
    assert "q" in response.context["form"].errors


def test_an_overlong_search_in_a_management_list_is_cut(client, admin_user):
    # SQLite refuses a LIKE pattern over 50,000 bytes: it was a server error.
    client.force_login(admin_user)
    response = client.get(reverse("admin:ekc_user_changelist"), {"q": "A" * 60_000})
    assert response.status_code == 200


@pytest.mark.parametrize("pk", ["99999999999999999999", "abc", "-1"])
def test_a_tampered_id_in_a_choice_of_many_is_a_field_error(client, admin_user, pk):
    # Above 2**63 SQLite overflowed inside the query: it was a server error.
    client.force_login(admin_user)
    response = client.post(reverse("admin:auth_group_add"), {"name": "Team", "permissions": pk})
    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
