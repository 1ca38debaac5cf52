"""Every destruction appends a line to the register file (DESTRUCTION_REGISTER_FILE)
once it commits; a file that cannot be written fails loudly, never half a case."""

import datetime
import errno
import io
import json
import logging
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from privacy.destruction import destroy_case
from privacy.models import DestructionDecision, DestructionRecord
from privacy.register import RegisterFileError, register_read
from referrals.models import CaseEvent, MainPerson, Referral
from tests import factories

pytestmark = pytest.mark.django_db


def lines_of(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_destruction_appends_one_line_without_personal_data_when_it_commits(
    regional_manager, organization, settings, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization, family_name="Vermeulen")
    register = settings.DESTRUCTION_REGISTER_FILE
    with django_capture_on_commit_callbacks(execute=True):
        record = destroy_case(
            referral, decision=DestructionDecision.REQUEST, actor=regional_manager
        )
        assert not register.exists()  # not before the commit
    referral.refresh_from_db()
    assert lines_of(register) == [
        {
            "pseudonym": record.pseudonym,
            "destroyed_at": referral.destroyed_at.isoformat(),
            "decision": "request",
            "retention_date": record.retention_date.isoformat(),
        }
    ]
    assert record.destroyed_at == referral.destroyed_at
    text = register.read_text()
    assert "Vermeulen" not in text and "Sem Jansen" not in text and "EK-" not in text
    assert stat.S_IMODE(register.stat().st_mode) == 0o600


def test_a_destruction_that_is_rolled_back_writes_no_line(
    regional_manager, organization, settings, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        destroy_case(referral, decision=DestructionDecision.REQUEST)
        raise RuntimeError("a later step of the same transaction fails")
    assert callbacks == []
    assert not settings.DESTRUCTION_REGISTER_FILE.exists()
    assert Referral.objects.get(pk=referral.pk).destroyed_at is None


def _due(manager, organization):
    referral = factories.registered(manager, organization, family_name="Vermeulen")
    old = datetime.datetime(2001, 1, 10, 12, tzinfo=datetime.UTC)
    Referral.objects.filter(pk=referral.pk).update(created_at=old, status_changed_at=old)
    CaseEvent.objects.filter(referral=referral).update(at=old)
    return referral


def test_retention_does_not_start_when_the_register_file_cannot_be_written(
    regional_manager, organization, settings, tmp_path
):
    referral = _due(regional_manager, organization)
    (tmp_path / "not-a-folder").write_text("")
    settings.DESTRUCTION_REGISTER_FILE = tmp_path / "not-a-folder" / "register.jsonl"
    with pytest.raises(CommandError, match="cannot be written"):
        call_command("retention", "--date", "2026-12-04", "--apply", stdout=io.StringIO())
    assert Referral.objects.get(pk=referral.pk).destroyed_at is None


def test_retention_adds_the_rows_the_register_file_lacks(regional_manager, organization, settings):
    # Rows from before the file existed (or from an append that failed).
    referral = factories.registered(regional_manager, organization)
    record = destroy_case(referral, decision=DestructionDecision.REQUEST)  # never commits
    assert not settings.DESTRUCTION_REGISTER_FILE.exists()
    err = io.StringIO()
    call_command("retention", "--apply", stdout=io.StringIO(), stderr=err)
    assert "1 line(s) added" in err.getvalue()
    assert list(register_read(settings.DESTRUCTION_REGISTER_FILE)) == [record.pseudonym]
    call_command("retention", "--apply", stdout=io.StringIO(), stderr=err)
    assert len(lines_of(settings.DESTRUCTION_REGISTER_FILE)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_append_fails_retention_and_leaves_the_case_destroyed_whole(
    regional_manager, organization, settings, monkeypatch, caplog
):
    referral = _due(regional_manager, organization)
    register = settings.DESTRUCTION_REGISTER_FILE
    register.write_text("")
    real_fsync = os.fsync

    def disk_error(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", disk_error)
    with (
        caplog.at_level(logging.ERROR, logger="privacy.register"),
        pytest.raises(CommandError, match=r"cannot be written.*1 file\(s\) were destroyed"),
    ):
        call_command("retention", "--date", "2026-12-04", "--apply", stdout=io.StringIO())
    record = DestructionRecord.objects.get()
    assert record.pseudonym in caplog.text  # the line, to add by hand if need be
    referral.refresh_from_db()
    assert referral.destroyed_at == record.destroyed_at
    assert referral.family_name == "" and referral.reference is None
    assert MainPerson.objects.get(referral=referral).name == ""

    # The next run, with the disk repaired, adds the line.
    monkeypatch.setattr(os, "fsync", real_fsync)
    call_command("retention", "--date", "2026-12-04", "--apply", stdout=io.StringIO())
    assert list(register_read(register)) == [record.pseudonym]


def test_destroy_case_raises_when_the_line_cannot_be_written(
    regional_manager, organization, settings, tmp_path, django_capture_on_commit_callbacks
):
    referral = factories.registered(regional_manager, organization)
    settings.DESTRUCTION_REGISTER_FILE = tmp_path  # a folder
    with pytest.raises(RegisterFileError), django_capture_on_commit_callbacks(execute=True):
        destroy_case(referral, decision=DestructionDecision.REQUEST)
    assert Referral.objects.get(pk=referral.pk).destroyed_at is not None
