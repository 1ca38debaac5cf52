"""The regional manager's weekly digest: exactly its items, her regions only, once
per ISO week, not when she switched it off, nothing when there is nothing."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.services import contact_log
from coordinators.models import Leave
from ekc.models import WeeklyDigest
from plans import services as plan_services
from plans.models import EvaluationMoment, PlanDecision
from referrals import services as referral_services
from referrals.models import Referral
from shell.digest import _start_of, send_weekly_digests, week_start
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The digest's date: next Monday, so that what the tests make today is in its past week.
DAY = week_start(TODAY) + datetime.timedelta(days=7)


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(day=DAY, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return send_weekly_digests(today=day, **options)

    return run


def _cases(manager, organization, referrer, codes):
    """One case (or coordinator) for every item, in the manager's region; ``codes``:
    of the case's coordinator and of an idle one."""
    region = manager.regions.get()
    coordinator_profile = factories.coordinator(region, codes[0], max_active_cases=20)
    cases = {}
    cases["registered"] = factories.registered(manager, organization)
    submitted = factories.draft(referrer, organization, referrer=referrer)
    cases["submitted"] = referral_services.referral_submit(referral=submitted, actor=referrer)

    not_started = factories.assigned(manager, organization, coordinator_profile)
    Referral.objects.filter(pk=not_started.pk).update(status_changed_at=_days_ago(20))
    cases["not_started"] = not_started

    preparing = factories.assigned(manager, organization, coordinator_profile)
    (member,) = factories.network(preparing, coordinator_profile.user, size=1)
    contact_log(
        referral=preparing,
        actor=coordinator_profile.user,
        on=TODAY - datetime.timedelta(days=15),
        method="visit",
        minutes=60,
        member=member,
    )
    cases["preparing"] = preparing

    cases["plan_waiting"] = factories.submitted_plan(
        manager, organization, coordinator_profile, referrer=referrer
    ).referral

    accepted = factories.submitted_plan(
        manager, organization, coordinator_profile, referrer=referrer
    )
    plan_services.plan_decide(plan=accepted, actor=referrer, decision="accepted")
    PlanDecision.objects.filter(plan=accepted).update(decided_at=_days_ago(40))
    EvaluationMoment.objects.filter(plan=accepted).update(due_on=DAY + datetime.timedelta(days=5))
    cases["plan_accepted"] = accepted.referral

    idle = factories.coordinator(region, codes[1])
    type(idle.user).objects.filter(pk=idle.user_id).update(date_joined=_days_ago(60))
    cases["idle_coordinator"] = idle
    return cases


@pytest.fixture
def world(
    regional_manager,
    other_regional_manager,
    organization,
    other_organization,
    referrer,
    other_referrer,
):
    ours = _cases(regional_manager, organization, referrer, ("C080", "C090"))
    theirs = _cases(other_regional_manager, other_organization, other_referrer, ("C081", "C091"))
    return {"ours": ours, "theirs": theirs}


def _sections(outcome):
    return {section.kind: [line.title for line in section.lines] for section in outcome.sections}


def _outcome_of(outcomes, user):
    (outcome,) = [o for o in outcomes if o.manager == user]
    return outcome


def test_the_digest_holds_exactly_the_items_of_her_regions(
    world, regional_manager, other_regional_manager, send, mailoutbox
):
    ours = world["ours"]
    outcomes = send()
    outcome = _outcome_of(outcomes, regional_manager)
    ref = {name: case.reference for name, case in ours.items() if name != "idle_coordinator"}
    assert outcome.result == "sent"
    sections = _sections(outcome)
    assert set(sections.pop("new_referrals")) == set(ref.values())
    assert sections == {
        "waiting_for_coordinator": [ref["registered"]],
        "quiet_cases": [ref["not_started"], ref["preparing"]],
        "plans_awaiting_decision": [ref["plan_waiting"]],
        "evaluations_due": [ref["plan_accepted"]],
        "help_waiting": [ref["plan_accepted"]],
        "idle_coordinators": [f"{ours['idle_coordinator'].user.get_full_name()} (C090)"],
    }
    # The other manager's digest holds only her own region's cases.
    theirs = _outcome_of(outcomes, other_regional_manager)
    their_refs = {
        title for lines in _sections(theirs).values() for title in lines if title.startswith("EK")
    }
    our_refs = set(ref.values())
    assert their_refs and not (their_refs & our_refs)
    assert "C090" not in str(_sections(theirs)) and "C091" in str(_sections(theirs))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [regional_manager.email, other_regional_manager.email]
    )


