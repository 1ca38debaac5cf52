import json

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Referral
from shell import import_views
from tests.shell.test_import_registrations import case

pytestmark = pytest.mark.django_db


def upload(client, *records, raw=None):
    text = "\n".join([json.dumps(r) for r in records] + ([raw] if raw else [])) + "\n"
    return client.post(
        reverse("import_registrations"), {"file": SimpleUploadedFile("c.jsonl", text.encode())}
    )


def test_administrator_checks_then_confirms(client, admin_user):
    client.force_login(admin_user)
    preview = upload(client, case(), case(reference="EK-2019-0002"))
    assert "2 zaken zijn goed en klaar om in te lezen" in preview.content.decode()
    assert not Referral.objects.exists()
    client.post(reverse("import_registrations"), {"confirm": "1"})
    assert Referral.objects.count() == 2


def test_errors_are_shown_per_line_and_nothing_is_imported(client, admin_user):
    client.force_login(admin_user)
    response = upload(client, case(), case(reference="EK-2019-0002", occasion="bad"), raw="{oops")
    html = response.content.decode()
    assert "Regel 2: unknown occasion" in html
    assert "Regel 3: not valid JSON" in html
    client.post(reverse("import_registrations"), {"confirm": "1"})
    assert not Referral.objects.exists()


@pytest.mark.parametrize("fixture", ["regional_manager", "researcher", "referrer", "coordinator"])
def test_only_administrators_import(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("import_registrations")).status_code == 403


def waiting_uploads():
    storage = storages["private"]
    return storage.listdir("imports")[1] if storage.exists("imports") else []


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
    upload(client, case())
    assert len(waiting_uploads()) == 1

    def crash(validation, actor):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_views, "import_lines", crash)
    with pytest.raises(RuntimeError):
        client.post(reverse("import_registrations"), {"confirm": "1"})
    assert waiting_uploads() == []
    assert not Referral.objects.exists()
    again = client.post(reverse("import_registrations"), {"confirm": "1"}, follow=True)
    assert "Upload het opnieuw" in again.content.decode()


def test_a_file_with_errors_and_a_confirmed_import_leave_no_file(client, admin_user):
    client.force_login(admin_user)
    upload(client, case(occasion="bad"))
    upload(client, raw="\x89PNG not json")
    assert waiting_uploads() == []
    upload(client, case())
    client.post(reverse("import_registrations"), {"confirm": "1"})
    assert waiting_uploads() == []
    assert Referral.objects.count() == 1


def test_a_newer_upload_replaces_the_one_waiting(client, admin_user):
    client.force_login(admin_user)
    upload(client, case())
    upload(client, case(reference="EK-2019-0002"))
    assert len(waiting_uploads()) == 1
    client.post(reverse("import_registrations"), {"confirm": "1"})
    assert list(Referral.objects.values_list("reference", flat=True)) == ["EK-2019-0002"]
