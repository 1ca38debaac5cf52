"""Import of historic registrations in the web UI, for administrators: check the
whole file first (every error with its line), then confirm."""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekc.rules import is_administrator
from ekc.uploads import delete_file
from shell.interchange import import_lines, validate_lines

SESSION_KEY = "registrations_import_file"
# Uploads waiting for their confirmation, in the private storage.
IMPORT_FOLDER = "imports"
MAX_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("JSON Lines file (.jsonl), one case per line"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is larger than 200 MB."))
        return upload


def _lines(name):
    with storages["private"].open(name, "rb") as handle:
        for raw in handle:
            yield raw.decode("utf-8")


def import_registrations(request):
    """Upload (checked at once, kept in the private storage until confirmed), then
    confirm (checked again and imported). The stored upload is deleted after the
    confirmation whatever happens, when it has errors, when checking it fails, and
    when a newer upload replaces it; ``clean_uploads`` removes what a killed process
    left behind."""
    if not is_administrator(request.user):
        raise PermissionDenied
    storage = storages["private"]
    if request.method == "POST" and "confirm" in request.POST:
        name = request.session.pop(SESSION_KEY, None)
        if not name or not storage.exists(name):
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect("import_registrations")
        try:
            try:
                validation = validate_lines(lambda: _lines(name))
            except UnicodeDecodeError:
                validation = None
            if validation is None or not validation.ok:
                messages.error(request, _("The file has errors; nothing has been imported."))
                return redirect("import_registrations")
            created, skipped = import_lines(validation, actor=request.user)
        finally:
            delete_file(name)
        messages.success(
            request,
            _("%(created)s cases imported; %(skipped)s were already there.")
            % {"created": created, "skipped": skipped},
        )
        return redirect("import_registrations")
    form = UploadForm(request.POST or None, request.FILES or None)
    validation = None
    decode_error = False
    if request.method == "POST" and form.is_valid():
        # Streamed to disk in chunks: a large file is never held in memory.
        name = storage.save(
            f"{IMPORT_FOLDER}/{secrets.token_hex(16)}.jsonl", form.cleaned_data["file"]
        )
        keep = False
        try:
            try:
                validation = validate_lines(lambda: _lines(name))
            except UnicodeDecodeError:
                decode_error = True
            keep = validation is not None and validation.ok
        finally:
            if not keep:
                delete_file(name)
        if keep:
            previous = request.session.get(SESSION_KEY)
            if previous and previous != name:
                delete_file(previous)
            request.session[SESSION_KEY] = name
    return render(
        request,
        "shell/import_registrations.html",
        {
            "form": form,
            "validation": validation,
            "decode_error": decode_error,
            "errors": (validation.errors[:500] if validation else []),
        },
    )
