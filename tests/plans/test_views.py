import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from ekc.audit import access_log_for
from plans import services
from tests import factories
from tests.forms import form_fields, hidden_fields, post_form

pytestmark = pytest.mark.django_db


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def plan(regional_manager, organization, coordinator, referrer):
    return factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


@pytest.fixture
def plan_with_scan(plan):
    plan.scan.save("scan.png", io.BytesIO(PNG), save=True)
    return plan


PLAN_ACCESS = {
    "coordinator": 200,
    "referrer": 200,
    "liaison": 200,
    "regional_manager": 200,
    "admin_user": 200,
    "other_coordinator": 404,
    "other_referrer": 404,
    "researcher": 404,
    "other_regional_manager": 404,
}


@pytest.mark.parametrize(("fixture", "expected"), PLAN_ACCESS.items())
def test_plan_pdf_and_scan_access(client, request, plan_with_scan, fixture, expected):
    plan = plan_with_scan
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("plans:plan", args=[plan.referral_id])).status_code == expected
    assert client.get(reverse("plans:pdf", args=[plan.pk])).status_code == expected
    scan = client.get(reverse("plans:scan", args=[plan.pk]))
    assert scan.status_code == expected
    if expected == 200:
        assert b"".join(scan.streaming_content) == PNG
        scan.close()


def test_pdf_text_holds_question_agreements_and_decision(client, plan, referrer):
    services.plan_decide(
        plan=plan,
        actor=referrer,
        decision="accepted_with_conditions",
        conditions="Vader blijft in behandeling.",
    )
    client.force_login(referrer)
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Waar kunnen de kinderen veilig wonen?" in text
    for row in factories.AGREEMENT_ROWS:
        assert row["what"] in text
    assert "Geaccepteerd met voorwaarden" in text
    assert "Vader blijft in behandeling." in text
    assert "Vertrouwelijk" in text and "Pagina 1 / 1" in text
    entry = access_log_for(plan.referral).filter(additional_data__access="print").get()
    assert entry.actor == referrer


def _agreements(n):
    return [
        {
            "what": f"Afspraak nummer {i}",
            "who": "Oma",
            "life_domain": ["upbringing", "housing", "health"][i % 3],
            "carried_by": "network",
        }
        for i in range(n)
    ]


def test_pdf_query_count_is_the_same_for_5_and_30_agreements(
    client,
    regional_manager,
    organization,
    coordinator,
    referrer,
    django_assert_num_queries,
    other_region,
):
    small = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, agreements=_agreements(5)
    )
    large = factories.submitted_plan(
        regional_manager, organization, coordinator.coordinator_profile, agreements=_agreements(30)
    )
    client.force_login(regional_manager)
    client.get(reverse("plans:pdf", args=[small.pk]))
    with django_assert_num_queries(13):
        client.get(reverse("plans:pdf", args=[small.pk]))
    with django_assert_num_queries(13):
        client.get(reverse("plans:pdf", args=[large.pk]))


