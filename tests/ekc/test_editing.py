"""The one mechanism behind edit forms and create forms (ekc/editing.py)."""

import datetime

import pytest
from django import forms
from django.core.management import call_command
from django.utils import timezone

from conferences.models import Conference
from ekc.editing import (
    GuardedFormMixin,
    StaleEdit,
    bump_version_or_refuse,
    forget_old_submissions,
)
from ekc.models import FormSubmission
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(regional_manager, organization, coordinator):
    return factories.scheduled(regional_manager, organization, coordinator.coordinator_profile)[1]


def test_the_version_moves_on_once_per_save(conference):
    assert bump_version_or_refuse(Conference, conference.pk, 1) == 2
    with pytest.raises(StaleEdit) as refused:
        bump_version_or_refuse(Conference, conference.pk, 1)
    assert refused.value.current == 2
    assert Conference.objects.get(pk=conference.pk).version == 2


def test_no_version_is_a_stale_version(conference):
    with pytest.raises(StaleEdit):
        bump_version_or_refuse(Conference, conference.pk, None)
    assert Conference.objects.get(pk=conference.pk).version == 1


class NoteForm(GuardedFormMixin, forms.Form):
    note = forms.CharField()


def test_a_create_form_carries_a_new_token_each_time_it_is_drawn():
    first, second = NoteForm(), NoteForm()
    assert "version" not in first.fields
    assert first["form_token"].value() != second["form_token"].value()
    sent = NoteForm({"note": "x", "form_token": first["form_token"].value()})
    assert sent.is_valid()
    assert sent.cleaned_data == {"note": "x"}  # only what the service takes
    assert sent.form_token == first["form_token"].value()


def test_an_edit_form_carries_the_version_it_was_read_at(conference):
    drawn = NoteForm(record=conference)
    assert "form_token" not in drawn.fields
    assert drawn["version"].value() == 1
    sent = NoteForm({"note": "x", "version": "1"}, record=conference)
    assert sent.is_valid() and sent.read_version == 1
    assert sent.cleaned_data == {"note": "x"}


@pytest.mark.parametrize("version", ["", "0", "abc", "99999999999"])
def test_a_tampered_version_is_a_dutch_error_on_the_form(conference, version):
    sent = NoteForm({"note": "x", "version": version}, record=conference)
    assert not sent.is_valid()
    assert sent.non_field_errors() == [
        "Dit formulier is verouderd. Open de pagina opnieuw en vul het formulier nog een keer in."
    ]
    assert "version" not in sent.errors


@pytest.mark.parametrize("token", ["", "short", "<script>alert(1)</script>xxxxxxxxxxxxxx"])
def test_a_tampered_token_is_a_dutch_error_on_the_form(token):
    sent = NoteForm({"note": "x", "form_token": token})
    assert not sent.is_valid()
    assert "form_token" not in sent.errors and sent.non_field_errors()


def test_tokens_of_forms_sent_long_ago_are_forgotten_daily(liaison):
    now = timezone.now()
    FormSubmission.objects.create(
        token="a" * 32, user=liaison, created_at=now - datetime.timedelta(days=31)
    )
    FormSubmission.objects.create(
        token="b" * 32, user=liaison, created_at=now - datetime.timedelta(days=29)
    )
    assert forget_old_submissions(now) == 1
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["b" * 32]
    FormSubmission.objects.update(created_at=now - datetime.timedelta(days=40))
    call_command("send_reminders")
    assert not FormSubmission.objects.exists()