def test_the_mail_is_dutch_links_every_line_and_names_no_family(
    world, regional_manager, send, mailoutbox, settings
):
    send()
    (mail,) = [m for m in mailoutbox if m.to == [regional_manager.email]]
    assert mail.subject.startswith("EKC-weekoverzicht")
    assert "Nieuwe aanmeldingen" in mail.body
    plan_case = world["ours"]["plan_accepted"]
    assert f"{settings.SITE_URL}/aanmeldingen/{plan_case.pk}/plan/" in mail.body
    assert f"{settings.SITE_URL}/aanmeldingen/{world['ours']['registered'].pk}/" in mail.body
    assert f"{settings.SITE_URL}/coordinatoren/" in mail.body
    assert f"{settings.SITE_URL}/profiel/" in mail.body
    assert "Jansen" not in mail.body and "Sem" not in mail.body
    for line in mail.body.splitlines():
        if line.startswith("- "):
            assert (
                mail.body.splitlines()[mail.body.splitlines().index(line) + 1]
                .strip()
                .startswith(settings.SITE_URL)
            )


def test_new_referrals_are_those_of_the_week_before_the_digest(
    regional_manager, organization, send
):
    case = factories.registered(regional_manager, organization)
    monday = _start_of(DAY)
    second = datetime.timedelta(seconds=1)
    for registered_at, new in [
        (monday - second, True),  # Sunday night
        (monday - datetime.timedelta(days=7), True),  # the Monday before
        (monday - datetime.timedelta(days=7) - second, False),
        (monday, False),  # this week's: in next week's digest
    ]:
        Referral.objects.filter(pk=case.pk).update(registered_at=registered_at)
        WeeklyDigest.objects.all().delete()
        (outcome,) = send(DAY + datetime.timedelta(days=1))  # a late run counts the same week
        assert ("new_referrals" in _sections(outcome)) is new, registered_at


def test_a_returned_referral_is_not_new_for_the_region(
    regional_manager, organization, referrer, send
):
    draft = factories.draft(referrer, organization, referrer=referrer)
    submitted = referral_services.referral_submit(referral=draft, actor=referrer)
    referral_services.referral_return(referral=submitted, actor=regional_manager, reason="Mist")
    assert send()[0].sections == []


def test_sent_once_per_week_and_again_the_next_week(world, regional_manager, send, mailoutbox):
    monday = week_start(DAY)
    send(monday)
    send(monday)
    send(monday + datetime.timedelta(days=3))  # the same ISO week
    mine = [m for m in mailoutbox if m.to == [regional_manager.email]]
    assert len(mine) == 1
    assert WeeklyDigest.objects.filter(user=regional_manager).count() == 1
    outcome = _outcome_of(send(monday + datetime.timedelta(days=7)), regional_manager)
    assert outcome.result == "sent"
    assert len([m for m in mailoutbox if m.to == [regional_manager.email]]) == 2


def test_an_empty_digest_is_recorded_but_not_sent(regional_manager, send, mailoutbox):
    (outcome,) = send()
    assert outcome.result == "empty" and outcome.sections == []
    assert mailoutbox == []
    record = WeeklyDigest.objects.get(user=regional_manager)
    assert record.week_start == week_start(DAY) and record.items == 0
    assert send()[0].result == "done before"


def test_no_managers_no_cases_no_error(db, send, mailoutbox):
    assert send() == []
    assert mailoutbox == []


def test_a_manager_who_switched_it_off_gets_none(world, regional_manager, send, mailoutbox):
    regional_manager.wants_weekly_digest = False
    regional_manager.save()
    outcomes = send()
    assert regional_manager not in [o.manager for o in outcomes]
    assert regional_manager.email not in [m.to[0] for m in mailoutbox]
    assert not WeeklyDigest.objects.filter(user=regional_manager).exists()


def test_an_inactive_manager_gets_none(world, regional_manager, send, mailoutbox):
    regional_manager.is_active = False
    regional_manager.save()
    send()
    assert regional_manager.email not in [m.to[0] for m in mailoutbox]


