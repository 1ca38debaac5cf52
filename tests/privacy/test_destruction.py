"""Retention and destruction (Jeugdwet: 20 years after the file's last change)."""

import datetime
import io
import json

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import ForeignKey, OneToOneField
from django.urls import reverse
from django.utils import timezone

from ekc.models import User
from plans import services as plan_services
from privacy.destruction import RULES, destroy_case
from privacy.models import DestructionDecision, DestructionRecord, LegalHold
from privacy.retention import due_for_destruction
from referrals.models import CaseEvent, Referral, years_after
from research.export import export_records, pseudonym
from research.stats import Filters
from tests import factories

pytestmark = pytest.mark.django_db

# Models that belong to no case, or are the logs and the register themselves.
NOT_CASE_DATA = {"privacy.DestructionRecord"}


def _reaches_a_case(model, depth=3):
    if model is Referral:
        return True
    if depth == 0:
        return False
    return any(
        isinstance(f, ForeignKey | OneToOneField) and _reaches_a_case(f.related_model, depth - 1)
        for f in model._meta.concrete_fields
        if f.related_model is not User
    )


def test_every_field_of_every_model_with_case_data_is_cleared_or_kept():
    # A new field (or model) of a case must say what destruction does with it.
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in ("auditlog", "contenttypes", "auth", "sessions"):
            continue
        if label in NOT_CASE_DATA or not _reaches_a_case(model):
            continue
        assert label in RULES, f"{label}: say in privacy/destruction.py how it is destroyed"
        rule = RULES[label]
        if rule.delete:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        assert set(rule.clear) | rule.keep == names, label
        assert not set(rule.clear) & rule.keep, label


