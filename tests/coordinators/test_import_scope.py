"""The pool import changes only what the person importing may change.

A regional manager's upload once updated a coordinator of another region (e-mail
included, so a password reset handed her the account) and made a researcher a
coordinator. These tests pin the scope of each way in.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from coordinators.models import Coordinator
from ekc.models import Region, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HEADER = "code,first_name,last_name,email,region,languages,max_active_cases,active\n"


def _upload(client, user, csv_text):
    client.force_login(user)
    response = client.post(
        reverse("coordinators:import"), {"file": SimpleUploadedFile("pool.csv", csv_text.encode())}
    )
    # The confirm form carries the token of the waiting upload.
    client.upload_token = response.context["upload_token"] or ""
    return response


def _confirm(client):
    return client.post(
        reverse("coordinators:import"), {"confirm": "1", "upload": client.upload_token}
    )


@pytest.fixture
def mails(django_capture_on_commit_callbacks, mailoutbox):
    """Run the mails queued for after the commit (tests run inside one transaction)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def test_manager_cannot_update_a_coordinator_of_another_region(
    client, coordinator, other_regional_manager, other_region, mailoutbox
):
    # The Amsterdam manager names Overijssel's C001 with her own address.
    csv_text = HEADER + "C001,Eve,Attacker,eve@evil.example,Amsterdam,nl,3,1\n"
    page = _upload(client, other_regional_manager, csv_text).content.decode()
    assert "C001 werkt niet in een van jouw regio" in page
    _confirm(client)
    coordinator.refresh_from_db()
    assert coordinator.email == "coordinator@ekc.test"
    assert coordinator.first_name == "Coordinator"
    assert list(coordinator.regions.values_list("name", flat=True)) == ["Overijssel"]
    assert mailoutbox == []


def test_manager_cannot_change_the_email_of_her_own_coordinator(
    client, coordinator, regional_manager
):
    csv_text = HEADER + "C001,Cora,Test,new.address@example.nl,Overijssel,nl,3,1\n"
    page = _upload(client, regional_manager, csv_text).content.decode()
    assert "Alleen een beheerder kan dat veranderen" in page
    _confirm(client)
    coordinator.refresh_from_db()
    assert coordinator.email == "coordinator@ekc.test"


def test_manager_updates_her_own_coordinator_but_not_the_email_or_roles(
    client, coordinator, regional_manager, mailoutbox
):
    csv_text = HEADER + "C001,Cora,Nieuwenhuis,COORDINATOR@ekc.test,Overijssel,nl;ar,4,1\n"
    _upload(client, regional_manager, csv_text)
    _confirm(client)
    coordinator.refresh_from_db()
    profile = coordinator.coordinator_profile
    assert (coordinator.last_name, profile.languages, profile.max_active_cases) == (
        "Nieuwenhuis",
        ["nl", "ar"],
        4,
    )
    assert coordinator.email == "coordinator@ekc.test"
    assert (coordinator.is_superuser, coordinator.is_regional_manager) == (False, False)
    assert mailoutbox == []


@pytest.mark.parametrize(
    "owner_flags",
    [
        {"is_researcher": True},
        {"is_liaison": True},
        {},
        {"is_superuser": True, "is_staff": True},
    ],
)
def test_no_import_makes_an_existing_account_a_coordinator(
    client, regional_manager, owner_flags, tmp_path
):
    owner = make_user("someone@ekc.test", **owner_flags)
    csv_text = HEADER + "C050,Some,One,someone@ekc.test,Overijssel,nl,2,1\n"
    page = _upload(client, regional_manager, csv_text).content.decode()
    assert "hoort al bij een andere gebruiker van EKC" in page
    _confirm(client)
    path = tmp_path / "pool.csv"
    path.write_text(csv_text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_coordinators", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    owner.refresh_from_db()
    assert (owner.is_coordinator, owner.first_name) == (False, "Someone")
    assert not Coordinator.objects.filter(code="C050").exists()


def test_manager_creates_coordinators_in_her_own_regions_only(
    client, regional_manager, other_region
):
    csv_text = (
        HEADER
        + "C051,Anna,Bakker,anna@example.nl,Amsterdam,nl,2,1\n"
        + "C052,Bert,Smit,bert@example.nl,Nergenshuizen,nl,2,1\n"
    )
    page = _upload(client, regional_manager, csv_text).content.decode()
    assert "Amsterdam is niet een van jouw regio" in page
    assert "Er is geen regio Nergenshuizen" in page
    _confirm(client)
    assert not Coordinator.objects.exists()
    assert not Region.objects.filter(name="Nergenshuizen").exists()


def test_new_coordinator_gets_an_invitation_that_sets_a_password(
    client, regional_manager, mailoutbox, mails
):
    csv_text = HEADER + "C053,Dana,Visser,dana@example.nl,Overijssel,nl,2,1\n"
    _upload(client, regional_manager, csv_text)
    mails(_confirm, client)
    assert [mail.to for mail in mailoutbox] == [["dana@example.nl"]]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/wachtwoord-vergeten/" in line)
    client.logout()
    path = link.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "een-lang-nieuw-wachtwoord",
            "new_password2": "een-lang-nieuw-wachtwoord",
        },
    )
    assert User.objects.get(email="dana@example.nl").check_password("een-lang-nieuw-wachtwoord")


