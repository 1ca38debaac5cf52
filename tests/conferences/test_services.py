import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conferences import services
from conferences.models import Attendance, ConferenceStatus, Participant
from ekc.editing import StaleEdit
from referrals.lifecycle import CaseStatus
from referrals.services import TransitionError
from tests import factories

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")

PHASES = {
    "information_start": datetime.time(10, 0),
    "information_end": datetime.time(10, 40),
    "private_time_start": datetime.time(10, 50),
    "private_time_end": datetime.time(12, 20),
    "presentation_start": datetime.time(12, 30),
    "presentation_end": datetime.time(13, 5),
}


@pytest.fixture
def profile(coordinator):
    return coordinator.coordinator_profile


@pytest.fixture
def case(regional_manager, organization, profile, referrer):
    return factories.assigned(regional_manager, organization, profile, referrer=referrer)


def today():
    return timezone.localdate()


def test_first_contact_moment_starts_the_preparation(case, coordinator):
    (member,) = factories.network(case, coordinator, size=1)
    services.contact_log(
        referral=case, actor=coordinator, on=today(), method="visit", minutes=60, member=member
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING
    assert case.first_contact_on == today()


def test_only_the_cases_coordinator_logs(case, other_coordinator, regional_manager, referrer):
    for outsider in (other_coordinator, regional_manager, referrer):
        with pytest.raises(PermissionDenied):
            services.contact_log(
                referral=case,
                actor=outsider,
                on=today(),
                method="phone",
                minutes=10,
                professional="Huisarts",
            )


def test_contact_needs_someone_and_no_future_date(case, coordinator):
    with pytest.raises(ValueError):
        services.contact_log(
            referral=case, actor=coordinator, on=today(), method="phone", minutes=5
        )
    with pytest.raises(ValueError):
        services.contact_log(
            referral=case,
            actor=coordinator,
            on=today() + datetime.timedelta(days=1),
            method="phone",
            minutes=5,
            professional="School",
        )


def test_excluding_someone_requires_a_reason(case, coordinator):
    with pytest.raises(ValueError):
        services.member_save(
            referral=case,
            actor=coordinator,
            name="Oom Piet",
            relation="other_family",
            invitation="excluded",
            exclusion_reason=" ",
        )
    member = services.member_save(
        referral=case,
        actor=coordinator,
        name="Oom Piet",
        relation="other_family",
        invitation="excluded",
        exclusion_reason="Dreigde de moeder",
    )
    assert member.exclusion_reason == "Dreigde de moeder"


def test_scheduling_needs_an_accepted_coordinator(regional_manager, organization, profile):
    referral = factories.registered(regional_manager, organization)
    from coordinators.services import assignment_propose

    assignment_propose(referral=referral, coordinator=profile, actor=regional_manager)
    with pytest.raises(PermissionDenied):  # a proposal is not yet an accepted case
        services.conference_schedule(
            referral=referral,
            actor=profile.user,
            kind="family_group",
            starts_at=timezone.now(),
            location_type="office",
        )


def test_scheduling_moves_the_case_and_mails_the_referrer(
    case, coordinator, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conference = services.conference_schedule(
            referral=case,
            actor=coordinator,
            kind="family_group",
            starts_at=datetime.datetime(2026, 12, 7, 13, 0, tzinfo=AMSTERDAM),
            location_type="community_centre",
            address="Buurthuis De Kern, Zwolle",
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.CONFERENCE_SCHEDULED
    assert conference.status == ConferenceStatus.SCHEDULED
    (mail,) = mailoutbox
    assert mail.to == [referrer.email]
    assert "7 december 2026, 13:00" in mail.body
    assert "Buurthuis De Kern, Zwolle" in mail.body
    # The calendar file travels with the mail, the same as the download.
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"conferentie-{case.reference}.ics", "text/calendar")
    assert "DTSTART:20261207T120000Z" in content
    assert f"UID:conference-{conference.pk}@" in content
    assert "Jansen" not in content  # the reference, never the family
    assert "als bijlage" in mail.body


def test_a_second_first_conference_is_refused(case, coordinator):
    services.conference_schedule(
        referral=case,
        actor=coordinator,
        kind="family_group",
        starts_at=timezone.now(),
        location_type="office",
    )
    with pytest.raises(TransitionError):
        services.conference_schedule(
            referral=case,
            actor=coordinator,
            kind="restorative",
            starts_at=timezone.now(),
            location_type="office",
        )


def test_logging_a_day_that_was_never_scheduled_is_refused(case, coordinator):
    # Without a scheduled conference there is nothing to log; a follow-up before
    # the first conference cannot be scheduled either.
    with pytest.raises(TransitionError):
        services.conference_schedule(
            referral=case,
            actor=coordinator,
            kind="follow_up",
            starts_at=timezone.now(),
            location_type="office",
        )
    assert not case.conferences.exists()


def test_the_day_computes_duration_and_records_attendance(
    regional_manager, organization, profile, coordinator
):
    referral, conference = factories.scheduled(regional_manager, organization, profile)
    came, said_no, stayed_away, excluded = factories.network(referral, coordinator, size=4)
    services.invitations_save(
        referral=referral, actor=coordinator, invitations={said_no.pk: (1, "declined")}
    )
    services.member_save(
        referral=referral,
        actor=coordinator,
        member=excluded,
        version=excluded.version,
        invitation="excluded",
        exclusion_reason="Veiligheid",
    )
    professional = conference.professionals.get()
    services.conference_hold(
        conference=conference,
        actor=coordinator,
        held_on=today(),
        phases=PHASES,
        attendance={came.pk: Attendance.ATTENDED},
        professionals_present=[professional.pk],
    )
    conference.refresh_from_db()
    referral.refresh_from_db()
    assert conference.duration_minutes == 185  # 10:00 to 13:05
    assert referral.status == CaseStatus.CONFERENCE_HELD
    attendance = dict(Participant.objects.values_list("member_id", "attendance"))
    assert attendance == {
        came.pk: "attended",
        said_no.pk: "declined",
        stayed_away.pk: "absent",
        excluded.pk: "excluded",
    }
    professional.refresh_from_db()
    assert professional.present is True


def test_phases_out_of_order_are_refused(regional_manager, organization, profile, coordinator):
    _referral, conference = factories.scheduled(regional_manager, organization, profile)
    with pytest.raises(ValueError):
        services.conference_hold(
            conference=conference,
            actor=coordinator,
            held_on=today(),
            phases={**PHASES, "presentation_end": datetime.time(9, 0)},
            attendance={},
        )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_the_day_cannot_be_logged_twice(regional_manager, organization, profile, coordinator):
    _referral, conference = factories.scheduled(regional_manager, organization, profile)
    services.conference_hold(
        conference=conference, actor=coordinator, held_on=today(), phases=PHASES, attendance={}
    )
    with pytest.raises(TransitionError):
        services.conference_hold(
            conference=conference, actor=coordinator, held_on=today(), phases=PHASES, attendance={}
        )


def test_follow_up_conference_keeps_the_first_as_it_was(
    regional_manager, organization, profile, coordinator
):
    referral, first = factories.scheduled(regional_manager, organization, profile)
    (member,) = factories.network(referral, coordinator, size=1)
    services.conference_hold(
        conference=first,
        actor=coordinator,
        held_on=today(),
        phases=PHASES,
        attendance={member.pk: "attended"},
    )
    follow_up = services.conference_schedule(
        referral=referral,
        actor=coordinator,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(days=60),
        location_type="network_home",
    )
    services.conference_hold(
        conference=follow_up,
        actor=coordinator,
        held_on=today(),
        phases=PHASES,
        attendance={member.pk: "absent"},
    )
    referral.refresh_from_db()
    assert referral.status == CaseStatus.CONFERENCE_HELD  # a follow-up moves nothing
    assert first.participants.get().attendance == "attended"
    assert follow_up.participants.get().attendance == "absent"


def test_preparation_summary_counts_hours_and_days(case, coordinator):
    (member,) = factories.network(case, coordinator, size=1)
    for days_ago, minutes in [(5, 60), (2, 30)]:
        services.contact_log(
            referral=case,
            actor=coordinator,
            on=today() - datetime.timedelta(days=days_ago),
            method="phone",
            minutes=minutes,
            member=member,
        )
    summary = services.preparation_summary(case, list(case.contact_moments.all()))
    assert summary == {"hours": 1.5, "days_since_last": 2, "count": 2}


def test_the_day_of_a_conference_the_case_is_not_waiting_for_is_refused(case, coordinator):
    from conferences.models import Conference

    # A conference record the case never moved to "scheduled" for (e.g. left over).
    conference = Conference.objects.create(
        referral=case, kind="family_group", starts_at=timezone.now(), location_type="office"
    )
    with pytest.raises(TransitionError):
        services.conference_hold(
            conference=conference, actor=coordinator, held_on=today(), phases=PHASES, attendance={}
        )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_one_list_save_changes_only_what_changed_and_is_all_or_nothing(case, coordinator):
    first, second, third = factories.network(case, coordinator, size=3)
    # Someone renamed the third meanwhile: the list's old version of them does not
    # matter while their invitation is left as it was.
    services.member_save(
        referral=case, actor=coordinator, member=third, version=1, name="Tante Esra"
    )
    changed = services.invitations_save(
        referral=case,
        actor=coordinator,
        invitations={
            first.pk: (1, "confirmed"),
            second.pk: (1, "to_invite"),
            third.pk: (1, "to_invite"),
        },
    )
    assert [m.pk for m in changed] == [first.pk]
    versions = dict(case.network_members.values_list("pk", "version"))
    assert versions == {first.pk: 2, second.pk: 1, third.pk: 2}
    # A stale row among fresh ones: nobody is saved.
    with pytest.raises(StaleEdit):
        services.invitations_save(
            referral=case,
            actor=coordinator,
            invitations={second.pk: (1, "invited"), third.pk: (1, "invited")},
        )
    assert set(case.network_members.values_list("invitation", flat=True)) == {
        "confirmed",
        "to_invite",
    }


def test_a_list_save_refuses_someone_of_another_case(
    case, coordinator, regional_manager, organization, profile
):
    (mine,) = factories.network(case, coordinator, size=1)
    other_case = factories.assigned(regional_manager, organization, profile)
    (theirs,) = factories.network(other_case, coordinator, size=1)
    with pytest.raises(PermissionDenied):
        services.invitations_save(
            referral=case,
            actor=coordinator,
            invitations={mine.pk: (1, "invited"), theirs.pk: (1, "invited")},
        )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.invitation, theirs.invitation) == ("to_invite", "to_invite")


def test_a_list_save_refuses_excluding_without_a_reason(case, coordinator):
    (member,) = factories.network(case, coordinator, size=1)
    with pytest.raises(ValueError):
        services.invitations_save(
            referral=case, actor=coordinator, invitations={member.pk: (1, "excluded")}
        )
    member.refresh_from_db()
    assert member.invitation == "to_invite"


def test_invitations_close_when_the_conference_is_held_and_reopen_for_a_follow_up(
    regional_manager, organization, profile, coordinator
):
    referral, conference = factories.scheduled(regional_manager, organization, profile)
    (member,) = factories.network(referral, coordinator, size=1)
    services.conference_hold(
        conference=conference, actor=coordinator, held_on=today(), phases=PHASES, attendance={}
    )
    with pytest.raises(TransitionError):
        services.invitations_save(
            referral=referral, actor=coordinator, invitations={member.pk: (1, "confirmed")}
        )
    # Changing the person's name is still fine; their invitation is not.
    services.member_save(
        referral=referral, actor=coordinator, member=member, version=1, name="Oma Ayse"
    )
    referral.refresh_from_db()
    assert referral.network_members.get().invitation == "to_invite"
    assert Participant.objects.get(member=member).attendance == "absent"
    # A follow-up conference is still to come: inviting for it is open again.
    services.conference_schedule(
        referral=referral,
        actor=coordinator,
        kind="follow_up",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        location_type="office",
    )
    services.invitations_save(
        referral=referral, actor=coordinator, invitations={member.pk: (2, "invited")}
    )
    assert referral.network_members.get().invitation == "invited"


PROFESSIONALS = [
    {"name": "Karin de Jong", "organization": "Wijkteam", "role": "wijkcoach", "email": "k@wt.nl"},
    {"name": "Piet Smit", "organization": "School", "role": "mentor", "email": ""},
    {"name": "Ida Bos", "organization": "GGZ", "role": "", "email": "ida@ggz.nl"},
]


def _schedule_with_professionals(case, coordinator):
    return services.conference_schedule(
        referral=case,
        actor=coordinator,
        kind="family_group",
        starts_at=datetime.datetime(2026, 12, 7, 13, 0, tzinfo=AMSTERDAM),
        location_type="community_centre",
        address="Buurthuis De Kern, Zwolle",
        professionals=PROFESSIONALS,
    )


def test_informing_professionals_with_an_email_get_the_date_and_the_calendar_file(
    case, coordinator, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conference = _schedule_with_professionals(case, coordinator)
    by_address = {tuple(mail.to): mail for mail in mailoutbox}
    # One mail each (nobody sees another's address); Piet has no address and gets none.
    assert set(by_address) == {(referrer.email,), ("k@wt.nl",), ("ida@ggz.nl",)}
    mail = by_address[("k@wt.nl",)]
    assert mail.body.startswith("Hallo Karin de Jong,")
    assert case.reference in mail.subject and case.reference in mail.body
    assert "7 december 2026, 13:00" in mail.body
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"conferentie-{case.reference}.ics", "text/calendar")
    assert f"UID:conference-{conference.pk}@" in content
    # The reference only: no family name, no child, no link into the app.
    for text in (mail.subject, mail.body, content):
        assert "Jansen" not in text and "Sem" not in text
    assert "http" not in mail.body


def test_a_new_date_is_mailed_to_the_professionals_too(
    case, coordinator, referrer, mailoutbox, django_capture_on_commit_callbacks
):
    conference = _schedule_with_professionals(case, coordinator)
    mailoutbox.clear()
    new_start = datetime.datetime(2026, 12, 14, 10, 0, tzinfo=AMSTERDAM)
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_reschedule(
            conference=conference,
            actor=coordinator,
            version=conference.version,
            starts_at=new_start,
        )
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [referrer.email, "k@wt.nl", "ida@ggz.nl"]
    )
    mail = next(m for m in mailoutbox if m.to == ["ida@ggz.nl"])
    assert "nieuwe datum" in mail.body.lower() or "Nieuwe datum" in mail.subject
    assert "14 december 2026, 10:00" in mail.body
    assert "DTSTART:20261214T090000Z" in mail.attachments[0][1]
    # A change that keeps the date mails nobody.
    mailoutbox.clear()
    conference.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_reschedule(
            conference=conference, actor=coordinator, version=conference.version, food="soep"
        )
    assert mailoutbox == []
