"""Two saves of one record, and one form sent twice.

Edits. Every edit form carries the version of the record it was read at, in a
hidden ``version`` field (``GuardedFormMixin``). The service saves through
``bump_version_or_refuse``: one conditional UPDATE that moves the version on only
when it is still the one the form was read at. The UPDATE holds the row until
the service's transaction ends, so of two saves at the same moment exactly one
wins; the other raises ``StaleEdit`` and writes nothing (its mail is never sent,
as it is only sent after a commit). The view then shows the form again with the
user's input kept, a Dutch explanation and a link to what is saved now
(``refuse_stale``).

Creates. Every create form carries a one-time ``form_token``, made when the form
is drawn (``GuardedFormMixin``, or ``{% form_token %}`` in a form with only a
button). Its view is wrapped in ``submit_once``: the token is claimed (a unique
row in ``FormSubmission``) in the same transaction as the work, so a second POST
of the same form (a double click, a reload) creates nothing and goes where the
first one went, with a calm message. When the first POST fails, its claim is
undone and the form can be sent again.
"""

import datetime
import functools
import re
import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ekc.models import FormSubmission

VERSION_FIELD = "version"
TOKEN_FIELD = "form_token"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
# A reload of a sent form within this time still counts as the same form.
KEEP_SUBMISSIONS = datetime.timedelta(days=30)
REDIRECTS = (301, 302, 303)

OUT_OF_DATE = gettext_lazy(
    "This form is out of date. Open the page again and fill the form in once more."
)


class StaleEdit(Exception):
    """Someone else saved the record since the form was read; nothing was written.

    ``current`` is the version saved now (None when the record is gone)."""

    def __init__(self, current=None):
        super().__init__(current)
        self.current = current


def bump_version_or_refuse(model, pk, version, *, field=VERSION_FIELD):
    """Move the record's version on, if it still is ``version``; else raise ``StaleEdit``.

    Call it inside the service's transaction, before writing the change: the row
    stays locked until the transaction ends, so a second save at the same moment
    waits, then finds the version moved on and is refused. Returns the new version.
    """
    rows = model._default_manager.filter(pk=pk)
    if version is None or not rows.filter(**{field: version}).update(**{field: F(field) + 1}):
        raise StaleEdit(current=rows.values_list(field, flat=True).first())
    return version + 1


def bump_versions_or_refuse(model, versions, *, field=VERSION_FIELD):
    """``bump_version_or_refuse`` for several records at once: ``versions`` maps each
    record's pk to the version it was read at. One conditional UPDATE moves them all
    on, or ``StaleEdit`` is raised; the caller's transaction then undoes the ones
    that did move, so all are saved or none. Returns the new versions by pk.
    """
    if not versions:
        return {}
    if any(version is None for version in versions.values()):
        raise StaleEdit
    match = Q()
    for pk, version in versions.items():
        match |= Q(pk=pk, **{field: version})
    if model._default_manager.filter(match).update(**{field: F(field) + 1}) != len(versions):
        raise StaleEdit
    return {pk: version + 1 for pk, version in versions.items()}


def new_form_token():
    return secrets.token_urlsafe(24)


class GuardedFormMixin:
    """For a form that writes a record; put it first among the bases.

    Editing a record (``record``, or a ModelForm's saved instance), the form carries
    the record's version; creating one, a one-time token. After ``is_valid()`` they
    are in ``read_version`` and ``form_token``, not in ``cleaned_data``, which holds
    only what the service takes. A missing or tampered one is a Dutch error on the
    form (the input stays).
    """

    # The record's counter; the family plan's is "edit_version".
    version_attr = VERSION_FIELD

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if record is None and instance is not None and instance.pk:
            record = instance
        self.record = record
        self.read_version = None
        self.form_token = None
        self.stale_url = None
        if record is not None:
            self.fields[VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=1,
                max_value=2**31 - 1,
                initial=getattr(record, self.version_attr),
            )
        else:
            self.fields[TOKEN_FIELD] = forms.RegexField(
                TOKEN_RE, widget=forms.HiddenInput, initial=new_form_token()
            )

    @property
    def guard_field(self):
        return VERSION_FIELD if self.record is not None else TOKEN_FIELD

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        name = self.guard_field
        if name in self._errors:
            del self._errors[name]
            self.add_error(None, OUT_OF_DATE)
        value = self.cleaned_data.pop(name, None)
        if name == VERSION_FIELD:
            self.read_version = value
        else:
            self.form_token = value


class OnceForm(GuardedFormMixin, forms.Form):
    """The token alone: for a form that is only a button (start the plan, ...)."""


def refuse_stale(form, stale, *, url):
    """Show ``form`` again after ``StaleEdit``: the input kept, an explanation, and a
    link (``url``) to what is saved now. The hidden version moves on to the saved one,
    so saving again, after a look, is a deliberate choice to keep this version."""
    form.stale_url = url
    if stale.current is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix(VERSION_FIELD)] = stale.current
    return form


def submit_once(view):
    """Wrap a view with a create form: one form (one token) makes its record once.

    The token is claimed in one transaction with the view's work. A redirect (the
    work done) keeps the claim with its address; any other answer (the form shown
    again with errors) gives the token back; an exception undoes it all. The same
    token again, by the same user, goes to the first answer's address. A POST
    without a token is left to the form, which refuses it.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        if not TOKEN_RE.fullmatch(token):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(token=token, user=request.user)
            except IntegrityError:
                claim = None
            if claim is not None:
                response = view(request, *args, **kwargs)
                if response.status_code in REDIRECTS:
                    claim.result_url = response["Location"]
                    claim.save(update_fields=["result_url"])
                else:
                    claim.delete()
                return response
        return _sent_before(request, token)

    return wrapper


def _sent_before(request, token):
    earlier = FormSubmission.objects.filter(token=token, user=request.user).first()
    if earlier is None:
        raise BadRequest("A form token of someone else.")
    # Neutral on purpose: the first answer may have been an error message too.
    messages.info(
        request,
        _("You had already sent this form. It has been handled once; nothing was done twice."),
    )
    return HttpResponseRedirect(earlier.result_url)


def forget_old_submissions(now=None):
    """Drop the tokens of forms sent long ago (run daily). Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_SUBMISSIONS
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
