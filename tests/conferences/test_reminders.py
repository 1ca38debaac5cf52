import datetime

import pytest
from django.utils import timezone

from conferences import services
from conferences.reminders import send_reminders
from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send_reminders, with the after-commit mail hooks run (tests are one transaction)."""

    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(now=now)

    return run


def test_quiet_preparation_reminds_the_coordinator_once(
    regional_manager, organization, coordinator, mailoutbox, send
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    (member,) = factories.network(referral, coordinator, size=1)
    services.contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate() - datetime.timedelta(days=15),
        method="visit",
        minutes=60,
        member=member,
    )
    assert send() == 1
    assert send() == 0  # a second run sends nothing twice
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "15" in mailoutbox[0].body
    # A new contact, then 14 quiet days again: a new reminder.
    services.contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate(),
        method="phone",
        minutes=5,
        member=member,
    )
    assert send() == 0
    later = timezone.now() + datetime.timedelta(days=14)
    assert send(now=later) == 1


def test_recent_contact_sends_nothing(
    regional_manager, organization, coordinator, mailoutbox, send
):
    referral = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    (member,) = factories.network(referral, coordinator, size=1)
    services.contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate(),
        method="visit",
        minutes=60,
        member=member,
    )
    assert send() == 0
    assert mailoutbox == []


def test_no_conference_after_8_weeks_reminds_the_managers_once(
    regional_manager, organization, mailoutbox, send
):
    referral = factories.registered(regional_manager, organization)
    Referral.objects.filter(pk=referral.pk).update(
        registered_at=timezone.now() - datetime.timedelta(weeks=8, days=1)
    )
    assert send() == 1
    assert send() == 0
    assert [m.to for m in mailoutbox] == [[regional_manager.email]]
    assert "8 weken" in mailoutbox[0].body


def test_command_runs(capsys):
    from django.core.management import call_command

    call_command("send_reminders")
    assert "0 reminder(s) sent." in capsys.readouterr().out
