"""A conference as an iCalendar (.ics) file, written by hand: it is a few lines."""

import datetime

from django.utils import timezone

# Without a logged day, assume the usual length of a conference.
DEFAULT_LENGTH = datetime.timedelta(hours=3)


def _text(value):
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def conference_ics(conference, request):
    """The .ics text. It names the case reference, never the family."""
    start = conference.starts_at
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
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//EKC//Eigen Kracht-conferenties//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:conference-{conference.pk}@{request.get_host().split(':')[0]}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_text(conference.get_kind_display())} {conference.referral.reference}",
        f"LOCATION:{_text(place)}",
        f"DESCRIPTION:{_text(conference.referral.reference)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