def test_invitation_can_be_sent_again_by_the_manager_of_the_coordinator(
    client, regional_manager, other_regional_manager, region, mailoutbox, mails
):
    user = User.objects.create_user(
        email="new@example.nl", first_name="New", last_name="One", is_coordinator=True
    )
    user.regions.add(region)
    profile = Coordinator.objects.create(user=user, code="C060")
    pool = _login_and_get(client, regional_manager, reverse("coordinators:pool"))
    assert "Stuur de uitnodiging opnieuw" in pool
    mails(client.post, reverse("coordinators:invite", args=[profile.pk]))
    assert [mail.to for mail in mailoutbox] == [["new@example.nl"]]
    client.force_login(other_regional_manager)
    assert mails(client.post, reverse("coordinators:invite", args=[profile.pk])).status_code == 404
    assert len(mailoutbox) == 1


def test_forgot_password_works_for_an_account_without_a_password(client, mailoutbox):
    User.objects.create_user(email="fresh@example.nl", first_name="F", last_name="R")
    client.post(reverse("password_reset"), {"email": "fresh@example.nl"})
    assert [mail.to for mail in mailoutbox] == [["fresh@example.nl"]]


def _login_and_get(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_command_line_shows_an_email_change_and_needs_confirmation(
    coordinator, tmp_path, mailoutbox, mails
):
    path = tmp_path / "pool.csv"
    path.write_text(
        HEADER + "C001,Coordinator,Test,moved@example.nl,Overijssel,nl,2,1\n", encoding="utf-8"
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("import_coordinators", str(path), stdout=out, stderr=io.StringIO())
    assert "from coordinator@ekc.test to moved@example.nl" in out.getvalue()
    coordinator.refresh_from_db()
    assert coordinator.email == "coordinator@ekc.test"

    mails(call_command, "import_coordinators", str(path), "--yes", stdout=io.StringIO())
    coordinator.refresh_from_db()
    assert coordinator.email == "moved@example.nl"
    # The old address is told.
    assert [mail.to for mail in mailoutbox] == [["coordinator@ekc.test"]]
    assert "moved@example.nl" in mailoutbox[0].body


def test_command_line_updates_any_region_and_creates_regions(coordinator, tmp_path):
    path = tmp_path / "pool.csv"
    path.write_text(
        HEADER
        + "C001,Coordinator,Test,coordinator@ekc.test,Twente,nl,2,1\n"
        + "C070,Nina,Nieuw,nina@example.nl,Twente,nl,2,1\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_coordinators", str(path), stdout=out)
    assert "new region: Twente" in out.getvalue()
    coordinator.refresh_from_db()
    assert set(coordinator.regions.values_list("name", flat=True)) == {"Overijssel", "Twente"}
    assert Coordinator.objects.get(code="C070").user.regions.get().name == "Twente"


def test_administrator_changes_email_in_the_browser_after_seeing_it(
    client, admin_user, coordinator, mailoutbox, mails
):
    csv_text = HEADER + "C001,Coordinator,Test,moved@example.nl,Overijssel,nl,2,1\n"
    page = _upload(client, admin_user, csv_text).content.decode()
    assert "C001 van coordinator@ekc.test naar moved@example.nl" in page
    mails(_confirm, client)
    coordinator.refresh_from_db()
    assert coordinator.email == "moved@example.nl"
    assert [mail.to for mail in mailoutbox] == [["coordinator@ekc.test"]]


def test_email_change_in_the_management_site_tells_the_old_address(
    client, admin_user, referrer, mailoutbox, mails
):
    client.force_login(admin_user)
    url = reverse("admin:ekc_user_change", args=[referrer.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("password", "last_login", "regions")
    }
    data.update(
        {
            "email": "referrer.new@ekc.test",
            "date_joined_0": referrer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": referrer.date_joined.strftime("%H:%M:%S"),
        }
    )
    data = {k: v for k, v in data.items() if v is not False and k != "date_joined"}
    response = mails(client.post, url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    referrer.refresh_from_db()
    assert referrer.email == "referrer.new@ekc.test"
    assert [mail.to for mail in mailoutbox] == [["referrer@ekc.test"]]


def test_a_field_over_the_csv_limit_is_an_error_not_a_crash(client, regional_manager):
    csv_text = HEADER + "C080,A,B,a@example.nl,Overijssel,nl,2," + "1" * 140_000 + "\n"
    response = _upload(client, regional_manager, csv_text)
    assert response.status_code == 200
    assert "kan niet als CSV worden gelezen" in response.content.decode()
