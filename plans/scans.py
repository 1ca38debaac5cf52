"""Scans of handwritten plans: what a file really is, and its removal when replaced.

A scan is accepted only when it opens with a parser, never on its name or first
bytes alone:

- a PDF opens with pypdf, is not encrypted and has 1 to ``PLAN_SCAN_MAX_PAGES``
  pages. Only its structure is read (cross-reference, catalogue, page tree); page
  contents are never decompressed, and the structure's own compressed streams stop
  at ``PDF_STREAM_LIMIT`` bytes, so a decompression bomb is refused, not unpacked;
- an image opens with Pillow as JPEG or PNG, has at most ``PLAN_SCAN_MAX_PIXELS``
  pixels (checked from its header, before any pixel is decoded), passes Pillow's
  ``verify()`` and then decodes in full (a JPEG at one eighth of its size).

The stored name gets the extension of the type found, so what is served later is
what was checked.
"""

import dataclasses
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, apply_configuration

from ekc.uploads import delete_after_commit, remove_stale
from plans.models import FamilyPlan

# Decompressed bytes pypdf may produce for one structural stream (cross-reference
# and object streams, a few kilobytes in real scans) while the PDF is checked.
PDF_STREAM_LIMIT = 5_000_000
PDF_LIMITS = {
    "maximum_declared_stream_length": PDF_STREAM_LIMIT,
    "array_based_stream_maximum_output_length": PDF_STREAM_LIMIT,
    "zlib_maximum_output_length": PDF_STREAM_LIMIT,
    "lzw_maximum_output_length": PDF_STREAM_LIMIT,
    "run_length_maximum_output_length": PDF_STREAM_LIMIT,
    "brotli_maximum_output_length": PDF_STREAM_LIMIT,
    "stream_decoding_work_maximum_length": 4 * PDF_STREAM_LIMIT,
}
SCAN_FOLDER = "plans"


@dataclasses.dataclass(frozen=True)
class ScanType:
    content_type: str
    extension: str
    signature: bytes


PDF = ScanType("application/pdf", ".pdf", b"%PDF-")
JPEG = ScanType("image/jpeg", ".jpg", b"\xff\xd8\xff")
PNG = ScanType("image/png", ".png", b"\x89PNG\r\n\x1a\n")
# Pillow's names for the image types a scan may be. Phone cameras often write MPO: a
# JPEG with a second, smaller picture appended, which every JPEG reader shows.
IMAGE_TYPES = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG}
# Extensions of stored scans; ".jpeg" only on scans stored before names followed the type.
BY_EXTENSION = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}


def _not_readable(kind):
    return ValidationError(
        _("This file looks like a %(kind)s but cannot be opened. Save it again and upload it.")
        % {"kind": kind},
        code="unreadable",
    )


def _check_pdf(file):
    try:
        with apply_configuration(**PDF_LIMITS):
            # Not strict: pypdf repairs what scanners often get slightly wrong (and
            # logs it); a file it cannot repair still raises.
            reader = PdfReader(file, strict=False)
            encrypted = reader.is_encrypted
            pages = None if encrypted else len(reader.pages)
    except Exception:
        # pypdf raises many kinds of errors on a damaged or hostile file (its own,
        # and KeyError, ValueError, RecursionError ...): each means "not readable".
        raise _not_readable("PDF") from None
    if encrypted:
        raise ValidationError(
            _("This PDF is protected with a password. Save it without a password and upload it."),
            code="encrypted",
        )
    if not pages:
        raise ValidationError(_("This PDF has no pages."), code="empty")
    if pages > settings.PLAN_SCAN_MAX_PAGES:
        raise ValidationError(
            _("This PDF has %(pages)s pages; a scan of a plan has at most %(max)s.")
            % {"pages": pages, "max": settings.PLAN_SCAN_MAX_PAGES},
            code="pages",
        )
    return PDF


def _too_many_pixels():
    return ValidationError(
        _(
            "This image has too many pixels (at most %(max)s megapixels). "
            "Make it smaller and upload it again."
        )
        % {"max": settings.PLAN_SCAN_MAX_PIXELS // 1_000_000},
        code="pixels",
    )


# Pillow's openers to try (its JPEG opener also opens MPO).
IMAGE_OPENERS = ["JPEG", "PNG"]


def _check_image(file, head):
    kind = next((k for k in (JPEG, PNG) if head.startswith(k.signature)), None)
    try:
        with Image.open(file, formats=IMAGE_OPENERS) as image:
            kind = IMAGE_TYPES[image.format]
            width, height = image.size
            if width * height > settings.PLAN_SCAN_MAX_PIXELS:
                raise _too_many_pixels()
            image.verify()
        # verify() leaves the image unusable and checks little of a JPEG: open it
        # again and decode it, a JPEG at 1/8 of its size (cheap, same data read).
        file.seek(0)
        with Image.open(file, formats=IMAGE_OPENERS) as image:
            if kind is JPEG:
                image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses images over twice its MAX_IMAGE_PIXELS and warns above
        # it; the warning is an error where warnings are (tests). Elsewhere it is
        # only logged, and the pixel count above (never more than Pillow's
        # limit, see the settings) refuses the image.
        raise _too_many_pixels() from None
    except ValidationError:
        raise
    except Exception:
        # UnidentifiedImageError, OSError, SyntaxError, struct.error, ... from a
        # damaged or hostile file, or one of another type.
        if kind is None:
            raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="type") from None
        raise _not_readable("JPEG" if kind is JPEG else "PNG") from None
    return kind


def check_scan(file):
    """The type of an uploaded scan, found by opening it; ``ValidationError`` (in
    Dutch, for the form field) when it is no PDF, JPEG or PNG that can be read.

    Leaves ``file`` at its start.
    """
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        if head.startswith(PDF.signature):
            return _check_pdf(file)
        return _check_image(file, head)
    finally:
        file.seek(0)


def stored_name(kind):
    """The name a checked scan is stored under: random (the client's file name may
    hold a family's name) with the extension of the type found."""
    return f"{secrets.token_hex(16)}{kind.extension}"


def served_type(name, head):
    """The type to serve a stored scan as: the one its extension names, when its
    first bytes agree (scans stored before names followed the type found may lie)."""
    for extension, kind in BY_EXTENSION.items():
        if name.lower().endswith(extension) and head.startswith(kind.signature):
            return kind
    return None


def scan_in_use(name):
    return FamilyPlan.objects.filter(scan=name).exists()


def delete_scan_after_commit(name):
    """Delete a scan no plan uses any more, once the change that dropped it commits."""
    delete_after_commit(name, still_used=scan_in_use)


def on_plan_deleted(sender, instance, **kwargs):
    delete_scan_after_commit(instance.scan.name)


def remove_orphan_scans(*, now):
    """Delete scan files that no plan points to and that are older than a day (left
    behind by a crash between storing an upload and committing its plan)."""

    def in_use():
        return set(FamilyPlan.objects.exclude(scan="").values_list("scan", flat=True))

    return remove_stale(SCAN_FOLDER, now=now, in_use=in_use)
