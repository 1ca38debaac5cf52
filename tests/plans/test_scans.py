"""Scans of handwritten plans: a file is accepted only when it opens as a PDF, JPEG or
PNG; a replaced or removed scan leaves no file behind."""

import io
import os
import struct
import warnings
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from plans import services
from plans.scans import check_scan
from referrals.services import TransitionError
from tests import factories
from tests.forms import hidden_fields

pytestmark = pytest.mark.django_db


def image(fmt="PNG", size=(16, 16)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return buffer.getvalue()


def png_claiming(width, height):
    """A small, valid PNG whose header says it is ``width`` x ``height`` pixels."""
    data = bytearray(image("PNG", (1, 1)))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def pdf(pages=1, password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_with_pdf_header():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plan.txt", b"\0" * 20_000_000)
    return b"%PDF-1.7\n" + buffer.getvalue()


def pdf_with_bomb():
    """A PDF whose cross-reference stream unpacks to 200 MB (200 KB on disk)."""
    data = zlib.compress(b"\0" * 200_000_000, 9)
    head = b"%PDF-1.5\n"
    xref = (
        b"1 0 obj\n<< /Type /XRef /Size 2 /W [1 2 1] /Root 2 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n" % len(data)
    )
    return head + xref + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(head)


@pytest.fixture
def draft(regional_manager, organization, coordinator):
    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    return services.plan_start(referral=referral, actor=coordinator)


def form_data(**extra):
    return {
        "written_language": "nl",
        "contingency": "Tante vangt op",
        "agreements-TOTAL_FORMS": "1",
        "agreements-INITIAL_FORMS": "0",
        "agreements-0-what": "Oma kookt op maandag",
        "agreements-0-who": "Oma",
        "agreements-0-life_domain": "upbringing",
        "agreements-0-carried_by": "network",
        "dates-TOTAL_FORMS": "0",
        "dates-INITIAL_FORMS": "0",
        "save": "1",
        **extra,
    }


def upload(client, plan, name, content, **extra):
    url = reverse("plans:edit", args=[plan.pk])
    # The version the draft was read at, as the browser sends it back.
    hidden = hidden_fields(client.get(url), url)
    return client.post(
        url, {**hidden, **form_data(scan=SimpleUploadedFile(name, content), **extra)}
    )


def stored_scans():
    root = storages["private"].path("plans")
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    )


REFUSED = {
    "fake pdf": (
        "plan.pdf",
        b"%PDF-1.4\nthis is not a pdf at all",
        "Dit bestand lijkt een PDF, maar het gaat niet open.",
    ),
    "html with a pdf header": (
        "plan.pdf",
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        "Dit bestand lijkt een PDF, maar het gaat niet open.",
    ),
    "zip with a pdf header": (
        "plan.pdf",
        zip_with_pdf_header(),
        "Dit bestand lijkt een PDF, maar het gaat niet open.",
    ),
    "pdf whose structure is a decompression bomb": (
        "plan.pdf",
        pdf_with_bomb(),
        "Dit bestand lijkt een PDF, maar het gaat niet open.",
    ),
    "encrypted pdf": ("plan.pdf", pdf(password="geheim"), "beveiligd met een wachtwoord"),
    "pdf of 51 pages": ("plan.pdf", pdf(pages=51), "Deze PDF heeft 51 pagina&#x27;s."),
    "html with a png header": (
        "x.html",
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        "Dit bestand lijkt een PNG, maar het gaat niet open.",
    ),
    "png with html after its header": (
        "x.png",
        image("PNG")[:33] + b"<html><script>alert(1)</script></html>",
        "Dit bestand lijkt een PNG, maar het gaat niet open.",
    ),
    "truncated jpeg": (
        "photo.jpg",
        image("JPEG", (400, 400))[:400],
        "Dit bestand lijkt een JPEG, maar het gaat niet open.",
    ),
    "gif": ("plan.gif", image("GIF"), "Upload een PDF-, JPEG- of PNG-bestand."),
    "executable": ("plan.pdf", b"MZ\x90\x00 not a scan", "Upload een PDF-, JPEG- of PNG-bestand."),
    "png claiming 100000 x 100000 pixels": (
        "plan.png",
        png_claiming(100_000, 100_000),
        "Deze afbeelding heeft te veel pixels",
    ),
    "png claiming 10000 x 10000 pixels (a Pillow warning)": (
        "plan.png",
        png_claiming(10_000, 10_000),
        "Deze afbeelding heeft te veel pixels",
    ),
    "png claiming 50 megapixels": (
        "plan.png",
        png_claiming(10_000, 5_000),
        "Deze afbeelding heeft te veel pixels (niet meer dan 40 megapixels).",
    ),
}


@pytest.mark.parametrize(("name", "content", "error"), REFUSED.values(), ids=REFUSED.keys())
def test_a_scan_that_does_not_open_is_refused_and_the_form_kept(
    client, draft, coordinator, name, content, error
):
    client.force_login(coordinator)
    response = upload(client, draft, name, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html
    assert 'id="error_1_id_scan"' in html  # next to the field
    assert "Oma kookt op maandag" in html  # the agreements typed in are kept
    assert "Tante vangt op" in html
    draft.refresh_from_db()
    assert not draft.scan
    assert stored_scans() == []


ACCEPTED = {
    "pdf": ("plan.pdf", pdf(pages=2), ".pdf", "application/pdf"),
    "pdf of 50 pages": ("plan.pdf", pdf(pages=50), ".pdf", "application/pdf"),
    "png": ("scan.png", image("PNG"), ".png", "image/png"),
    "png named x.html": ("x.html", image("PNG"), ".png", "image/png"),
    "jpeg": ("Familie Jansen.jpeg", image("JPEG"), ".jpg", "image/jpeg"),
    "jpeg named plan.pdf": ("plan.pdf", image("JPEG"), ".jpg", "image/jpeg"),
}


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"), ACCEPTED.values(), ids=ACCEPTED.keys()
)
def test_a_scan_that_opens_is_stored_and_served_as_the_type_found(
    client, draft, coordinator, name, content, extension, content_type
):
    client.force_login(coordinator)
    response = upload(client, draft, name, content)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scan.name.startswith("plans/")
    assert draft.scan.name.endswith(extension)
    assert "Jansen" not in draft.scan.name  # the client's name is not kept
    reference = draft.referral.reference
    served = client.get(reverse("plans:scan", args=[draft.pk]))
    assert b"".join(served.streaming_content) == content
    # Closing a streamed response ends the request, and with it (on PostgreSQL) the
    # test's connection: nothing touches the database after this.
    served.close()
    assert served["Content-Type"] == content_type
    assert served["Content-Disposition"] == (
        f'attachment; filename="plan-{reference}-scan{extension}"'
    )
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_huge_image_is_refused_where_pillow_only_warns():
    # In production Pillow's DecompressionBombWarning is only logged, not raised.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(ValidationError) as refused:
            check_scan(SimpleUploadedFile("plan.png", png_claiming(10_000, 10_000)))
    assert refused.value.code == "pixels"


def test_a_phone_photo_with_a_second_picture_is_a_jpeg(client, draft, coordinator):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(
        buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (8, 8), "red")]
    )
    client.force_login(coordinator)
    assert upload(client, draft, "IMG_0001.JPG", buffer.getvalue()).status_code == 302
    draft.refresh_from_db()
    assert draft.scan.name.endswith(".jpg")


