"""The right of access: for one person of a case, what EKC holds about them and who
opened the file; nothing about other people's contact details or safety notes."""

import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from conferences.services import member_save
from plans import services as plan_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(regional_manager, organization, coordinator, referrer):
    plan = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    referral = plan.referral
    member_save(
        referral=referral,
        actor=coordinator,
        name="Tante Esra",
        relation="other_family",
        phone="06-11112222",
        safety_note="Mag niet alleen zijn met de kinderen.",
    )
    member_save(
        referral=referral,
        actor=coordinator,
        name="Oom Murat",
        relation="other_family",
        phone="06-33334444",
        email="murat@example.nl",
    )
    plan_services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    return referral


def report_of(response):
    """The report itself, not the page's choice of person."""
    return response.content.decode().split('class="card card-body access-report"', 1)[1]


def _url(referral, **params):
    url = reverse("privacy:access_report", args=[referral.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_main_person_gets_the_file_and_who_opened_it(client, case, regional_manager, coordinator):
    client.force_login(coordinator)
    client.get(reverse("referrals:detail", args=[case.pk]))  # a view to be listed
    child = case.main_persons.get()
    client.force_login(regional_manager)
    page = report_of(client.get(_url(case, person=f"main-{child.pk}", format="page")))
    assert "Sem Jansen" in page
    assert "Waar kunnen de kinderen veilig wonen?" in page  # the question
    assert "De kinderen wonen niet bij vader zolang hij drinkt." in page  # the bounds
    assert "Tante Esra (Andere familie)" in page  # others by name and relation only
    # Others' contact details and safety notes stay out.
    assert "06-11112222" not in page and "murat@example.nl" not in page
    assert "Mag niet alleen zijn" not in page
    # Who opened the file: when, as which role, for whom, what was done.
    who = page.split("Wie heeft het dossier geopend", 1)[1]
    assert "Coördinator" in who and "bekeken" in who


def test_a_network_member_gets_their_own_record_only(client, case, regional_manager):
    esra = case.network_members.get(name="Tante Esra")
    client.force_login(regional_manager)
    page = report_of(client.get(_url(case, person=f"member-{esra.pk}")))
    assert "06-11112222" in page and "Mag niet alleen zijn met de kinderen." in page
    assert "06-33334444" not in page and "Oom Murat" not in page
    assert "Waar kunnen de kinderen veilig wonen?" not in page  # the child's file


def test_the_json_and_pdf_files_and_the_log_of_making_them(client, case, regional_manager):
    child = case.main_persons.get()
    client.force_login(regional_manager)
    response = client.get(_url(case, person=f"main-{child.pk}", format="json"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["file"]["question"] == "Waar kunnen de kinderen veilig wonen?"
    assert data["plan"]["agreements"]
    pdf = client.get(_url(case, person=f"main-{child.pk}", format="pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    made = LogEntry.objects.filter(
        object_pk=str(case.pk), additional_data__page="access_report"
    ).values_list("additional_data__format", flat=True)
    assert set(made) >= {"json", "pdf"}


def test_a_person_of_another_case_gives_a_message_not_a_report(
    client, case, regional_manager, organization
):
    other = factories.registered(regional_manager, organization)
    stranger = other.main_persons.get()
    client.force_login(regional_manager)
    page = client.get(_url(case, person=f"main-{stranger.pk}")).content.decode()
    assert "Kies een persoon uit deze zaak." in page
    assert "Wie heeft het dossier geopend" not in page
    # Asking for a report with no person chosen says so too; just opening the page does not.
    empty = client.get(_url(case, person="", format="page")).content.decode()
    assert "Kies een persoon uit deze zaak." in empty
    assert "Kies een persoon uit deze zaak." not in client.get(_url(case)).content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("regional_manager", 200),
        ("admin_user", 200),
        ("referrer", 403),
        ("coordinator", 403),
        ("liaison", 403),
        ("researcher", 404),
        ("other_regional_manager", 404),
    ],
)
def test_who_may_make_the_report(client, case, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(case)).status_code == status


def test_the_report_asks_for_the_code_again_after_15_minutes(client, case, regional_manager):
    from tests.ekc.test_second_factor import _age_second_factor

    child = case.main_persons.get()
    url = _url(case, person=f"main-{child.pk}", format="json")
    client.force_login(regional_manager)
    _age_second_factor(client, 14)
    assert client.get(url).status_code == 200
    _age_second_factor(client, 16)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/tweede-stap/?next=")
    # Choosing the person is no report yet: no fresh code needed for that.
    assert client.get(_url(case)).status_code == 200


def test_the_report_asks_the_same_queries_however_many_views_and_people(
    client, case, regional_manager, coordinator, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    child = case.main_persons.get()
    url = _url(case, person=f"main-{child.pk}", format="json")
    client.force_login(regional_manager)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    expected = len(few.captured_queries)  # each request clears the log: count now
    factories.network(case, coordinator, size=10)
    for _ in range(20):
        client.get(reverse("referrals:detail", args=[case.pk]))
    with django_assert_num_queries(expected):
        client.get(url)
