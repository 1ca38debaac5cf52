import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ekc import pending_imports
from ekc.uploads import files_under
from referrals.models import Referral
from shell import import_views
from tests.shell.test_import_registrations import case

pytestmark = pytest.mark.django_db


def upload(client, *records, raw=None):
    text = "\n".join([json.dumps(r) for r in records] + ([raw] if raw else [])) + "\n"
    return client.post(
        reverse("import_registrations"), {"file": SimpleUploadedFile("c.jsonl", text.encode())}
    )


def confirm(client, preview, **options):
    token = preview.context["upload_token"] or ""
    return client.post(
        reverse("import_registrations"), {"confirm": "1", "upload": token}, **options
    )


def test_administrator_checks_then_confirms(client, admin_user):
    client.force_login(admin_user)
    preview = upload(client, case(), case(reference="EK-2019-0002"))
    assert "2 zaken zijn goed en klaar om in te lezen" in preview.content.decode()
    assert not Referral.objects.exists()
    confirm(client, preview)
    assert Referral.objects.count() == 2


def test_errors_are_shown_per_line_and_nothing_is_imported(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, case(), case(reference="EK-2019-0002", occasion="bad"), raw="{oops")
    html = response.content.decode()
    assert "Regel 2: unknown occasion" in html
    assert "Regel 3: not valid JSON" in html
    assert response.context["upload_token"] is None
    confirm(client, response)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("fixture", ["regional_manager", "researcher", "referrer", "coordinator"])
def test_only_administrators_import(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("import_registrations")).status_code == 403


def waiting_uploads():
    return list(files_under(pending_imports.FOLDER))


def test_a_crash_while_checking_an_upload_leaves_no_file(client, admin_user, monkeypatch):
    def crash(lines):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_views, "validate_lines", crash)
    client.force_login(admin_user)
    with pytest.raises(RuntimeError):
        upload(client, case())
    assert waiting_uploads() == []


def test_a_crashed_import_leaves_no_file(client, admin_user, monkeypatch):
    client.force_login(admin_user)
    preview = upload(client, case())
    assert len(waiting_uploads()) == 1

    def crash(validation, actor):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_views, "import_lines", crash)
    with pytest.raises(RuntimeError):
        confirm(client, preview)
    assert waiting_uploads() == []
    assert not Referral.objects.exists()
    again = confirm(client, preview, follow=True)
    assert "Upload het opnieuw" in again.content.decode()


def test_a_file_with_errors_and_a_confirmed_import_leave_no_file(client, admin_user):
    client.force_login(admin_user)
    upload(client, case(occasion="bad"))
    upload(client, raw="\x89PNG not json")
    assert waiting_uploads() == []
    confirm(client, upload(client, case()))
    assert waiting_uploads() == []
    assert Referral.objects.count() == 1


def test_a_newer_upload_replaces_the_one_waiting(client, admin_user):
    client.force_login(admin_user)
    first = upload(client, case())
    second = upload(client, case(reference="EK-2019-0002"))
    assert len(waiting_uploads()) == 1
    assert "Upload het opnieuw" in confirm(client, first, follow=True).content.decode()
    confirm(client, second)
    assert list(Referral.objects.values_list("reference", flat=True)) == ["EK-2019-0002"]


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "0" * 32, None])
def test_a_tampered_token_confirms_nothing(client, admin_user, token):
    client.force_login(admin_user)
    upload(client, case())
    data = {"confirm": "1"} if token is None else {"confirm": "1", "upload": token}
    response = client.post(reverse("import_registrations"), data, follow=True)
    assert "Upload het opnieuw" in response.content.decode()
    assert not Referral.objects.exists()


def test_another_administrator_cannot_confirm_an_upload(client, admin_user):
    from tests.conftest import make_user

    client.force_login(admin_user)
    preview = upload(client, case())
    client.force_login(make_user("other.admin@ekc.test", is_superuser=True, is_staff=True))
    assert "Upload het opnieuw" in confirm(client, preview, follow=True).content.decode()
    assert not Referral.objects.exists()
    assert len(waiting_uploads()) == 1  # still the first administrator's to confirm


def test_clean_uploads_removes_abandoned_previews_of_both_imports(client, admin_user, region):
    import io
    import os

    from django.core.files.storage import storages
    from django.core.management import call_command

    client.force_login(admin_user)
    upload(client, case())
    pool = "code,first_name,last_name,email,region,languages,max_active_cases,active\n"
    pool += "C001,Ann,Bee,ann@example.nl,Overijssel,nl,2,1\n"
    client.post(
        reverse("coordinators:import"), {"file": SimpleUploadedFile("p.csv", pool.encode())}
    )
    abandoned = waiting_uploads()
    assert sorted(name.rsplit(".", 1)[1] for name in abandoned) == ["csv", "jsonl"]
    storage = storages["private"]
    two_days_ago = storage.get_modified_time(abandoned[0]).timestamp() - 2 * 86400
    for name in abandoned:
        os.utime(storage.path(name), (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("clean_uploads", stdout=out)
    assert "2 import upload(s)" in out.getvalue()
    assert waiting_uploads() == []
