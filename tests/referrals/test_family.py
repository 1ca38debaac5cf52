"""Families who come back: the match, the link, and conflicts that carry over."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coordinators.matching import rank_coordinators
from coordinators.models import ConflictOfInterest, DeclineReason
from coordinators.services import assignment_decline, assignment_propose
from ekc.lifecycle import TransitionError
from referrals import selectors, services
from referrals.family import name_key, similar_keys, similar_names
from referrals.models import CaseEvent, Referral
from tests import factories

pytestmark = pytest.mark.django_db

EARLIER = datetime.date(2021, 3, 4)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Özdemir", "Ozdemir"),
        ("Van der Berg", "vanderberg"),
        ("Jansen-de Vries", "Jansen de Vries"),
        ("Jansen", "Janssen"),  # one letter more
        ("Bakker", "Bakekr"),  # two neighbouring letters swapped
        ("Yılmaz", "Yilmaz"),  # the Turkish dotless i
        ("Kowalczyk", "Kowalcyk"),
        ("D'Souza", "DSouza"),
    ],
)
def test_spelling_variants_have_similar_keys(a, b):
    assert similar_keys(name_key(a), name_key(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("de Vries", "de Vos"),
        ("Jansen", "Hansen-Berg"),
        ("Ali", "Aly"),  # short names must be equal
        ("Bakker", "Becker"),  # two letters differ
        ("Mol", "Mols"),
    ],
)
def test_different_names_are_not_similar(a, b):
    assert not similar_keys(name_key(a), name_key(b))


def test_person_names_compare_whole_names_when_both_have_a_family_name():
    assert similar_names("Emma de Vries", "Emma de Vires")
    assert similar_names("Emma", "Emma de Vries")  # one has the first name only
    assert not similar_names("Emma de Vries", "Emma Jansen")
    assert not similar_names("", "Emma")


def earlier_case(manager, organization, referred_on=EARLIER, **fields):
    case = factories.registered(manager, organization, **fields)
    Referral.objects.filter(pk=case.pk).update(referred_on=referred_on)
    case.refresh_from_db()
    return case


PERSON = {"name": "Sem Özdemir", "birth_date": datetime.date(2015, 5, 1), "sex": "m"}


def test_match_finds_the_family_by_a_main_person_despite_spelling(regional_manager, organization):
    earlier = earlier_case(
        regional_manager, organization, family_name="Özdemir", main_persons=[PERSON]
    )
    new = factories.registered(
        regional_manager,
        organization,
        family_name="Aydın",  # the mother's name this time
        main_persons=[{**PERSON, "name": "Sem Ozdemir"}],
    )
    (match,) = selectors.family_matches(regional_manager, new)
    assert match.case == earlier
    assert "Sem Özdemir" in match.reasons[0]


def test_match_finds_the_family_by_name_and_postcode(regional_manager, organization):
    earlier = earlier_case(
        regional_manager,
        organization,
        family_name="Van der Berg",
        postcode="7511 AB",
        main_persons=[{"name": "Lotte", "birth_date": datetime.date(2012, 1, 2)}],
    )
    new = factories.registered(
        regional_manager,
        organization,
        family_name="van der Bergh",
        postcode="7511ab",
        main_persons=[{"name": "Daan", "birth_date": datetime.date(2020, 6, 7)}],
    )
    (match,) = selectors.family_matches(regional_manager, new)
    assert match.case == earlier
    assert "7511 AB" in match.reasons[0]


@pytest.mark.parametrize(
    "new_fields",
    [
        # The same birth date, another child.
        {"main_persons": [{**PERSON, "name": "Noor Bakker"}], "family_name": "Bakker"},
        # The same name, another birth date.
        {"main_persons": [{**PERSON, "birth_date": datetime.date(2016, 5, 1)}]},
        # The same family name at another postcode.
        {"main_persons": [{"name": "Daan", "birth_date": datetime.date(2020, 6, 7)}]},
    ],
)
def test_match_does_not_find_a_different_family(regional_manager, organization, new_fields):
    earlier_case(
        regional_manager,
        organization,
        family_name="Özdemir",
        postcode="7511 AB",
        main_persons=[PERSON],
    )
    fields = {"family_name": "Özdemir", "postcode": "8000 XY", **new_fields}
    new = factories.registered(regional_manager, organization, **fields)
    assert selectors.family_matches(regional_manager, new) == []


def test_match_leaves_out_later_cases_other_regions_and_destroyed_files(
    regional_manager, organization, other_regional_manager, other_organization
):
    new = factories.registered(regional_manager, organization, main_persons=[PERSON])
    Referral.objects.filter(pk=new.pk).update(referred_on=EARLIER)
    new.refresh_from_db()
    # Referred later than the case itself.
    factories.registered(regional_manager, organization, main_persons=[PERSON])
    # In a region the manager does not work in.
    elsewhere = earlier_case(
        other_regional_manager,
        other_organization,
        EARLIER.replace(year=2019),
        main_persons=[PERSON],
    )
    destroyed = earlier_case(
        regional_manager, organization, EARLIER.replace(year=2018), main_persons=[PERSON]
    )
    Referral.objects.filter(pk=destroyed.pk).update(destroyed_at=destroyed.created_at)
    assert selectors.family_matches(regional_manager, new) == []
    # The case in the other region is found by the manager who may see it.
    assert [m.case for m in selectors.family_matches(other_regional_manager, new)] == [elsewhere]


def test_link_records_the_event_and_shows_the_earlier_case(
    client, regional_manager, organization, coordinator
):
    earlier = earlier_case(regional_manager, organization, main_persons=[PERSON])
    new = factories.registered(regional_manager, organization, main_persons=[PERSON])
    services.family_link(referral=new, previous=earlier, actor=regional_manager)
    new.refresh_from_db()
    assert new.previous == earlier
    event = CaseEvent.objects.get(referral=new, kind="family_linked")
    assert event.label == f"Gekoppeld aan een eerdere aanmelding van het gezin: {earlier.reference}"
    client.force_login(regional_manager)
    page = client.get(reverse("referrals:detail", args=[new.pk])).content.decode()
    assert f'href="{reverse("referrals:detail", args=[earlier.pk])}"' in page
    later = client.get(reverse("referrals:detail", args=[earlier.pk])).content.decode()
    assert new.reference in later  # the earlier case shows the family came back


def test_link_is_for_the_region_only(
    regional_manager, organization, other_regional_manager, referrer, coordinator
):
    earlier = earlier_case(regional_manager, organization)
    new = factories.registered(regional_manager, organization)
    for outsider in (other_regional_manager, referrer, coordinator):
        with pytest.raises(PermissionDenied):
            services.family_link(referral=new, previous=earlier, actor=outsider)
    assert Referral.objects.get(pk=new.pk).previous is None


def test_link_refuses_a_later_case_itself_and_a_case_out_of_sight(
    regional_manager, organization, other_regional_manager, other_organization
):
    earlier = earlier_case(regional_manager, organization)
    new = factories.registered(regional_manager, organization)
    with pytest.raises(TransitionError, match="niet eerder aangemeld"):
        services.family_link(referral=earlier, previous=new, actor=regional_manager)
    with pytest.raises(TransitionError):
        services.family_link(referral=new, previous=new, actor=regional_manager)
    elsewhere = earlier_case(other_regional_manager, other_organization)
    with pytest.raises(PermissionDenied):
        services.family_link(referral=new, previous=elsewhere, actor=regional_manager)
    assert not Referral.objects.filter(previous__isnull=False).exists()


def test_unlink(regional_manager, organization):
    earlier = earlier_case(regional_manager, organization)
    new = factories.registered(regional_manager, organization)
    services.family_link(referral=new, previous=earlier, actor=regional_manager)
    services.family_unlink(referral=new, actor=regional_manager)
    assert Referral.objects.get(pk=new.pk).previous is None
    assert CaseEvent.objects.filter(referral=new, kind="family_unlinked").exists()


def test_link_page_keeps_a_wrong_reference_with_its_error(client, regional_manager, organization):
    new = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    url = reverse("referrals:family_link", args=[new.pk])
    response = client.post(url, {"reference": "EK-1999-0404"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Er is geen aanmelding met deze referentie die jij mag inzien." in page
    assert 'value="EK-1999-0404"' in page
    response = client.post(url, {"reference": ""})
    assert "Vul de referentie van de eerdere aanmelding in." in response.content.decode()


def test_link_page_links_by_reference_without_the_prefix(client, regional_manager, organization):
    earlier = earlier_case(regional_manager, organization)
    new = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    number = earlier.reference.removeprefix("EK-")
    response = client.post(reverse("referrals:family_link", args=[new.pk]), {"reference": number})
    assert response.status_code == 302
    assert Referral.objects.get(pk=new.pk).previous == earlier


def test_link_pages_refuse_those_who_may_not_link(client, regional_manager, organization, referrer):
    new = factories.registered(regional_manager, organization)
    client.force_login(referrer)
    assert client.get(reverse("referrals:family_link", args=[new.pk])).status_code == 403
    assert client.post(reverse("referrals:family_unlink", args=[new.pk])).status_code == 403


def test_a_coordinator_sees_only_the_linked_cases_they_may_see(
    client, regional_manager, organization, coordinator
):
    profile = coordinator.coordinator_profile
    earlier = earlier_case(regional_manager, organization)
    new = factories.assigned(regional_manager, organization, profile)
    services.family_link(referral=new, previous=earlier, actor=regional_manager)
    client.force_login(coordinator)
    page = client.get(reverse("referrals:detail", args=[new.pk])).content.decode()
    assert reverse("referrals:detail", args=[earlier.pk]) not in page
    assert "Andere aanmeldingen van het gezin" not in page


def test_case_page_with_matches_pins_its_queries(
    client, regional_manager, organization, django_assert_num_queries
):
    new = factories.registered(regional_manager, organization, main_persons=[PERSON])
    earlier_case(regional_manager, organization, main_persons=[PERSON])
    client.force_login(regional_manager)
    url = reverse("referrals:detail", args=[new.pk])
    client.get(url)
    with django_assert_num_queries(25):
        assert "Koppel aan" in client.get(url).content.decode()
    for year in range(2010, 2016):
        earlier_case(
            regional_manager, organization, EARLIER.replace(year=year), main_persons=[PERSON]
        )
    with django_assert_num_queries(25):
        client.get(url)


# Conflicts of interest carry over to the family's later cases.


def test_a_conflict_on_an_earlier_case_excludes_the_coordinator(
    regional_manager, organization, coordinator, other_coordinator
):
    profile = coordinator.coordinator_profile
    oldest = earlier_case(regional_manager, organization, EARLIER.replace(year=2018))
    earlier = earlier_case(regional_manager, organization)
    services.family_link(referral=earlier, previous=oldest, actor=regional_manager)
    ConflictOfInterest.objects.create(
        coordinator=profile, referral=oldest, reason="Kent de familie", recorded_by=regional_manager
    )
    new = factories.registered(regional_manager, organization)
    assert profile in [c.coordinator for c in rank_coordinators(new)]
    services.family_link(referral=new, previous=earlier, actor=regional_manager)
    new.refresh_from_db()
    ranked = [c.coordinator for c in rank_coordinators(new)]
    assert profile not in ranked  # through two links
    assert other_coordinator.coordinator_profile in ranked


@pytest.mark.parametrize(
    ("reason", "carries_over"),
    [(DeclineReason.CONFLICT, True), (DeclineReason.NO_TIME, False)],
)
def test_a_decline_carries_over_only_for_a_conflict(
    regional_manager, organization, coordinator, reason, carries_over
):
    profile = coordinator.coordinator_profile
    earlier = earlier_case(regional_manager, organization)
    assignment = assignment_propose(referral=earlier, coordinator=profile, actor=regional_manager)
    assignment_decline(assignment=assignment, actor=coordinator, reason=reason)
    new = factories.registered(regional_manager, organization)
    services.family_link(referral=new, previous=earlier, actor=regional_manager)
    new.refresh_from_db()
    ranked = [c.coordinator for c in rank_coordinators(new)]
    assert (profile not in ranked) is carries_over