def moment(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def _age(referral, when):
    """Make the file's last change ``when`` (every moment of it)."""
    Referral.objects.filter(pk=referral.pk).update(created_at=when, status_changed_at=when)
    CaseEvent.objects.filter(referral=referral).update(at=when)


def test_the_retention_date_is_twenty_years_after_the_last_change(
    regional_manager, organization, settings
):
    referral = factories.registered(regional_manager, organization)
    _age(referral, moment(2006, 2, 28))
    assert Referral.objects.get(pk=referral.pk).retention_date == datetime.date(2026, 2, 28)
    settings.RETENTION_YEARS = 7
    assert Referral.objects.get(pk=referral.pk).retention_date == datetime.date(2013, 2, 28)


def test_a_leap_day_keeps_the_file_until_the_first_of_march():
    assert years_after(datetime.date(2004, 2, 29), 20) == datetime.date(2024, 2, 29)
    assert years_after(datetime.date(2004, 2, 29), 19) == datetime.date(2023, 3, 1)


def test_due_files_are_those_past_their_date_without_a_hold(
    regional_manager, organization, admin_user
):
    old = factories.registered(regional_manager, organization)
    recent = factories.registered(regional_manager, organization)
    held = factories.registered(regional_manager, organization)
    for referral in (old, recent, held):
        _age(referral, moment(2005, 6, 1))
    # A change in 2010 starts the 20 years again.
    CaseEvent.objects.filter(referral=recent).update(at=moment(2010, 6, 1))
    hold = LegalHold.objects.create(
        referral=held, reason="Lopende rechtszaak", placed_by=admin_user
    )
    on = datetime.date(2025, 6, 1)
    assert [r.pk for r in due_for_destruction(on)] == [old.pk]
    assert due_for_destruction(datetime.date(2025, 5, 31)) == []
    # A hold that has ended, or was lifted, stops nothing.
    hold.until = datetime.date(2025, 5, 1)
    hold.save()
    assert {r.pk for r in due_for_destruction(on)} == {old.pk, held.pk}
    hold.until = None
    hold.lifted_at = timezone.now()
    hold.save()
    assert {r.pk for r in due_for_destruction(on)} == {old.pk, held.pk}


def test_the_command_lists_and_with_apply_destroys_and_registers(
    regional_manager, organization, coordinator, client
):
    plan = factories.submitted_plan(regional_manager, organization, coordinator.coordinator_profile)
    referral = plan.referral
    before = next(r for r in export_records(Filters()) if r["region"])["reference"]
    _age(referral, moment(2001, 1, 10))
    out = io.StringIO()
    call_command("retention", "--date", "2026-12-04", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert listed["applied"] is False
    assert [row["case"] for row in listed["cases"]] == [referral.pk]
    assert listed["cases"][0]["retention_date"] == "2021-01-10"
    assert Referral.objects.get(pk=referral.pk).destroyed_at is None  # only listed

    out = io.StringIO()
    call_command("retention", "--date", "2026-12-04", "--apply", stdout=out)
    assert "1 file(s) destroyed." in out.getvalue()
    referral.refresh_from_db()
    assert referral.destroyed_at is not None and referral.reference is None
    record = DestructionRecord.objects.get()
    assert record.pseudonym == referral.pseudonym == before
    assert record.decision == DestructionDecision.RETENTION
    assert record.retention_date == datetime.date(2021, 1, 10)
    # Exports name it as before; nobody opens it any more.
    assert [r["reference"] for r in export_records(Filters())] == [before]
    client.force_login(regional_manager)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert due_for_destruction(datetime.date(2026, 12, 4)) == []


def test_destroying_twice_is_refused(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    destroy_case(referral, decision=DestructionDecision.REQUEST, actor=regional_manager)
    with pytest.raises(ValueError):
        destroy_case(referral, decision=DestructionDecision.REQUEST, actor=regional_manager)


def test_the_logs_keep_who_and_when_but_no_names(
    client, regional_manager, organization, coordinator
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    factories.network(referral, coordinator, size=3)
    removed = referral.network_members.first()
    removed_name = removed.name
    removed.delete()  # removed before destruction: its log entries still name it
    client.force_login(regional_manager)
    client.get(reverse("referrals:detail", args=[referral.pk]))
    client.get(reverse("referrals:list"), {"q": referral.family_name})
    family = referral.family_name
    entries = LogEntry.objects.count()
    destroy_case(referral, decision=DestructionDecision.REQUEST, actor=regional_manager)
    assert LogEntry.objects.count() == entries  # nothing deleted, nothing added
    text = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "changes_text", "additional_data")),
        default=str,
    )
    assert family not in text
    assert removed_name not in text
    assert "Sem Jansen" not in text  # the main person
    views = LogEntry.objects.filter(object_pk=str(referral.pk), actor=regional_manager)
    assert views.exists()  # who looked, and when, is kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_destruction_passes_the_log_triggers_on_postgresql(regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    destroy_case(referral, decision=DestructionDecision.REQUEST, actor=regional_manager)
    assert not LogEntry.objects.filter(object_repr__contains=referral.family_name or "Jansen")
    assert pseudonym("x")  # the key is set


def test_the_case_page_shows_the_retention_date_to_those_who_keep_the_file(
    client, regional_manager, organization, referrer, admin_user, coordinator
):
    referral = factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    _age(referral, moment(2020, 3, 5))
    url = reverse("referrals:detail", args=[referral.pk])
    for user in (regional_manager, admin_user):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Bewaren tot" in page and "5 maart 2040" in page, user.email
    for user in (referrer, coordinator):
        client.force_login(user)
        assert "Bewaren tot" not in client.get(url).content.decode(), user.email


def test_holds_are_lifted_not_deleted_and_the_register_is_read_only(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:privacy_legalhold_add")).status_code == 200
    assert client.get(reverse("admin:privacy_destructionrecord_add")).status_code == 403
    record = DestructionRecord.objects.create(pseudonym="P-1", decision="retention")
    delete = reverse("admin:privacy_destructionrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert DestructionRecord.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_destroying_deletes_the_scan_file(client, regional_manager, organization, coordinator):
    from tests.plans.test_scans import image, stored_scans, upload

    referral = factories.held(regional_manager, organization, coordinator.coordinator_profile)
    plan = plan_services.plan_start(referral=referral, actor=coordinator)
    client.force_login(coordinator)
    assert upload(client, plan, "scan.png", image("PNG")).status_code == 302
    assert len(stored_scans()) == 1
    destroy_case(referral, decision=DestructionDecision.REQUEST, actor=regional_manager)
    plan.refresh_from_db()
    assert not plan.scan
    assert stored_scans() == []
