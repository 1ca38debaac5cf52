"""The work queue's search: what it looks in, what it forgives, that it finds ended
cases (marked as ended) but never a case the user may not see, and its query count."""

import pytest
from django.urls import reverse

from ekc.audit import access_log_for
from plans.services import case_close
from privacy.destruction import destroy_case
from privacy.models import DestructionDecision
from referrals import services
from referrals.lifecycle import CaseStatus
from referrals.models import StopReason
from tests import factories

pytestmark = pytest.mark.django_db


def child(name):
    return {**factories.MAIN_PERSON, "name": name}


def found(client, text, **filters):
    response = client.get(reverse("referrals:list"), {"q": text, **filters})
    assert response.status_code == 200
    return [row["referral"] for row in response.context["rows"]]


def stopped(manager, organization, **fields):
    referral = factories.registered(manager, organization, **fields)
    return services.referral_stop(
        referral=referral, actor=manager, reason=StopReason.FAMILY_DECLINED
    )


@pytest.fixture
def bakker(regional_manager, organization, referrer):
    referrer.first_name, referrer.last_name = "Petra", "de Boer"
    referrer.save(update_fields=["first_name", "last_name"])
    return factories.registered(
        regional_manager,
        organization,
        referrer=referrer,
        family_name="Bakker",
        postcode="7511 AB",
        main_persons=[child("Noor Bakker")],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Bakker",
        "  bakker ",
        "BAKK",
        "noor",
        "Noor  Bakker",
        "7511 AB",
        "7511ab",
        "7511 ab",
        "7511",
        "petra",
        "Petra de Boer",
        "de boer",
        "referrer@ekc",
        "REFERRER@EKC.TEST",
    ],
)
def test_search_finds_a_case_by_family_child_postcode_or_referrer(
    client, regional_manager, bakker, text
):
    factories.registered(
        regional_manager, bakker.organization, family_name="Visser", postcode="8011 CK"
    )
    client.force_login(regional_manager)
    assert found(client, text) == [bakker]


def test_search_finds_a_reference_as_users_type_it(client, regional_manager, bakker):
    number = bakker.reference.removeprefix("EK-")  # "2026-0001"
    client.force_login(regional_manager)
    for text in (bakker.reference, bakker.reference.lower(), number, f"ek {number}", f"EK{number}"):
        assert found(client, text) == [bakker], text


def test_a_case_with_two_matching_children_is_found_once(client, regional_manager, organization):
    twins = factories.registered(
        regional_manager,
        organization,
        family_name="Smit",
        main_persons=[child("Lotte de Wit"), child("Lieke de Wit")],
    )
    client.force_login(regional_manager)
    assert found(client, "de wit") == [twins]
    response = client.get(reverse("referrals:list"), {"q": "de wit"})
    assert response.context["page"].paginator.count == 1


def test_the_queue_hides_ended_cases_and_a_search_finds_them_marked_as_ended(
    client, regional_manager, organization, coordinator
):
    open_case = factories.registered(regional_manager, organization, family_name="Yilmaz")
    ended = stopped(regional_manager, organization, family_name="Yilmaz")
    closed = case_close(
        referral=factories.held(
            regional_manager, organization, coordinator.coordinator_profile, family_name="Yilmaz"
        ),
        actor=regional_manager,
    )
    assert (ended.status, closed.status) == (CaseStatus.STOPPED, CaseStatus.CLOSED)
    client.force_login(regional_manager)
    queue = client.get(reverse("referrals:list"))
    assert [row["referral"] for row in queue.context["rows"]] == [open_case]
    assert "Beëindigd" not in queue.content.decode()

    response = client.get(reverse("referrals:list"), {"q": "yilmaz"})
    # Open cases first, the ended ones after them (the lifecycle order).
    assert [row["referral"] for row in response.context["rows"]] == [open_case, closed, ended]
    html = response.content.decode()
    assert html.count('<span class="badge border border-secondary text-body">Beëindigd</span>') == 2
    assert html.count('class="table-secondary"') == 2
    assert "(ook beëindigde zaken)" in html
    # A state chosen beside the search still applies.
    assert found(client, "yilmaz", status=CaseStatus.REGISTERED) == [open_case]
    assert found(client, "yilmaz", status=CaseStatus.STOPPED) == [ended]


