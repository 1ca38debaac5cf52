import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from coordinators.models import Assignment, Coordinator, Leave
from referrals.lifecycle import CaseStatus
from tests import factories
from tests.forms import hidden_fields, post_form

pytestmark = pytest.mark.django_db

POOL_CSV = (
    "code,first_name,last_name,email,region,languages,max_active_cases,active,"
    "unavailable_from,unavailable_to,occasions\n"
    "C017,Hatice,Demir,h.demir@example.nl,Overijssel,nl;tr;ku,3,1,2026-12-20,2027-01-05,crisis\n"
    "C018,Piotr,Nowak,p.nowak@example.nl,Twente,nl;pl,2,1,,,\n"
)


def test_manager_sees_ranking_and_proposes(client, regional_manager, organization, region):
    referral = factories.registered(regional_manager, organization, languages=["tr"])
    speaker = factories.coordinator(region, "C801", languages=["nl", "tr"])
    factories.coordinator(region, "C802", languages=["nl"])
    client.force_login(regional_manager)
    page = client.get(reverse("coordinators:match", args=[referral.pk]))
    assert [c.coordinator.code for c in page.context["candidates"]] == ["C801", "C802"]
    # The page names the language; the matching JSON keeps the code (INTERCHANGE.md).
    assert "spreekt Turks" in page.content.decode()
    assert "spreekt tr" not in page.content.decode()
    url = reverse("coordinators:match", args=[referral.pk])
    client.post(url, {**hidden_fields(page, url, button="coordinator"), "coordinator": speaker.pk})
    assert Assignment.objects.get(referral=referral).coordinator == speaker


def test_ranking_without_consent_warns_and_cannot_propose(
    client, regional_manager, organization, region
):
    referral = factories.registered(regional_manager, organization, with_consent=False)
    c = factories.coordinator(region, "C803")
    client.force_login(regional_manager)
    url = reverse("coordinators:match", args=[referral.pk])
    page = client.get(url)
    assert "De toestemming van de familie is nog niet vastgelegd" in page.content.decode()
    # The button is disabled; a forced POST is refused all the same.
    fields = hidden_fields(page, url, button="coordinator")
    response = client.post(url, {**fields, "coordinator": c.pk}, follow=True)
    assert "Leg eerst de toestemming van de familie vast" in response.content.decode()
    assert not Assignment.objects.exists()


def test_interpreter_warning_when_nobody_speaks_the_language(
    client, regional_manager, organization, region
):
    referral = factories.registered(regional_manager, organization, languages=["so"])
    factories.coordinator(region, "C804", languages=["nl"])
    client.force_login(regional_manager)
    html = client.get(reverse("coordinators:match", args=[referral.pk])).content.decode()
    assert "Er is een tolk nodig." in html


@pytest.mark.parametrize(
    "fixture", ["other_regional_manager", "referrer", "coordinator", "researcher"]
)
def test_only_the_regions_manager_opens_matching(
    client, request, regional_manager, organization, fixture
):
    referral = factories.registered(regional_manager, organization)
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("coordinators:match", args=[referral.pk])).status_code in (403, 404)


def test_coordinator_accepts_from_home(client, regional_manager, organization, coordinator):
    from coordinators.services import assignment_propose

    referral = factories.registered(regional_manager, organization)
    assignment = assignment_propose(
        referral=referral, coordinator=coordinator.coordinator_profile, actor=regional_manager
    )
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "Gevraagd om te coördineren" in home
    assert referral.reference in home
    client.post(reverse("coordinators:accept", args=[assignment.pk]))
    referral.refresh_from_db()
    assert referral.status == CaseStatus.COORDINATOR_ASSIGNED


