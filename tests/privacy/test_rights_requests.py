"""The family's requests about its file (issue 15): access and correction within a
month, destruction within three; for a child under 12 the parents ask; the
decision destroys (as retention does, never past a legal hold or a running case)
or refuses with a ground."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacy.destruction import destroy_case
from privacy.models import (
    DestructionDecision,
    DestructionRecord,
    LegalHold,
    RefusalGround,
    Requester,
    RequestKind,
    RequestOutcome,
    RightsRequest,
    months_after,
)
from privacy.services import consent_withdraw, rights_request_decide, rights_request_record
from referrals.models import MainPerson, Referral
from referrals.services import TransitionError
from referrals.timeline import entries
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def case(regional_manager, organization):
    return factories.registered(regional_manager, organization)


@pytest.fixture
def stopped(case, regional_manager):
    return consent_withdraw(referral=case, actor=regional_manager, withdrawn_on=TODAY)


def child_key(referral):
    children = MainPerson.objects.filter(referral=referral, is_child=True)
    return f"main-{children.values_list('pk', flat=True).first()}"


def record(referral, actor, **fields):
    values = {
        "kind": RequestKind.DESTRUCTION,
        "subject": child_key(referral),
        "requester": Requester.PARENT,
        "requester_name": "Mevrouw Jansen (moeder)",
        "requested_on": TODAY,
        **fields,
    }
    return rights_request_record(referral=referral, actor=actor, **values)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 6), 1, datetime.date(2027, 1, 6)),
        (datetime.date(2026, 10, 15), 3, datetime.date(2027, 1, 15)),
    ],
)
def test_a_month_is_counted_to_the_same_day_or_the_months_last(day, months, expected):
    assert months_after(day, months) == expected


def test_the_deadline_follows_the_kind(case, regional_manager):
    received = datetime.date(2026, 11, 30)
    destruction = record(case, regional_manager, requested_on=received)
    access = record(case, regional_manager, kind=RequestKind.ACCESS, requested_on=received)
    assert destruction.due_on == datetime.date(2027, 2, 28)
    assert access.due_on == datetime.date(2026, 12, 30)
    assert destruction.recorded_by == regional_manager
    sentences = [e.text for e in entries(case.events.select_related("actor"))]
    assert any("Verzoek vastgelegd" in s and "28 februari 2027" in s for s in sentences)


def test_a_child_under_12_does_not_ask_for_itself(case, regional_manager):
    child = case.main_persons.get()
    assert child.birth_date == datetime.date(2015, 5, 1)  # 11 years old today
    with pytest.raises(ValueError, match="jonger dan 12"):
        record(case, regional_manager, requester=Requester.SELF, requester_name="")
    assert not RightsRequest.objects.exists()
    # The day the child turned 12 it may ask.
    child.birth_date = TODAY.replace(year=TODAY.year - 12)
    child.save()
    asked = record(case, regional_manager, requester=Requester.SELF, requester_name="Sem")
    assert asked.requester == Requester.SELF
    assert asked.requester_name == ""  # only someone asking for another is named


def test_with_only_a_birth_year_the_youngest_age_counts(case, regional_manager):
    child = case.main_persons.get()
    MainPerson.objects.filter(pk=child.pk).update(birth_date=None, birth_year=TODAY.year - 12)
    with pytest.raises(ValueError, match="jonger dan 12"):
        record(case, regional_manager, requester=Requester.SELF)
    MainPerson.objects.filter(pk=child.pk).update(birth_year=None)
    with pytest.raises(ValueError, match="geboortedatum"):
        record(case, regional_manager, requester=Requester.SELF)


def test_a_parent_asks_only_for_a_child(case, regional_manager):
    adult = MainPerson.objects.create(referral=case, name="Mevrouw Jansen", is_child=False)
    with pytest.raises(ValueError, match="kind"):
        record(case, regional_manager, subject=f"main-{adult.pk}")
    asked = record(case, regional_manager, subject=f"main-{adult.pk}", requester=Requester.SELF)
    assert asked.subject == f"main-{adult.pk}"


def test_only_who_keeps_the_file_records_a_request(
    case, referrer, coordinator, other_regional_manager, researcher, admin_user
):
    for outsider in (referrer, coordinator, other_regional_manager, researcher):
        with pytest.raises(PermissionDenied):
            record(case, outsider)
    assert record(case, admin_user).recorded_by == admin_user


def test_destruction_waits_until_the_case_has_ended(case, regional_manager):
    asked = record(case, regional_manager)
    with pytest.raises(TransitionError, match="loopt nog"):
        rights_request_decide(
            rights_request=asked,
            actor=regional_manager,
            outcome=RequestOutcome.DESTROYED,
            decided_on=TODAY,
        )
    asked.refresh_from_db()
    assert asked.is_open
    assert Referral.objects.get(pk=case.pk).destroyed_at is None


def test_a_legal_hold_stops_destruction_on_request(stopped, regional_manager):
    asked = record(stopped, regional_manager)
    LegalHold.objects.create(referral=stopped, reason="Strafzaak", placed_by=regional_manager)
    with pytest.raises(TransitionError, match="juridische blokkade"):
        rights_request_decide(
            rights_request=asked,
            actor=regional_manager,
            outcome=RequestOutcome.DESTROYED,
            decided_on=TODAY,
        )
    assert Referral.objects.get(pk=stopped.pk).destroyed_at is None
    assert not DestructionRecord.objects.exists()


def test_destroying_on_request_follows_the_retention_destruction(stopped, regional_manager):
    asked = record(stopped, regional_manager, details="Alles weg graag, Sem Jansen")
    decided = rights_request_decide(
        rights_request=asked,
        actor=regional_manager,
        outcome=RequestOutcome.DESTROYED,
        decided_on=TODAY,
    )
    referral = Referral.objects.get(pk=stopped.pk)
    assert referral.destroyed_at is not None
    assert referral.family_name == "" and not referral.main_persons.exclude(name="").exists()
    register = DestructionRecord.objects.get()
    assert register.decision == DestructionDecision.REQUEST
    assert register.decided_by == regional_manager
    assert register.pseudonym == referral.pseudonym
    # The request stays as the record of the decision, without its texts.
    assert decided.outcome == RequestOutcome.DESTROYED
    assert (decided.requester_name, decided.details, decided.subject) == ("", "", "")
    assert decided.kind == RequestKind.DESTRUCTION and decided.decided_by == regional_manager
    # Its change history keeps no names either.
    logged = LogEntry.objects.get_for_object(decided)
    assert logged.exists()
    assert not [e for e in logged if "Jansen" in str(e.changes) + e.object_repr]


def test_a_refusal_names_its_ground_and_explains_it(stopped, regional_manager):
    asked = record(stopped, regional_manager)
    for ground, note in [("", "Uitleg"), (RefusalGround.OTHERS_INTEREST, "  ")]:
        with pytest.raises(ValueError):
            rights_request_decide(
                rights_request=asked,
                actor=regional_manager,
                outcome=RequestOutcome.REFUSED,
                refusal_ground=ground,
                note=note,
                decided_on=TODAY,
            )
    # "The data is correct" is a ground for a correction, not for destruction.
    with pytest.raises(ValueError):
        rights_request_decide(
            rights_request=asked,
            actor=regional_manager,
            outcome=RequestOutcome.REFUSED,
            refusal_ground=RefusalGround.DATA_CORRECT,
            note="Klopt",
            decided_on=TODAY,
        )
    refused = rights_request_decide(
        rights_request=asked,
        actor=regional_manager,
        outcome=RequestOutcome.REFUSED,
        refusal_ground=RefusalGround.LEGAL_DUTY,
        note="De rechter heeft om het dossier gevraagd.",
        decided_on=TODAY,
    )
    assert refused.outcome == RequestOutcome.REFUSED
    assert Referral.objects.get(pk=stopped.pk).destroyed_at is None
    with pytest.raises(TransitionError, match="al besloten"):
        rights_request_decide(
            rights_request=refused,
            actor=regional_manager,
            outcome=RequestOutcome.DESTROYED,
            decided_on=TODAY,
        )


def test_a_correction_is_recorded_with_what_was_corrected(case, regional_manager):
    asked = record(
        case,
        regional_manager,
        kind=RequestKind.CORRECTION,
        details="Het adres klopt niet.",
    )
    with pytest.raises(ValueError):
        rights_request_decide(
            rights_request=asked,
            actor=regional_manager,
            outcome=RequestOutcome.CORRECTED,
            decided_on=TODAY,
        )
    with pytest.raises(ValueError):  # a correction cannot end in destruction
        rights_request_decide(
            rights_request=asked,
            actor=regional_manager,
            outcome=RequestOutcome.DESTROYED,
            decided_on=TODAY,
        )
    done = rights_request_decide(
        rights_request=asked,
        actor=regional_manager,
        outcome=RequestOutcome.CORRECTED,
        note="Adres verbeterd.",
        decided_on=TODAY,
    )
    assert (done.outcome, done.outcome_note) == (RequestOutcome.CORRECTED, "Adres verbeterd.")
    assert case.events.filter(kind="rights_request_decided").exists()


def test_retention_destruction_answers_open_requests(stopped, regional_manager):
    asked = record(stopped, regional_manager, kind=RequestKind.ACCESS)
    destroy_case(stopped, decision=DestructionDecision.RETENTION)
    asked.refresh_from_db()
    assert asked.outcome == RequestOutcome.DESTROYED and asked.decided_on == TODAY


# Pages


def test_recording_on_the_page_keeps_the_input_and_says_what_is_wrong(
    client, case, regional_manager
):
    client.force_login(regional_manager)
    url = reverse("privacy:case_requests", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Vernietiging van het dossier" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": RequestKind.DESTRUCTION,
            "subject": child_key(case),
            "requester": Requester.SELF,
            "requested_on": TODAY.isoformat(),
            "details": "Mijn eigen woorden",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "jonger dan 12" in html
    assert "Mijn eigen woorden" in html
    assert not RightsRequest.objects.exists()
    response = client.post(
        url,
        {
            "kind": RequestKind.DESTRUCTION,
            "subject": child_key(case),
            "requester": Requester.PARENT,
            "requester_name": "Moeder",
            "requested_on": TODAY.isoformat(),
        },
    )
    asked = RightsRequest.objects.get()
    assert response["Location"] == reverse("privacy:request", args=[asked.pk])


def test_a_request_page_offers_no_destruction_while_the_case_runs(client, case, regional_manager):
    asked = record(case, regional_manager)
    client.force_login(regional_manager)
    page = client.get(reverse("privacy:request", args=[asked.pk]))
    html = page.content.decode()
    assert "loopt nog" in html
    assert 'value="destroyed"' not in html
    assert 'value="refused"' in html
    # A forged POST is refused by the form: the choice is not offered.
    response = client.post(
        reverse("privacy:request", args=[asked.pk]),
        {"outcome": "destroyed", "decided_on": TODAY.isoformat(), "confirm": "on"},
    )
    assert response.status_code == 200
    assert Referral.objects.get(pk=case.pk).destroyed_at is None


def test_destroying_on_the_page_asks_for_the_tick_and_then_destroys(
    client, stopped, regional_manager
):
    asked = record(stopped, regional_manager)
    client.force_login(regional_manager)
    url = reverse("privacy:request", args=[asked.pk])
    response = client.post(url, {"outcome": "destroyed", "decided_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "Zet het vinkje" in response.content.decode()
    assert Referral.objects.get(pk=stopped.pk).destroyed_at is None
    response = client.post(
        url, {"outcome": "destroyed", "decided_on": TODAY.isoformat(), "confirm": "on"}
    )
    assert response["Location"] == reverse("privacy:requests")
    referral = Referral.objects.get(pk=stopped.pk)
    assert referral.destroyed_at is not None
    # The case is gone from every page; the request's record stays, by pseudonym.
    assert client.get(reverse("referrals:detail", args=[stopped.pk])).status_code == 404
    listing = client.get(reverse("privacy:requests")).content.decode()
    assert referral.pseudonym in listing
    record_page = client.get(url).content.decode()
    assert referral.pseudonym in record_page and "Jansen" not in record_page


def test_the_request_pages_are_for_who_keeps_the_file(
    client, case, regional_manager, referrer, coordinator, other_regional_manager
):
    asked = record(case, regional_manager)
    for outsider in (referrer, coordinator, other_regional_manager):
        client.force_login(outsider)
        assert client.get(reverse("privacy:request", args=[asked.pk])).status_code == 404
        assert client.get(reverse("privacy:case_requests", args=[case.pk])).status_code in (
            403,
            404,
        )
        listing = client.get(reverse("privacy:requests"))
        if outsider == other_regional_manager:
            # Her own region's requests page, without this case.
            assert reverse("privacy:request", args=[asked.pk]) not in listing.content.decode()
        else:
            assert listing.status_code == 403


def test_a_near_deadline_shows_in_the_work_queue_and_on_the_home_page(
    client, case, regional_manager, referrer
):
    far = record(case, regional_manager)
    client.force_login(regional_manager)
    queue = client.get(reverse("referrals:list")).content.decode()
    assert "Verzoek van de familie" not in queue
    home = client.get(reverse("home")).content.decode()
    assert reverse("privacy:request", args=[far.pk]) in home
    # Received long ago: ten days left.
    RightsRequest.objects.filter(pk=far.pk).update(due_on=TODAY + datetime.timedelta(days=10))
    queue = client.get(reverse("referrals:list")).content.decode()
    assert "Verzoek van de familie" in queue
    home = client.get(reverse("home")).content.decode()
    assert "nog 10 dagen" in home
    RightsRequest.objects.filter(pk=far.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    assert "2 dagen te laat" in client.get(reverse("privacy:requests")).content.decode()
    # The referrer sees no deadline of a request she does not handle.
    client.force_login(referrer)
    assert "Verzoek van de familie" not in client.get(reverse("referrals:list")).content.decode()


def test_the_requests_and_home_pages_ask_the_same_queries_for_more_requests(
    client, regional_manager, organization
):
    def one_more():
        referral = factories.registered(regional_manager, organization)
        record(referral, regional_manager)

    client.force_login(regional_manager)
    one_more()
    counts = {}
    for url in (reverse("privacy:requests"), reverse("home")):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[url] = len(few)
    for _ in range(3):
        one_more()
    for url, count in counts.items():
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == count, url


# The file is written once the destruction commits: a real commit is needed.
@pytest.mark.django_db(transaction=True)
def test_a_register_file_that_cannot_be_written_does_not_break_the_page(
    client, stopped, regional_manager, settings, tmp_path
):
    settings.DESTRUCTION_REGISTER_FILE = tmp_path  # a folder: no file can be appended
    asked = record(stopped, regional_manager)
    client.force_login(regional_manager)
    response = client.post(
        reverse("privacy:request", args=[asked.pk]),
        {"outcome": "destroyed", "decided_on": TODAY.isoformat(), "confirm": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "registerbestand" in response.content.decode()
    # The destruction itself is whole; the nightly run adds the missing line.
    assert Referral.objects.get(pk=stopped.pk).destroyed_at is not None
    assert DestructionRecord.objects.filter(decision=DestructionDecision.REQUEST).exists()