def test_a_stored_scan_whose_name_and_content_disagree_is_served_as_bytes(
    client, draft, coordinator
):
    # Stored before names followed the type found: a PNG header in an .html file.
    draft.scan.save("x.html", io.BytesIO(b"\x89PNG\r\n\x1a\n<html></html>"), save=True)
    client.force_login(coordinator)
    served = client.get(reverse("plans:scan", args=[draft.pk]))
    served.close()
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_four_uploads_of_a_scan_leave_one_file(
    client, draft, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for content in (image("PNG"), image("JPEG"), pdf(), image("PNG", (20, 20))):
        with django_capture_on_commit_callbacks(execute=True):
            assert upload(client, draft, "scan", content).status_code == 302
    draft.refresh_from_db()
    assert stored_scans() == [os.path.relpath(draft.scan.path, storages["private"].path("plans"))]
    assert draft.scan.read() == image("PNG", (20, 20))
    draft.scan.close()


def test_a_cleared_scan_leaves_no_file(
    client, draft, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft, "scan.png", image("PNG"))
    assert len(stored_scans()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("plans:edit", args=[draft.pk])
        client.post(
            url, {**hidden_fields(client.get(url), url), **form_data(**{"scan-clear": "on"})}
        )
    draft.refresh_from_db()
    assert not draft.scan
    assert stored_scans() == []


def test_a_new_and_a_removed_scan_are_case_events(
    client, draft, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft, "scan.png", image("PNG"))
        url = reverse("plans:edit", args=[draft.pk])
        client.post(
            url, {**hidden_fields(client.get(url), url), **form_data(**{"scan-clear": "on"})}
        )
        client.post(url, {**hidden_fields(client.get(url), url), **form_data()})  # no change
    events = draft.referral.events.filter(kind__startswith="plan_scan").order_by("pk")
    assert [(e.kind, e.actor_id, e.details) for e in events] == [
        ("plan_scan_attached", coordinator.pk, {"version": 1}),
        ("plan_scan_removed", coordinator.pk, {"version": 1}),
    ]


def test_a_deleted_plan_leaves_no_file(draft, django_capture_on_commit_callbacks):
    draft.scan.save("scan.png", io.BytesIO(image("PNG")), save=True)
    assert len(stored_scans()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        draft.referral.delete()  # the plan goes with its case
    assert stored_scans() == []


def test_the_old_scan_stays_until_the_change_commits(
    draft, coordinator, django_capture_on_commit_callbacks
):
    draft.scan.save("old.png", io.BytesIO(image("PNG")), save=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.plan_save(
            plan=draft,
            actor=coordinator,
            version=type(draft).objects.get(pk=draft.pk).edit_version,
            fields={},
            agreements=[],
            evaluation_dates=[],
            scan=SimpleUploadedFile("new.png", image("PNG")),
        )
        assert len(stored_scans()) == 2  # the committed row still points to the old one
    for callback in callbacks:
        callback()
    draft.refresh_from_db()
    assert stored_scans() == [os.path.relpath(draft.scan.path, storages["private"].path("plans"))]


def test_a_scan_whose_plan_cannot_be_saved_is_not_kept(
    draft, coordinator, django_capture_on_commit_callbacks
):
    draft.scan.save("old.png", io.BytesIO(image("PNG")), save=True)
    services.plan_save(
        plan=draft,
        actor=coordinator,
        version=draft.edit_version,
        fields={},
        agreements=factories.AGREEMENT_ROWS[:1],
        evaluation_dates=[],
    )
    services.plan_submit(plan=draft, actor=coordinator)  # frozen, e.g. in another tab
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        services.plan_save(
            plan=draft,
            actor=coordinator,
            version=type(draft).objects.get(pk=draft.pk).edit_version,
            fields={},
            agreements=[],
            evaluation_dates=[],
            scan=SimpleUploadedFile("new.png", image("PNG")),
        )
    draft.refresh_from_db()
    assert stored_scans() == [os.path.relpath(draft.scan.path, storages["private"].path("plans"))]


def test_clean_uploads_removes_day_old_orphans_only(draft):
    storage = storages["private"]
    draft.scan.save("used.png", io.BytesIO(image("PNG")), save=True)
    orphan = storage.save("plans/2025/01/orphan.png", io.BytesIO(image("PNG")))
    fresh = storage.save("plans/2025/01/fresh.png", io.BytesIO(image("PNG")))
    stale_import = storage.save("imports/stale.jsonl", io.BytesIO(b"{}\n"))
    fresh_import = storage.save("imports/fresh.jsonl", io.BytesIO(b"{}\n"))
    report = storage.save("reports/old.pdf", io.BytesIO(pdf()))
    two_days_ago = storage.get_modified_time(orphan).timestamp() - 2 * 86400
    for name in (draft.scan.name, orphan, stale_import, report):
        os.utime(storage.path(name), (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("clean_uploads", stdout=out)
    assert "1 import upload(s) and 1 scan(s) removed." in out.getvalue()
    assert not storage.exists(orphan) and not storage.exists(stale_import)
    for kept in (draft.scan.name, fresh, fresh_import, report):
        assert storage.exists(kept)
