import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from ekc.audit import AccessAction, access_log_for, log_access, log_access_many
from ekc.models import Region

pytestmark = pytest.mark.django_db


def _request(user, **meta):
    request = RequestFactory().get("/zaken/1/", REMOTE_ADDR="10.1.2.3", **meta)
    request.user = user
    return request


def test_access_is_logged_with_who_what_when_and_where(regional_manager, region):
    log_access(_request(regional_manager), region, AccessAction.PRINT)
    entry = access_log_for(region).get()
    assert entry.actor == regional_manager
    assert entry.remote_addr == "10.1.2.3"
    assert entry.additional_data["access"] == "print"
    assert entry.additional_data["path"] == "/zaken/1/"
    assert entry.timestamp is not None


def test_forwarded_for_is_ignored_when_not_behind_the_proxy(regional_manager, region, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    log_access(_request(regional_manager, HTTP_X_FORWARDED_FOR="6.6.6.6"), region)
    assert access_log_for(region).get().remote_addr == "10.1.2.3"


def test_many_accesses_are_logged_in_one_query(regional_manager, django_assert_num_queries):
    regions = [Region.objects.create(name=f"R{i}") for i in range(10)]
    request = _request(regional_manager)
    log_access_many(request, regions[:1])  # warm the content type cache
    with django_assert_num_queries(1):
        log_access_many(request, regions, detail={"query": "Jansen"})
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 11


def test_role_changes_are_kept_as_field_diffs(regional_manager):
    regional_manager.is_researcher = True
    regional_manager.save()
    entry = (
        LogEntry.objects.get_for_object(regional_manager)
        .filter(action=LogEntry.Action.UPDATE)
        .latest()
    )
    assert entry.changes["is_researcher"] == [False, True]
    assert "password" not in entry.changes


def test_only_administrators_can_read_the_logs(client, any_user, region):
    log_access(_request(any_user), region)
    client.force_login(any_user)
    response = client.get("/beheer/auditlog/logentry/", follow=True)
    assert response.status_code == (200 if any_user.is_superuser else 403)


def test_administrators_cannot_change_or_delete_log_entries(client, admin_user, region):
    log_access(_request(admin_user), region)
    entry = access_log_for(region).get()
    client.force_login(admin_user)
    assert client.get(f"/beheer/auditlog/logentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/beheer/auditlog/logentry/{entry.pk}/change/", {"object_repr": "x"})
    entry.refresh_from_db()
    assert entry.object_repr == "Overijssel"


def test_auditlogflush_is_refused_outside_development(regional_manager, region, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    log_access(_request(regional_manager), region)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="kept"):
        call_command("auditlogflush", "--yes")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1


def test_login_records_cannot_be_deleted_in_the_management_site(client, admin_user):
    from axes.models import AccessFailureLog, AccessLog
    from django.urls import reverse

    from tests.conftest import PASSWORD
    from tests.second_factor import pass_second_step

    client.post(reverse("login"), {"username": "admin@ekc.test", "password": "wrong"})
    client.post(reverse("login"), {"username": "admin@ekc.test", "password": PASSWORD})
    pass_second_step(client, admin_user)
    success, failure = AccessLog.objects.get(), AccessFailureLog.objects.get()
    for model, record in ((AccessLog, success), (AccessFailureLog, failure)):
        name = model._meta.model_name
        delete = reverse(f"admin:axes_{name}_delete", args=[record.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        bulk = client.post(
            reverse(f"admin:axes_{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
        )
        assert bulk.status_code in (200, 302)
    assert AccessLog.objects.count() == 1
    assert AccessFailureLog.objects.count() == 1


def test_log_entries_cannot_be_deleted_in_the_management_site(client, admin_user, region):
    from django.urls import reverse

    log_access(_request(admin_user), region)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    client.force_login(admin_user)
    url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_users_are_deactivated_in_the_management_site_never_deleted(
    client, admin_user, regional_manager
):
    from django.urls import reverse

    client.force_login(admin_user)
    changelist = reverse("admin:ekc_user_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="deactivate"' in page and 'value="delete_selected"' not in page
    delete = reverse("admin:ekc_user_delete", args=[regional_manager.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [regional_manager.pk], "post": "yes"},
    )
    assert type(regional_manager).objects.filter(pk=regional_manager.pk).exists()

    response = client.post(
        changelist,
        {"action": "deactivate", "_selected_action": [regional_manager.pk]},
        follow=True,
    )
    assert "1 gebruiker gedeactiveerd." in response.content.decode()
    regional_manager.refresh_from_db()
    assert not regional_manager.is_active
    history = LogEntry.objects.get_for_object(regional_manager).filter(
        action=LogEntry.Action.UPDATE
    )
    assert history.get().changes_dict["is_active"] in (["True", "False"], [True, False])