def test_another_coordinator_cannot_answer(
    client, regional_manager, organization, coordinator, other_coordinator
):
    from coordinators.services import assignment_propose

    referral = factories.registered(regional_manager, organization)
    assignment = assignment_propose(
        referral=referral, coordinator=coordinator.coordinator_profile, actor=regional_manager
    )
    client.force_login(other_coordinator)
    assert client.post(reverse("coordinators:accept", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("coordinators:decline", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404


def test_decline_needs_a_reason(client, regional_manager, organization, coordinator):
    from coordinators.services import assignment_propose

    referral = factories.registered(regional_manager, organization)
    assignment = assignment_propose(
        referral=referral, coordinator=coordinator.coordinator_profile, actor=regional_manager
    )
    client.force_login(coordinator)
    response = client.post(reverse("coordinators:decline", args=[assignment.pk]), {"note": "x"})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    client.post(reverse("coordinators:decline", args=[assignment.pk]), {"reason": "no_time"})
    assignment.refresh_from_db()
    assert assignment.status == "declined"


def test_coordinator_updates_availability_and_leave(client, coordinator):
    client.force_login(coordinator)
    url = reverse("coordinators:availability")
    response = post_form(
        client,
        url,
        {
            "save_profile": "1",
            "languages": ["nl", "ar"],
            "max_active_cases": "3",
            "occasions": ["crisis"],
        },
    )
    assert response.status_code == 302
    profile = Coordinator.objects.get(user=coordinator)
    assert (profile.languages, profile.max_active_cases) == (["nl", "ar"], 3)
    bad = post_form(
        client,
        url,
        {"add_leave": "1", "start": "2030-05-10", "end": "2030-05-01", "note": "Vakantie"},
        button="add_leave",
    )
    assert "Het verlof moet eindigen op of na de eerste dag." in bad.content.decode()
    assert 'value="Vakantie"' in bad.content.decode()
    client.post(
        url,
        {
            **hidden_fields(bad, url, button="add_leave"),
            **{"add_leave": "1", "start": "2030-05-01", "end": "2030-05-10"},
        },
    )
    assert Leave.objects.filter(coordinator=profile).count() == 1


@pytest.mark.parametrize("fixture", ["referrer", "researcher", "regional_manager"])
def test_availability_is_for_coordinators(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("coordinators:availability")).status_code == 403


def test_pool_shows_own_region_only(client, regional_manager, other_regional_manager, coordinator):
    client.force_login(other_regional_manager)
    assert "C001" not in client.get(reverse("coordinators:pool")).content.decode()
    client.force_login(regional_manager)
    assert "C001" in client.get(reverse("coordinators:pool")).content.decode()


def test_import_with_preview_then_confirm(client, regional_manager):
    client.force_login(regional_manager)
    upload = SimpleUploadedFile("pool.csv", POOL_CSV.replace("Twente", "Overijssel").encode())
    preview = client.post(reverse("coordinators:import"), {"file": upload})
    assert preview.status_code == 200
    assert "2 coördinatoren staan klaar" in preview.content.decode()
    assert not Coordinator.objects.filter(code="C017").exists()
    token = preview.context["upload_token"]
    client.post(reverse("coordinators:import"), {"confirm": "1", "upload": token})
    hatice = Coordinator.objects.get(code="C017")
    assert hatice.languages == ["nl", "tr", "ku"]
    assert hatice.leaves.count() == 1
    assert list(hatice.user.regions.values_list("name", flat=True)) == ["Overijssel"]


def test_import_reports_every_error_with_its_row(client, regional_manager):
    bad = POOL_CSV + "C019,,Jansen,not-an-email,Overijssel,nl,-1,2,2026-01-01,,\n"
    client.force_login(regional_manager)
    response = client.post(
        reverse("coordinators:import"), {"file": SimpleUploadedFile("p.csv", bad.encode())}
    )
    html = response.content.decode()
    assert "Regel 4: first_name is leeg." in html
    assert "Regel 4: not-an-email is geen e-mailadres." in html
    assert "Regel 4: active moet 1 of 0 zijn." in html
    assert "Er is niets ingelezen" in html
    assert not Coordinator.objects.exists()


def test_a_pool_upload_waits_for_its_own_user_only(client, regional_manager, admin_user):
    from ekc import pending_imports
    from ekc.uploads import files_under

    client.force_login(regional_manager)
    upload = SimpleUploadedFile("pool.csv", POOL_CSV.replace("Twente", "Overijssel").encode())
    token = client.post(reverse("coordinators:import"), {"file": upload}).context["upload_token"]
    assert len(list(files_under(pending_imports.FOLDER))) == 1
    client.force_login(admin_user)
    response = client.post(
        reverse("coordinators:import"), {"confirm": "1", "upload": token}, follow=True
    )
    assert "Upload het opnieuw" in response.content.decode()
    assert not Coordinator.objects.exists()
    client.force_login(regional_manager)
    client.post(reverse("coordinators:import"), {"confirm": "1", "upload": token})
    assert Coordinator.objects.count() == 2
    assert list(files_under(pending_imports.FOLDER)) == []


@pytest.mark.parametrize("fixture", ["referrer", "coordinator", "researcher", "liaison"])
def test_import_is_for_managers_and_administrators(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("coordinators:import")).status_code == 403


def test_import_command_is_idempotent_by_code(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_text(POOL_CSV, encoding="utf-8")
    call_command("import_coordinators", str(path), stdout=io.StringIO())
    call_command("import_coordinators", str(path), stdout=io.StringIO())
    assert Coordinator.objects.count() == 2
    path.write_text(POOL_CSV.replace("nl;pl,2,1", "nl;pl,4,0"), encoding="utf-8")
    call_command("import_coordinators", str(path), stdout=io.StringIO())
    piotr = Coordinator.objects.get(code="C018")
    assert (piotr.max_active_cases, piotr.active) == (4, False)


def test_import_command_refuses_a_file_with_errors(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_text(POOL_CSV + "C017,X,Y,x@example.nl,Overijssel,nl,1,1,,,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_coordinators", str(path), stdout=io.StringIO(), stderr=err)
    assert "row 4" in err.getvalue()
    assert not Coordinator.objects.exists()


def _png_named_csv():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


def _zip_named_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pool.csv", POOL_CSV)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [_png_named_csv(), _zip_named_csv(), b"\x00\x01\x02" + POOL_CSV.encode()],
    ids=["png", "zip", "binary"],
)
def test_a_pool_file_that_is_no_csv_text_is_refused(client, regional_manager, content):
    client.force_login(regional_manager)
    response = client.post(
        reverse("coordinators:import"), {"file": SimpleUploadedFile("pool.csv", content)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_file"' in html
    assert not Coordinator.objects.exists()
    assert "confirm" not in html
