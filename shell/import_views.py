"""Import of historic registrations in the web UI, for administrators: check the
whole file first (every error with its line), then confirm."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekc import pending_imports
from ekc.rules import is_administrator
from shell.interchange import import_lines, validate_lines

MAX_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("JSON Lines file (.jsonl), one case per line"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is larger than 200 MB."))
        return upload


def import_registrations(request):
    """Upload (checked at once, kept until confirmed, see ``ekc.pending_imports``),
    then confirm (checked again and imported). The stored upload is deleted after
    the confirmation whatever happens, when it has errors and when checking it
    fails."""
    if not is_administrator(request.user):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        try:
            name = pending_imports.waiting(request.POST.get("upload"), **_pending(request))
        except pending_imports.Expired:
            messages.error(request, _("The uploaded file has expired. Upload it again."))
            return redirect("import_registrations")
        try:
            try:
                validation = validate_lines(lambda: pending_imports.lines(name))
            except UnicodeDecodeError:
                validation = None
            if validation is None or not validation.ok:
                messages.error(request, _("The file has errors; nothing has been imported."))
                return redirect("import_registrations")
            created, skipped = import_lines(validation, actor=request.user)
        finally:
            pending_imports.discard(name)
        messages.success(
            request,
            _("%(created)s cases imported; %(skipped)s were already there.")
            % {"created": created, "skipped": skipped},
        )
        return redirect("import_registrations")
    form = UploadForm(request.POST or None, request.FILES or None)
    validation = token = None
    decode_error = False
    if request.method == "POST" and form.is_valid():
        token, name = pending_imports.keep(form.cleaned_data["file"], **_pending(request))
        keep = False
        try:
            try:
                validation = validate_lines(lambda: pending_imports.lines(name))
            except UnicodeDecodeError:
                decode_error = True
            keep = validation is not None and validation.ok
        finally:
            if not keep:
                pending_imports.discard(name)
                token = None
    return render(
        request,
        "shell/import_registrations.html",
        {
            "form": form,
            "validation": validation,
            "decode_error": decode_error,
            "errors": (validation.errors[:500] if validation else []),
            "upload_token": token,
        },
    )


def _pending(request):
    return {"kind": "registrations", "user": request.user, "suffix": ".jsonl"}
