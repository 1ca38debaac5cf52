import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Referral
from tests.ekc.test_import_registrations import case

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
