import datetime

import icalendar
import pytest

from conferences.calendar import conference_ics
from conferences.models import Conference
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(regional_manager, organization, coordinator):
    _referral, conference = factories.scheduled(
        regional_manager, organization, coordinator.coordinator_profile
    )
    return conference


def test_the_calendar_file_names_the_case_and_the_time_in_utc(conference, rf):
    text = conference_ics(conference, rf.get("/", HTTP_HOST="localhost:8000"))
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.events
    reference = conference.referral.reference
    assert event.uid == f"conference-{conference.pk}@localhost"
    assert event.start == conference.starts_at.replace(microsecond=0)
    assert event.start.tzinfo is not None
    assert f"DTSTART:{event.start:%Y%m%dT%H%M%S}Z" in text
    assert event.end - event.start == datetime.timedelta(hours=3)
    assert event.summary == f"{conference.get_kind_display()} {reference}"
    assert event.location == f"{conference.get_location_type_display()}: Kerkweg 1, Zwolle"
    assert event.description == reference
    assert conference.referral.family_name not in text


def test_long_lines_are_folded_and_text_is_escaped(conference, rf):
    address = "Lange Voorhout 1; achteringang, tweede verdieping, " * 4
    Conference.objects.filter(pk=conference.pk).update(address=address)
    conference.refresh_from_db()
    text = conference_ics(conference, rf.get("/"))
    lines = text.split("\r\n")
    assert text.endswith("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # continuation lines
    assert "\\;" in text and "\\," in text
    [event] = icalendar.Calendar.from_ical(text).events
    assert event.location.endswith(address)
