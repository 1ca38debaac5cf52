import datetime
import zoneinfo

import pytest

from referrals import selectors
from referrals.models import Referral
from tests import factories

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=AMSTERDAM)


def test_working_days_skip_weekends():
    monday = datetime.date(2026, 11, 23)
    assert selectors.working_days_back(monday, 1) == datetime.date(2026, 11, 20)  # Friday
    assert selectors.working_days_back(monday, 2) == datetime.date(2026, 11, 19)
    assert selectors.working_days_back(monday, 0) == monday


def test_koningsdag_is_no_working_day():
    # Koningsdag 2026 is Monday 27 April.
    tuesday = datetime.date(2026, 4, 28)
    assert selectors.working_days_back(tuesday, 1) == datetime.date(2026, 4, 24)
    assert selectors.working_days_back(tuesday, 2) == datetime.date(2026, 4, 23)


def test_christmas_days_are_no_working_days():
    # Christmas 2026: Friday 25 and Saturday 26 December.
    monday = datetime.date(2026, 12, 28)
    assert selectors.working_days_back(monday, 2) == datetime.date(2026, 12, 23)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("registered", "checked", "warned"),
    [
        # Registered the Friday before Koningsdag: Friday and Tuesday are the two
        # working days, so the warning comes on Wednesday, not on Tuesday.
        (at(2026, 4, 24), at(2026, 4, 28), False),
        (at(2026, 4, 24), at(2026, 4, 29), True),
        # Registered the day before Christmas: not yet on Monday 28 December.
        (at(2026, 12, 24), at(2026, 12, 28), False),
        (at(2026, 12, 24), at(2026, 12, 29), True),
    ],
)
def test_no_coordinator_warning_skips_dutch_public_holidays(
    regional_manager, organization, registered, checked, warned
):
    referral = factories.registered(regional_manager, organization)
    Referral.objects.filter(pk=referral.pk).update(registered_at=registered)
    referral.refresh_from_db()
    cutoffs = selectors.attention_cutoffs(now=checked)
    assert ("no_coordinator" in selectors.flags_for(referral, cutoffs)) is warned
    in_attention_list = Referral.objects.filter(
        selectors.attention_q(cutoffs), pk=referral.pk
    ).exists()
    assert in_attention_list is warned