def test_coordinator_enters_a_plan_with_add_row_and_submits(
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
    url = reverse("plans:edit", args=[plan.pk])
    base = {
        **form_fields(client, url),
        "written_language": "nl",
        "contingency": "Tante vangt op",
        "reconvene": "Iedereen",
        "contact_person": "Tante",
        "agreements-TOTAL_FORMS": "1",
        "agreements-INITIAL_FORMS": "0",
        "agreements-0-what": "Oma kookt op maandag",
        "agreements-0-who": "Oma",
        "agreements-0-life_domain": "upbringing",
        "agreements-0-carried_by": "network",
        "dates-TOTAL_FORMS": "1",
        "dates-INITIAL_FORMS": "0",
        "dates-0-due_on": "2027-01-15",
    }
    added = client.post(url, {**base, "add_row": "agreements"})
    assert added.context["agreements"].total_form_count() == 2
    assert "Oma kookt op maandag" in added.content.decode()
    bad = client.post(url, {**base, "agreements-0-carried_by": "professional", "save": "1"})
    assert "Welk soort organisatie wordt om hulp gevraagd?" in bad.content.decode()
    client.post(
        url,
        {
            **base,
            "scan": SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
            "submit": "1",
        },
    )
    plan.refresh_from_db()
    assert plan.status == "submitted"
    assert plan.agreements.get().what == "Oma kookt op maandag"
    assert str(plan.evaluation_moments.get().due_on) == "2027-01-15"
    assert plan.scan.name.endswith(".png")


def test_a_scan_is_checked_by_its_content(client, regional_manager, organization, coordinator):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = services.plan_start(referral=referral, actor=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("plans:edit", args=[plan.pk]),
        {
            "written_language": "nl",
            "agreements-TOTAL_FORMS": "0",
            "agreements-INITIAL_FORMS": "0",
            "dates-TOTAL_FORMS": "0",
            "dates-INITIAL_FORMS": "0",
            "scan": SimpleUploadedFile(
                "plan.pdf", b"MZ this is not a pdf", content_type="application/pdf"
            ),
            "save": "1",
        },
    )
    assert "Upload een PDF-, JPEG- of PNG-bestand." in response.content.decode()
    plan.refresh_from_db()
    assert not plan.scan


def test_referrer_decides_beside_the_bounds(client, plan, referrer):
    client.force_login(referrer)
    page = client.get(reverse("plans:plan", args=[plan.referral_id]))
    assert "De kinderen wonen niet bij vader zolang hij drinkt." in page.content.decode()
    assert "Mijn besluit opslaan" in page.content.decode()
    url = reverse("plans:decide", args=[plan.pk])
    bad = client.post(url, {**hidden_fields(page, url), "decision": "rejected", "reason": ""})
    html = bad.content.decode()
    assert "Zeg aan welk kader niet is voldaan." in html
    client.post(
        url,
        {
            **hidden_fields(bad, url),
            "decision": "accepted_with_conditions",
            "conditions": "Wekelijks contact met de voogd",
        },
    )
    plan.refresh_from_db()
    assert plan.decision.conditions == "Wekelijks contact met de voogd"


def test_coordinator_cannot_decide_and_referrer_cannot_edit(client, plan, coordinator, referrer):
    client.force_login(coordinator)
    assert (
        client.post(reverse("plans:decide", args=[plan.pk]), {"decision": "accepted"}).status_code
        == 403
    )
    client.force_login(referrer)
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 403


def test_manager_sees_waiting_help_requests(
    client, plan, referrer, regional_manager, other_regional_manager
):
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    client.force_login(regional_manager)
    html = client.get(reverse("plans:waiting_help")).content.decode()
    assert "Het wijkteam regelt schuldhulp." in html
    client.force_login(other_regional_manager)
    assert (
        "Het wijkteam regelt schuldhulp."
        not in client.get(reverse("plans:waiting_help")).content.decode()
    )
    client.force_login(referrer)
    assert client.get(reverse("plans:waiting_help")).status_code == 403


def test_a_decision_on_the_conference_day_says_so_in_words(client, plan, referrer):
    # It read "0 dagen na de conferentie".
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    plan.refresh_from_db()
    assert services.days_from_conference_to_decision(plan) == 0
    client.force_login(referrer)
    html = client.get(reverse("plans:plan", args=[plan.referral_id])).content.decode()
    assert "op de dag van de conferentie" in html
    assert "0 dagen" not in html


def test_the_decision_form_keeps_only_what_belongs_to_the_chosen_decision(client, plan, referrer):
    # "Aan welk kader…" and "Reden" showed beside "Geaccepteerd met voorwaarden".
    client.force_login(referrer)
    page = client.get(reverse("plans:plan", args=[plan.referral_id]))
    html = page.content.decode()
    conditions = html.index('class="when-decision when-conditions"')
    rejected = html.index('class="when-decision when-rejected"')
    assert conditions < html.index('name="conditions"') < rejected
    assert rejected < html.index('name="unmet_bound"') and rejected < html.index('name="reason"')
    url = reverse("plans:decide", args=[plan.pk])
    client.post(
        url,
        {
            **hidden_fields(page, url),
            "decision": "accepted_with_conditions",
            "conditions": "Wekelijks contact met de voogd",
            "unmet_bound": "safety",
            "reason": "Typed before choosing another decision",
        },
    )
    plan.refresh_from_db()
    assert plan.decision.conditions == "Wekelijks contact met de voogd"
    assert plan.decision.unmet_bound == "" and plan.decision.reason == ""


def test_closing_offers_the_surveys_and_goes_there_when_asked(
    client, plan, referrer, regional_manager
):
    # A closed case offered no way to its surveys, so the family was never invited.
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    client.force_login(regional_manager)
    url = reverse("plans:close", args=[plan.referral_id])
    page = client.get(url).content.decode()
    assert "Afsluiten en vragenlijsten versturen" in page
    response = client.post(url, {"outcomes": [], "then_surveys": "1"})
    assert response.status_code == 302
    assert response.url == reverse("research:survey_admin", args=[plan.referral_id])
    plan.referral.refresh_from_db()
    assert plan.referral.status == "closed"
    assert client.get(response.url).status_code == 200


def test_closing_without_the_surveys_returns_to_the_case(client, plan, referrer, regional_manager):
    # With no outcome ticked and no note the POST is empty: it showed the form again
    # instead of closing the case.
    services.plan_decide(plan=plan, actor=referrer, decision="accepted")
    client.force_login(regional_manager)
    response = client.post(reverse("plans:close", args=[plan.referral_id]), {"outcomes": []})
    assert response.url == reverse("referrals:detail", args=[plan.referral_id])
    plan.referral.refresh_from_db()
    assert plan.referral.status == "closed"


def test_the_held_conference_offers_the_surveys_on_the_preparation_page(client, plan, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("conferences:preparation", args=[plan.referral_id]))
    assert reverse("research:survey_admin", args=[plan.referral_id]) in page.content.decode()
