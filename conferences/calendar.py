"""A conference as an iCalendar (.ics) file (RFC 5545, written by icalendar)."""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

# Without a logged day, assume the usual length of a conference.
DEFAULT_LENGTH = datetime.timedelta(hours=3)


def conference_ics(conference, request=None):
    """The .ics text. It names the case reference, never the family. Its UID is the
    same whether it is downloaded (``request``) or sent by mail (the site's host)."""
    start = conference.starts_at.astimezone(datetime.UTC)
    length = (
        datetime.timedelta(minutes=conference.duration_minutes)
        if conference.duration_minutes
        else DEFAULT_LENGTH
    )
    try:
        end = start + length
    except OverflowError:
        # A date at the end of the calendar, stored before forms bounded dates.
        end = start
    place = conference.get_location_type_display()
    if conference.address:
        place = f"{place}: {conference.address}"
    event = icalendar.Event.new(
        uid=f"conference-{conference.pk}@{_host(request)}",
        stamp=timezone.now().astimezone(datetime.UTC),
        start=start,
        end=end,
        summary=f"{conference.get_kind_display()} {conference.referral.reference}",
        location=place,
        description=conference.referral.reference,
    )
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//EKC//Eigen Kracht-conferenties//NL")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _host(request):
    if request is not None:
        return request.get_host().split(":")[0]
    return urlsplit(settings.SITE_URL).hostname or "localhost"