def test_a_coordinator_with_activity_or_on_leave_is_not_idle(
    regional_manager, region, coordinator, send
):
    idle = factories.coordinator(region, "C099")
    type(idle.user).objects.filter(pk=idle.user_id).update(date_joined=_days_ago(60))
    assert "idle_coordinators" in _sections(send()[0])
    Leave.objects.create(coordinator=idle, start=TODAY, end=DAY)
    WeeklyDigest.objects.all().delete()
    assert "idle_coordinators" not in _sections(send()[0])
    Leave.objects.all().delete()
    type(idle.user).objects.filter(pk=idle.user_id).update(last_login=_days_ago(3))
    WeeklyDigest.objects.all().delete()
    assert "idle_coordinators" not in _sections(send()[0])


def test_a_dry_run_sends_and_records_nothing(world, regional_manager, mailoutbox, capsys):
    call_command("send_weekly_digest", "--date", DAY.isoformat(), "--dry-run")
    assert mailoutbox == []
    assert not WeeklyDigest.objects.exists()
    out = capsys.readouterr().out
    assert f"{regional_manager.email}: dry run (new_referrals 6" in out
    assert "0 digest(s) sent." in out


def test_the_command_sends_and_refuses_a_bad_date(
    world, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_digest", "--date", DAY.isoformat())
    assert len(mailoutbox) == 2
    assert "2 digest(s) sent." in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("send_weekly_digest", "--date", "7-12-2026")


def _queries(day):
    with CaptureQueriesContext(connection) as queries:
        send_weekly_digests(today=day)
    return len(queries)


def test_the_query_count_does_not_grow_with_cases(world, regional_manager, organization, referrer):
    monday = week_start(DAY)
    first = _queries(monday)
    _cases(regional_manager, organization, referrer, ("C082", "C092"))
    second = _queries(monday + datetime.timedelta(days=7))
    assert first == second
    # Managers, their regions, the week's records, 8 item queries; per manager (2)
    # a savepoint, the record and its release.
    assert first == 3 + 8 + 2 * 3


# The profile page: the switch.


def test_the_manager_switches_the_digest_off_and_on(client, regional_manager):
    client.force_login(regional_manager)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-action="ekc.choose_weekly_digest"' in page
    assert "Weekoverzicht" in page
    response = client.post(reverse("weekly_digest_choice"), {})
    assert response.status_code == 302
    regional_manager.refresh_from_db()
    assert regional_manager.wants_weekly_digest is False
    page = client.get(reverse("profile")).content.decode()
    assert "Het weekoverzicht staat uit." in page
    client.post(reverse("weekly_digest_choice"), {"wants_weekly_digest": "on"})
    regional_manager.refresh_from_db()
    assert regional_manager.wants_weekly_digest is True


@pytest.mark.parametrize("role", ["coordinator", "referrer", "admin_user", "researcher"])
def test_only_regional_managers_have_the_switch(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert "ekc.choose_weekly_digest" not in client.get(reverse("profile")).content.decode()
    assert client.post(reverse("weekly_digest_choice"), {}).status_code == 403
    user.refresh_from_db()
    assert user.wants_weekly_digest is True


def test_the_switch_takes_only_a_post(client, regional_manager):
    client.force_login(regional_manager)
    assert client.get(reverse("weekly_digest_choice")).status_code == 405


def test_a_manager_without_regions_gets_an_empty_digest(db, send, mailoutbox):
    make_user("manager.none@ekc.test", is_regional_manager=True)
    (outcome,) = send()
    assert outcome.result == "empty"
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_mail_is_sent_by_the_next_run(
    regional_manager, other_regional_manager, organization, other_organization, monkeypatch
):
    factories.registered(regional_manager, organization)
    factories.registered(other_regional_manager, other_organization)
    real_send = EmailMessage.send

    def refuse_the_first(message, *args, **kwargs):
        if message.to == [regional_manager.email]:
            raise OSError("mail server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refuse_the_first)
    outcomes = send_weekly_digests(today=DAY)
    assert [o.result for o in outcomes] == ["failed", "sent"]
    assert [m.to for m in mail.outbox] == [[other_regional_manager.email]]
    monkeypatch.setattr(EmailMessage, "send", real_send)
    outcomes = send_weekly_digests(today=DAY)
    assert [o.result for o in outcomes] == ["sent", "done before"]
    assert [m.to for m in mail.outbox][-1] == [regional_manager.email]