def test_every_case_a_search_finds_is_access_logged_with_the_query(
    client, regional_manager, organization
):
    ended = stopped(regional_manager, organization, family_name="Mulder")
    client.force_login(regional_manager)
    client.get(reverse("referrals:list"), {"q": " mulder "})
    entry = access_log_for(ended).get()
    assert (entry.additional_data["access"], entry.additional_data["query"]) == (
        "search",
        "mulder",
    )


# Who finds which of the "Bakker" cases: the same family name, child and postcode in
# two regions, an ended one, a draft and a destroyed one.
FINDS = {
    "admin_user": {"open", "ended", "draft", "elsewhere"},
    "regional_manager": {"open", "ended"},
    "other_regional_manager": {"elsewhere"},
    "coordinator": {"open"},
    "other_coordinator": set(),
    "referrer": {"open", "ended", "draft"},
    "other_referrer": {"elsewhere"},
    "liaison": {"open", "ended", "draft"},
}


@pytest.fixture
def bakkers(
    regional_manager,
    organization,
    referrer,
    coordinator,
    other_regional_manager,
    other_organization,
    other_referrer,
):
    same = {"family_name": "Bakker", "postcode": "7511 AB", "main_persons": [child("Noor")]}
    cases = {
        "open": factories.assigned(
            regional_manager,
            organization,
            coordinator.coordinator_profile,
            referrer=referrer,
            **same,
        ),
        "ended": stopped(regional_manager, organization, referrer=referrer, **same),
        "draft": factories.draft(referrer, organization, referrer=referrer, **same),
        "elsewhere": factories.registered(
            other_regional_manager, other_organization, referrer=other_referrer, **same
        ),
    }
    destroyed = stopped(regional_manager, organization, **same)
    destroy_case(destroyed, decision=DestructionDecision.RETENTION)
    return cases


@pytest.mark.parametrize(("fixture", "finds"), FINDS.items())
def test_a_search_never_finds_a_case_the_user_may_not_see(client, request, bakkers, fixture, finds):
    client.force_login(request.getfixturevalue(fixture))
    expected = {bakkers[name].pk for name in finds}
    for text in ("bakker", "noor", "7511ab"):
        assert {referral.pk for referral in found(client, text)} == expected, text
    # Not even by its exact reference.
    elsewhere = bakkers["elsewhere"]
    assert bool(found(client, elsewhere.reference)) == ("elsewhere" in finds)


@pytest.mark.parametrize("fixture", ["researcher", "no_role_user"])
def test_researchers_and_roleless_users_cannot_search(client, request, bakkers, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("referrals:list"), {"q": "bakker"}).status_code == 403


def _matching_cases(manager, organization, n):
    for i in range(n):
        factories.registered(
            manager,
            organization,
            family_name=f"Kok {i}",
            main_persons=[child(f"Daan Kok {i}"), child(f"Daan Kok {i} jr")],
        )


def test_search_query_count_does_not_grow_with_the_matches(
    client, regional_manager, organization, django_assert_num_queries
):
    _matching_cases(regional_manager, organization, 3)
    stopped(regional_manager, organization, family_name="Kok", main_persons=[child("Daan")])
    client.force_login(regional_manager)
    url = reverse("referrals:list")
    client.get(url, {"q": "daan"})  # warm caches
    with django_assert_num_queries(13):
        response = client.get(url, {"q": "daan"})
    assert response.context["page"].paginator.count == 4
    _matching_cases(regional_manager, organization, 40)
    with django_assert_num_queries(13):
        response = client.get(url, {"q": "daan"})
    assert response.context["page"].paginator.count == 44
    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize(
    ("family_name", "child_name", "text"),
    [
        ("Özdemir", "Elif Özdemir", "Ozdemir"),
        ("Özdemir", "Elif Özdemir", "elif ozdem"),
        ("Van der Berg", "Lotte van der Berg", "vanderberg"),
        ("Jansen-de Vries", "Sem", "jansen de vries"),
        ("Yılmaz", "Ayşe", "ayse"),
    ],
)
def test_search_forgives_diacritics_hyphens_and_spaces_in_names(
    client, regional_manager, organization, family_name, child_name, text
):
    case = factories.registered(
        regional_manager, organization, family_name=family_name, main_persons=[child(child_name)]
    )
    factories.registered(regional_manager, organization, family_name="Bakker")
    client.force_login(regional_manager)
    assert found(client, text) == [case]


def test_a_search_of_only_signs_does_not_find_every_case(client, regional_manager, organization):
    factories.registered(regional_manager, organization, family_name="Bakker")
    client.force_login(regional_manager)
    assert found(client, "'") == []
