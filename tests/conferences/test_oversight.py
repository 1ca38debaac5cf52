"""Notes between the regional manager and the coordinator: the manager comments on
the contact log or the preparation, the coordinator asks for advice, and the other
side answers once. Rules per role, the services' refusals, the pages, the home
pages, the timeline, the mail and the query counts."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.models import NOTE_MAX_LENGTH, NoteKind, NoteStatus, OversightNote
from referrals.services import TransitionError
from tests import factories
from tests.conftest import make_user
from tests.forms import hidden_fields

pytestmark = pytest.mark.django_db

# The services.


@pytest.fixture
def case(regional_manager, organization, coordinator, referrer):
    referral = factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )
    services.contact_log(
        referral=referral,
        actor=coordinator,
        on=timezone.localdate(),
        method="visit",
        minutes=60,
        professional="Wijkteam Zwolle",
    )
    referral.refresh_from_db()
    return referral


def _moment(case):
    return case.contact_moments.get()


def test_a_comment_is_answered_once(case, regional_manager, coordinator):
    note = services.note_comment(
        referral=case,
        actor=regional_manager,
        text="  Goed gesprek!  ",
        contact_moment=_moment(case),
    )
    assert (note.kind, note.status, note.text) == (
        NoteKind.COMMENT,
        NoteStatus.OPEN,
        "Goed gesprek!",
    )
    services.note_answer(note=note, actor=coordinator, text="Dank je.")
    note.refresh_from_db()
    assert (note.status, note.answer, note.answered_by) == (
        NoteStatus.ANSWERED,
        "Dank je.",
        coordinator,
    )
    with pytest.raises(TransitionError):
        services.note_answer(note=note, actor=coordinator, text="Nog een keer")
    note.refresh_from_db()
    assert note.answer == "Dank je."


def test_a_note_needs_a_text_of_limited_length(case, regional_manager, coordinator):
    for text in ("", "   ", "x" * (NOTE_MAX_LENGTH + 1)):
        with pytest.raises(ValueError):
            services.note_comment(referral=case, actor=regional_manager, text=text)
    note = services.note_ask_advice(referral=case, actor=coordinator, text="Hoe verder?")
    with pytest.raises(ValueError):
        services.note_answer(note=note, actor=regional_manager, text=" ")
    assert OversightNote.objects.count() == 1
    assert OversightNote.objects.get().status == NoteStatus.OPEN


def test_the_wrong_role_is_refused(
    case, regional_manager, other_regional_manager, coordinator, other_coordinator, referrer
):
    with pytest.raises(PermissionDenied):
        services.note_comment(referral=case, actor=coordinator, text="Zelf commentaar")
    with pytest.raises(PermissionDenied):
        services.note_comment(referral=case, actor=other_regional_manager, text="Andere regio")
    with pytest.raises(PermissionDenied):
        services.note_ask_advice(referral=case, actor=regional_manager, text="Vraag")
    with pytest.raises(PermissionDenied):
        services.note_ask_advice(referral=case, actor=other_coordinator, text="Vraag")
    comment = services.note_comment(referral=case, actor=regional_manager, text="Opmerking")
    advice = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    for note, wrong in (
        (comment, regional_manager),  # her own comment
        (comment, other_coordinator),
        (comment, referrer),
        (advice, coordinator),  # her own question
        (advice, other_regional_manager),
        (advice, referrer),
    ):
        with pytest.raises(PermissionDenied):
            services.note_answer(note=note, actor=wrong, text="Antwoord")
    assert set(OversightNote.objects.values_list("status", flat=True)) == {NoteStatus.OPEN}


def test_any_manager_of_the_region_answers_a_request_for_advice(case, coordinator, region):
    colleague = make_user("colleague@ekc.test", regions=[region], is_regional_manager=True)
    note = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    services.note_answer(note=note, actor=colleague, text="Bel me even.")
    assert OversightNote.objects.get().answered_by == colleague


def test_a_comment_needs_a_contact_of_the_same_case(
    case, regional_manager, organization, coordinator
):
    other = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    elsewhere = services.contact_log(
        referral=other,
        actor=coordinator,
        on=timezone.localdate(),
        method="phone",
        minutes=5,
        professional="School",
    )
    with pytest.raises(ValueError):
        services.note_comment(
            referral=case, actor=regional_manager, text="Hier?", contact_moment=elsewhere
        )


def test_no_new_notes_on_an_ended_case_but_open_ones_can_be_answered(
    case, regional_manager, coordinator
):
    from referrals.models import Referral

    note = services.note_ask_advice(referral=case, actor=coordinator, text="Stoppen?")
    Referral.objects.filter(pk=case.pk).update(status="stopped")
    case.refresh_from_db()
    with pytest.raises(TransitionError):
        services.note_comment(referral=case, actor=regional_manager, text="Te laat")
    with pytest.raises(TransitionError):
        services.note_ask_advice(referral=case, actor=coordinator, text="Te laat")
    services.note_answer(note=note, actor=regional_manager, text="Ja, dat is goed.")


def test_mail_goes_to_the_other_side_after_the_commit(
    case,
    regional_manager,
    other_regional_manager,
    coordinator,
    region,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    colleague = make_user("colleague@ekc.test", regions=[region], is_regional_manager=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.note_comment(referral=case, actor=regional_manager, text="Geheim 1")
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert case.reference in mailoutbox[0].subject
    # The text stays behind the login; the mail links to the notes.
    assert "Geheim 1" not in mailoutbox[0].body
    assert reverse("conferences:preparation", args=[case.pk]) + "#overleg" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advice = services.note_ask_advice(referral=case, actor=coordinator, text="Geheim 2")
    assert [sorted(m.to) for m in mailoutbox] == [sorted([regional_manager.email, colleague.email])]
    assert other_regional_manager.email not in mailoutbox[0].to
    assert "advies" in mailoutbox[0].subject
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.note_answer(note=comment, actor=coordinator, text="Antwoord")
        services.note_answer(note=advice, actor=colleague, text="Antwoord")
    assert [m.to for m in mailoutbox] == [[regional_manager.email], [coordinator.email]]


def test_no_mail_when_the_note_is_refused(
    case, regional_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError):
        services.note_comment(referral=case, actor=regional_manager, text="")
    assert mailoutbox == []


# The pages.


def _prep(case):
    return reverse("conferences:preparation", args=[case.pk])


def _post_note(client, case, url_name, data):
    page = client.get(_prep(case))
    url = reverse(url_name, args=[case.pk])
    return client.post(url, {**hidden_fields(page, url), **data})


def test_manager_comments_on_a_contact_and_the_coordinator_answers(
    client, case, regional_manager, coordinator
):
    moment = _moment(case)
    client.force_login(regional_manager)
    response = _post_note(
        client,
        case,
        "conferences:note_comment",
        {"contact_moment": moment.pk, "text": "Heb je de school al gesproken?"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#overleg")
    note = OversightNote.objects.get()
    assert (note.author, note.contact_moment, note.kind) == (regional_manager, moment, "comment")

    client.force_login(coordinator)
    html = client.get(_prep(case)).content.decode()
    assert "Heb je de school al gesproken?" in html
    assert "Opmerking van de regiomanager" in html  # at the contact in the log
    assert 'data-action="conferences.answer_note"' in html
    answer_url = reverse("conferences:note_answer", args=[case.pk, note.pk])
    response = client.post(answer_url, {"answer": "Ja, morgen."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.answer == "Ja, morgen."
    # Answering again (a second tab, a double click) changes nothing and says why.
    response = client.post(answer_url, {"answer": "Anders"})
    assert response.status_code == 302
    assert "Hierop is al geantwoord." in [str(m) for m in get_messages(response.wsgi_request)]
    note.refresh_from_db()
    assert note.answer == "Ja, morgen."


def test_an_empty_or_long_note_gets_a_dutch_error_and_keeps_what_was_typed(
    client, case, regional_manager, coordinator
):
    moment = _moment(case)
    client.force_login(regional_manager)
    response = _post_note(
        client, case, "conferences:note_comment", {"contact_moment": moment.pk, "text": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Schrijf een korte tekst." in html
    assert f'<option value="{moment.pk}" selected>' in html
    too_long = "Lang verhaal " * 200
    response = _post_note(client, case, "conferences:note_comment", {"text": too_long})
    assert response.status_code == 200
    assert f"niet meer dan {NOTE_MAX_LENGTH} tekens" in response.content.decode()
    assert too_long.strip() in response.content.decode()
    assert not OversightNote.objects.exists()

    client.force_login(coordinator)
    response = _post_note(client, case, "conferences:note_ask_advice", {"text": "Help!"})
    note = OversightNote.objects.get()
    client.force_login(regional_manager)
    url = reverse("conferences:note_answer", args=[case.pk, note.pk])
    response = client.post(url, {"answer": " "})
    assert response.status_code == 200
    assert "Schrijf een kort antwoord." in response.content.decode()
    note.refresh_from_db()
    assert note.status == NoteStatus.OPEN


def test_a_double_submitted_note_is_saved_once(client, case, regional_manager):
    client.force_login(regional_manager)
    page = client.get(_prep(case))
    url = reverse("conferences:note_comment", args=[case.pk])
    data = {**hidden_fields(page, url), "text": "Een keer"}
    client.post(url, data)
    client.post(url, data)
    assert OversightNote.objects.count() == 1


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("coordinator", 403),
        ("other_regional_manager", 404),
        ("other_coordinator", 404),
        ("referrer", 403),
        ("admin_user", 403),
    ],
)
def test_others_cannot_comment(client, request, case, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    url = reverse("conferences:note_comment", args=[case.pk])
    assert client.post(url, {"text": "Hallo"}).status_code == expected
    assert not OversightNote.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("coordinator", 403),  # her own question
        ("other_regional_manager", 404),
        ("referrer", 403),
        ("admin_user", 403),
    ],
)
def test_others_cannot_answer_a_request_for_advice(
    client, request, case, coordinator, fixture, expected
):
    note = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    client.force_login(request.getfixturevalue(fixture))
    url = reverse("conferences:note_answer", args=[case.pk, note.pk])
    assert client.post(url, {"answer": "Antwoord"}).status_code == expected
    note.refresh_from_db()
    assert note.status == NoteStatus.OPEN


def test_a_note_is_answered_only_under_its_own_case(
    client, case, regional_manager, organization, coordinator
):
    other = factories.assigned(regional_manager, organization, coordinator.coordinator_profile)
    note = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    client.force_login(regional_manager)
    url = reverse("conferences:note_answer", args=[other.pk, note.pk])
    assert client.post(url, {"answer": "Antwoord"}).status_code == 404


def test_the_case_page_shows_the_notes_and_the_timeline_to_both_and_not_the_text_to_others(
    client, case, regional_manager, coordinator, referrer, admin_user
):
    comment = services.note_comment(
        referral=case,
        actor=regional_manager,
        text="Tekst van de regiomanager",
        contact_moment=_moment(case),
    )
    services.note_answer(note=comment, actor=coordinator, text="Antwoord van de coordinator")
    services.note_ask_advice(referral=case, actor=coordinator, text="Vraag om advies hier")
    url = reverse("referrals:detail", args=[case.pk])
    for user in (regional_manager, coordinator):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "Tekst van de regiomanager" in html
        assert "Antwoord van de coordinator" in html
        assert "Vraag om advies hier" in html
    for user in (referrer, admin_user):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert "Tekst van de regiomanager" not in html
        assert "Vraag om advies hier" not in html
        # The timeline says that they talked, never what about.
        assert "Regiomanager gaf een opmerking bij het contact van" in html
        assert "Coördinator beantwoordde de opmerking van de regiomanager" in html
        assert "Coördinator vroeg de regiomanager om advies" in html


def test_the_timeline_sentences(case, regional_manager, coordinator):
    from referrals import timeline

    note = services.note_comment(referral=case, actor=regional_manager, text="Algemeen")
    services.note_answer(note=note, actor=coordinator, text="Ok")
    advice = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    services.note_answer(note=advice, actor=regional_manager, text="Antwoord")
    events = case.events.select_related("actor").order_by("-at", "-pk")
    lines = [entry.text for entry in timeline.entries(events)][:4]
    assert lines == [
        "Regiomanager beantwoordde de vraag om advies",
        "Coördinator vroeg de regiomanager om advies",
        "Coördinator beantwoordde de opmerking van de regiomanager",
        "Regiomanager gaf een opmerking bij de voorbereiding",
    ]


# The home pages.


def test_home_shows_the_manager_open_requests_for_advice_of_her_regions(
    client, case, regional_manager, other_regional_manager, coordinator
):
    advice = services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    client.force_login(regional_manager)
    response = client.get(reverse("home"))
    assert response.context["work"]["advice_requests"] == [advice]
    assert f"#note-{advice.pk}" in response.content.decode()
    client.force_login(other_regional_manager)
    assert client.get(reverse("home")).context["work"]["advice_requests"] == []
    services.note_answer(note=advice, actor=regional_manager, text="Antwoord")
    client.force_login(regional_manager)
    assert client.get(reverse("home")).context["work"]["advice_requests"] == []


def test_home_shows_the_coordinator_comments_not_yet_answered(
    client, case, regional_manager, coordinator, other_coordinator
):
    comment = services.note_comment(referral=case, actor=regional_manager, text="Opmerking")
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.context["work"]["open_comments"] == [comment]
    assert "Opmerkingen van de regiomanager om te beantwoorden" in response.content.decode()
    client.force_login(other_coordinator)
    assert client.get(reverse("home")).context["work"]["open_comments"] == []
    services.note_answer(note=comment, actor=coordinator, text="Antwoord")
    client.force_login(coordinator)
    assert client.get(reverse("home")).context["work"]["open_comments"] == []


def test_home_logs_access_to_the_cases_of_the_notes(client, case, regional_manager, coordinator):
    from auditlog.models import LogEntry

    services.note_ask_advice(referral=case, actor=coordinator, text="Vraag")
    client.force_login(regional_manager)
    client.get(reverse("home"))
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=regional_manager)
    assert entries.filter(object_pk=str(case.pk)).exists()


# Query counts: at two sizes, so N+1 cannot come back.


def _notes(case, manager, coordinator, count):
    """``count`` comments (every other one answered) and requests for advice."""
    moment = _moment(case)
    for index in range(count):
        comment = services.note_comment(
            referral=case, actor=manager, text=f"Opmerking {index}", contact_moment=moment
        )
        if index % 2:
            services.note_answer(note=comment, actor=coordinator, text="Antwoord")
        services.note_ask_advice(referral=case, actor=coordinator, text=f"Vraag {index}")


@pytest.mark.parametrize("who", ["regional_manager", "coordinator"])
def test_preparation_page_query_count_does_not_grow_with_the_notes(
    client, request, case, regional_manager, coordinator, who, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(who))
    url = _prep(case)
    _notes(case, regional_manager, coordinator, 2)
    client.get(url)
    expected = {"regional_manager": 17, "coordinator": 29}[who]
    with django_assert_num_queries(expected):
        client.get(url)
    _notes(case, regional_manager, coordinator, 10)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["notes"]) == 24


def test_case_page_query_count_does_not_grow_with_the_notes(
    client, case, regional_manager, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    url = reverse("referrals:detail", args=[case.pk])
    _notes(case, regional_manager, coordinator, 2)
    client.get(url)
    with django_assert_num_queries(26):
        client.get(url)
    _notes(case, regional_manager, coordinator, 10)
    with django_assert_num_queries(26):
        client.get(url)


@pytest.mark.parametrize("who", ["regional_manager", "coordinator"])
def test_home_query_count_does_not_grow_with_the_notes(
    client,
    request,
    regional_manager,
    organization,
    coordinator,
    who,
    django_assert_num_queries,
):
    def open_notes():
        referral = factories.assigned(
            regional_manager, organization, coordinator.coordinator_profile
        )
        services.note_comment(referral=referral, actor=regional_manager, text="Opmerking")
        services.note_ask_advice(referral=referral, actor=coordinator, text="Vraag")

    coordinator.coordinator_profile.max_active_cases = 20
    coordinator.coordinator_profile.save()
    client.force_login(request.getfixturevalue(who))
    open_notes()
    client.get(reverse("home"))
    expected = {"regional_manager": 15, "coordinator": 14}[who]
    with django_assert_num_queries(expected):
        client.get(reverse("home"))
    for _ in range(5):
        open_notes()
    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    key = "advice_requests" if who == "regional_manager" else "open_comments"
    assert len(response.context["work"][key]) == 6
