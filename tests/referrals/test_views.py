import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coordinators.models import Assignment
from referrals import services
from referrals.lifecycle import CaseStatus
from referrals.models import Referral
from tests import factories
from tests.forms import post_form

pytestmark = pytest.mark.django_db

# In the future, yet a plausible date: the field's own rule must speak.
NEXT_MONTH = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


@pytest.fixture
def case(regional_manager, organization, referrer, coordinator):
    """A registered case of the manager's region and the referrer's organisation,
    with ``coordinator`` assigned."""
    return factories.assigned(
        regional_manager, organization, coordinator.coordinator_profile, referrer=referrer
    )


# Who sees the case (200) and who gets 404, for every role and outsiders.
DETAIL_ACCESS = {
    "admin_user": 200,
    "regional_manager": 200,
    "other_regional_manager": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "referrer": 200,
    "other_referrer": 404,
    "liaison": 200,
    "researcher": 404,
    "no_role_user": 404,
}


@pytest.mark.parametrize(("fixture", "expected"), DETAIL_ACCESS.items())
def test_case_page_access_for_every_role(client, request, case, fixture, expected):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("referrals:detail", args=[case.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert "Waar kunnen de kinderen veilig wonen?" in response.content.decode()


LIST_ACCESS = {
    "admin_user": True,
    "regional_manager": True,
    "other_regional_manager": False,
    "coordinator": True,
    "other_coordinator": False,
    "referrer": True,
    "other_referrer": False,
    "liaison": True,
}


@pytest.mark.parametrize(("fixture", "sees"), LIST_ACCESS.items())
def test_lists_show_only_what_the_user_may_see(client, request, case, fixture, sees):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert (case.reference in response.content.decode()) == sees


@pytest.mark.parametrize("fixture", ["researcher", "no_role_user"])
def test_researchers_and_roleless_users_get_no_case_list(client, request, case, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("referrals:list")).status_code == 403


def test_viewing_a_case_is_access_logged(client, case, regional_manager):
    from ekc.audit import access_log_for

    client.force_login(regional_manager)
    client.get(reverse("referrals:detail", args=[case.pk]), REMOTE_ADDR="10.0.0.7")
    entry = access_log_for(case).get()
    assert (entry.actor, entry.remote_addr, entry.additional_data["access"]) == (
        regional_manager,
        "10.0.0.7",
        "view",
    )


def test_searching_is_access_logged_per_case_found(client, case, regional_manager):
    from ekc.audit import access_log_for

    client.force_login(regional_manager)
    client.get(reverse("referrals:list"), {"q": "jans"})
    entry = access_log_for(case).get()
    assert entry.additional_data == {
        "access": "search",
        "path": "/aanmeldingen/",
        "query": "jans",
        # Who acted, as they stood then (NEN 7513).
        "actor_name": "Manager Test",
        "roles": ["regional_manager"],
        "organisation": "",
        "regions": ["Overijssel"],
        "acting_for": "Eigen Kracht Overijssel",
    }


def test_the_work_queue_without_a_search_logs_its_rows_as_listed(client, case, regional_manager):
    from ekc.audit import access_log_for

    client.force_login(regional_manager)
    client.get(reverse("referrals:list"))
    assert access_log_for(case).get().additional_data["access"] == "list"


def test_case_page_shows_timeline(client, case, regional_manager):
    client.force_login(regional_manager)
    html = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert "Tijdlijn" in html
    assert "Coördinator heeft ja gezegd" in html
    assert "Geregistreerd" in html


def test_referrer_sees_the_coordinators_name_and_contact(client, case, referrer, coordinator):
    client.force_login(referrer)
    html = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    assert coordinator.get_full_name() in html
    assert coordinator.email in html


def form_data(**overrides):
    data = {
        "occasion": "crisis",
        "question": "Hoe komt de zoon aan zijn diploma?",
        "bounds": "Hij gaat elke dag naar school.",
        "family_name": "Yilmaz",
        "languages": ["nl", "tr"],
        "main_persons-TOTAL_FORMS": "1",
        "main_persons-INITIAL_FORMS": "0",
        "main_persons-0-name": "Emre Yilmaz",
        "main_persons-0-birth_date": "2010-04-02",
        "main_persons-0-sex": "m",
        "main_persons-0-is_child": "on",
        "professionals-TOTAL_FORMS": "1",
        "professionals-INITIAL_FORMS": "0",
        "network-TOTAL_FORMS": "1",
        "network-INITIAL_FORMS": "0",
        "network-0-name": "Oma Ayse",
        "network-0-relation": "grandparent",
    }
    data.update(overrides)
    return data


def test_referrer_submits_a_referral_through_the_form(client, referrer, regional_manager):
    client.force_login(referrer)
    response = post_form(client, reverse("referrals:create"), form_data(submit="1"))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == CaseStatus.SUBMITTED
    assert referral.organization == referrer.organization
    assert referral.referrer == referrer
    assert referral.languages == ["nl", "tr"]
    assert list(referral.main_persons.values_list("name", "birth_year")) == [("Emre Yilmaz", 2010)]
    assert list(referral.network_members.values_list("name", flat=True)) == ["Oma Ayse"]


def test_bad_input_keeps_the_form_and_shows_dutch_errors(client, referrer):
    client.force_login(referrer)
    response = post_form(
        client,
        reverse("referrals:create"),
        form_data(submit="1", bounds="", **{"main_persons-0-birth_date": NEXT_MONTH}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vul dit in voordat je de aanmelding verstuurt." in html
    assert "Een geboortedatum kan niet in de toekomst liggen." in html
    assert "Hoe komt de zoon aan zijn diploma?" in html  # nothing typed is lost
    assert 'value="Oma Ayse"' in html
    assert "Select an option" not in html  # no English in the Dutch form
    assert not Referral.objects.exists()


def test_sending_without_a_main_person_keeps_the_form_and_saves_nothing(client, referrer):
    client.force_login(referrer)
    empty_row = {f"main_persons-0-{name}": "" for name in ("name", "birth_date", "sex", "is_child")}
    data = form_data(submit="1", **empty_row)
    response = post_form(client, reverse("referrals:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Voeg minstens één hoofdpersoon toe voordat je de aanmelding verstuurt." in html
    assert "Oma Ayse" in html
    assert not Referral.objects.exists()


def test_the_case_page_says_what_is_still_needed_to_send(client, referrer):
    referral = services.referral_create(
        actor=referrer, organization=referrer.organization, family_name="De Wit"
    )
    client.force_login(referrer)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "minstens één hoofdpersoon" in html
    assert "Nog in te vullen" in html


def test_a_draft_saves_with_little_and_is_finished_later(client, referrer):
    client.force_login(referrer)
    response = post_form(
        client,
        reverse("referrals:create"),
        {
            "family_name": "De Wit",
            "main_persons-TOTAL_FORMS": "1",
            "main_persons-INITIAL_FORMS": "0",
            "professionals-TOTAL_FORMS": "0",
            "professionals-INITIAL_FORMS": "0",
            "network-TOTAL_FORMS": "0",
            "network-INITIAL_FORMS": "0",
            "save": "1",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.status, referral.reference) == (CaseStatus.DRAFT, None)


def test_add_a_row_keeps_everything_and_saves_nothing(client, referrer):
    client.force_login(referrer)
    response = post_form(client, reverse("referrals:create"), form_data(add_row="network"))
    assert response.status_code == 200
    assert response.context["formsets"]["network"].total_form_count() == 2
    assert 'value="Oma Ayse"' in response.content.decode()
    assert not Referral.objects.exists()


def test_stale_edit_keeps_the_users_input(client, regional_manager, organization):
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    page = client.get(reverse("referrals:edit", args=[referral.pk]))
    version = page.context["form"]["version"].value()
    Referral.objects.filter(pk=referral.pk).update(version=version + 1, question="Andere vraag")
    data = form_data(
        organization=organization.pk,
        version=version,
        question="Mijn nieuwe vraag",
        save="1",
        **{
            "main_persons-TOTAL_FORMS": "0",
            "network-TOTAL_FORMS": "0",
            "professionals-TOTAL_FORMS": "0",
        },
    )
    response = client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft dit intussen veranderd" in html
    assert "Mijn nieuwe vraag" in html
    referral.refresh_from_db()
    assert referral.question == "Andere vraag"


def test_network_members_added_and_removed_in_the_form_are_case_events(client, referrer):
    referral = factories.draft(referrer, referrer.organization)
    services.referral_update(
        referral=referral,
        actor=referrer,
        version=referral.version,
        fields={},
        children={"network": [{"name": "Oma", "relation": "grandparent"}]},
    )
    grandmother = referral.network_members.get()
    person = referral.main_persons.get()
    client.force_login(referrer)
    response = post_form(
        client,
        reverse("referrals:edit", args=[referral.pk]),
        form_data(
            **{
                "main_persons-INITIAL_FORMS": "1",
                "main_persons-0-id": person.pk,
                "main_persons-0-name": person.name,
                "main_persons-0-birth_date": person.birth_date.isoformat(),
                "main_persons-0-sex": person.sex,
                "professionals-TOTAL_FORMS": "0",
                "network-TOTAL_FORMS": "2",
                "network-INITIAL_FORMS": "1",
                "network-0-id": grandmother.pk,
                "network-0-name": "Oma",
                "network-0-relation": "grandparent",
                "network-0-DELETE": "on",
                "network-1-name": "Buurman",
                "network-1-relation": "neighbour",
                "save": "1",
            }
        ),
    )
    assert response.status_code == 302
    assert list(referral.network_members.values_list("name", flat=True)) == ["Buurman"]
    assert list(referral.main_persons.values_list("name", flat=True)) == [person.name]
    kinds = referral.events.filter(kind__startswith="network").order_by("pk")
    assert [(e.kind, e.details["relation"]) for e in kinds] == [
        ("network_added", "grandparent"),
        ("network_removed", "grandparent"),
        ("network_added", "neighbour"),
    ]


def test_manager_takes_in_and_returns_through_the_page(
    client, referrer, regional_manager, organization
):
    from referrals import services

    first = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    second = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    client.force_login(regional_manager)
    client.post(reverse("referrals:take_in", args=[first.pk]))
    response = client.post(reverse("referrals:return", args=[second.pk]), {"reason": ""})
    assert response.status_code == 200  # a reason is required
    client.post(reverse("referrals:return", args=[second.pk]), {"reason": "Kaders graag scherper"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (CaseStatus.REGISTERED, CaseStatus.RETURNED)


def test_repeated_take_in_does_no_harm(client, referrer, regional_manager, organization):
    from referrals import services

    referral = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    client.force_login(regional_manager)
    client.post(reverse("referrals:take_in", args=[referral.pk]))
    response = client.post(reverse("referrals:take_in", args=[referral.pk]), follow=True)
    assert response.status_code == 200
    assert referral.events.filter(kind="take_in").count() == 1


def test_referrer_cannot_take_in(client, referrer, organization):
    from referrals import services

    referral = services.referral_submit(
        referral=factories.draft(referrer, organization), actor=referrer
    )
    client.force_login(referrer)
    assert client.post(reverse("referrals:take_in", args=[referral.pk])).status_code == 403


def test_consent_form_errors_keep_input(client, regional_manager, organization):
    referral = factories.registered(regional_manager, organization, with_consent=False)
    client.force_login(regional_manager)
    response = post_form(
        client,
        reverse("referrals:detail", args=[referral.pk]),
        {"given_by": "Vader", "given_on": NEXT_MONTH, "scope": "Delen"},
        action=reverse("referrals:consent", args=[referral.pk]),
    )
    assert response.status_code == 200
    assert "Toestemming kan niet in de toekomst gegeven zijn." in response.content.decode()
    assert 'value="Vader"' in response.content.decode()
    assert not referral.consents.exists()


def test_stop_and_reopen_through_the_pages(client, regional_manager, admin_user, organization):
    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    response = client.post(reverse("referrals:stop", args=[referral.pk]), {"reason": "other"})
    assert "Leg de reden uit" in response.content.decode()
    client.post(reverse("referrals:stop", args=[referral.pk]), {"reason": "safety", "note": ""})
    referral.refresh_from_db()
    assert referral.status == CaseStatus.STOPPED
    assert client.get(reverse("referrals:reopen", args=[referral.pk])).status_code == 403
    client.force_login(admin_user)
    client.post(reverse("referrals:reopen", args=[referral.pk]), {"reason": "Toch een conferentie"})
    referral.refresh_from_db()
    assert referral.status == CaseStatus.REGISTERED


def _make_cases(manager, organization, coordinator_profile, n):
    for i in range(n):
        referral = factories.registered(manager, organization, family_name=f"Fam{i}")
        if i % 3 == 0:
            Assignment.objects.create(
                referral=referral, coordinator=coordinator_profile, status="accepted"
            )


def test_queue_query_count_does_not_grow(
    client,
    regional_manager,
    organization,
    coordinator,
    django_assert_num_queries,
):
    profile = coordinator.coordinator_profile
    _make_cases(regional_manager, organization, profile, 10)
    client.force_login(regional_manager)
    client.get(reverse("referrals:list"))  # warm caches
    with django_assert_num_queries(13):
        client.get(reverse("referrals:list"))
    _make_cases(regional_manager, organization, profile, 190)
    with django_assert_num_queries(13):
        response = client.get(reverse("referrals:list"))
    assert response.context["page"].paginator.count == 200


def test_case_page_query_count_does_not_grow(
    client, regional_manager, organization, django_assert_num_queries
):
    from referrals.models import MainPerson, NetworkMember

    referral = factories.registered(regional_manager, organization)
    client.force_login(regional_manager)
    url = reverse("referrals:detail", args=[referral.pk])
    client.get(url)
    # 20: the look for the family's earlier cases while the case is registered, and
    # the notes between manager and coordinator.
    with django_assert_num_queries(20):
        client.get(url)
    for i in range(20):
        MainPerson.objects.create(referral=referral, name=f"Kind {i}")
        NetworkMember.objects.create(referral=referral, name=f"Lid {i}", relation="friend")
    for _ in range(10):
        from referrals.services import record_event

        record_event(referral=referral, actor=regional_manager, kind="updated")
    with django_assert_num_queries(20):
        client.get(url)


def test_queue_filters_and_flags(client, regional_manager, organization):
    import datetime

    from django.utils import timezone

    old = factories.registered(regional_manager, organization, family_name="Oud")
    Referral.objects.filter(pk=old.pk).update(
        registered_at=timezone.now() - datetime.timedelta(weeks=9)
    )
    factories.registered(regional_manager, organization, family_name="Nieuw")
    client.force_login(regional_manager)
    response = client.get(reverse("referrals:list"), {"attention": "on"})
    rows = response.context["rows"]
    assert [r["referral"].family_name for r in rows] == ["Oud"]
    assert set(rows[0]["flags"]) == {"no_coordinator", "no_conference"}
    html = response.content.decode()
    assert "Geen conferentie na 8 weken" in html
    response = client.get(reverse("referrals:list"), {"q": "nieu"})
    assert [r["referral"].family_name for r in response.context["rows"]] == ["Nieuw"]


def test_a_tampered_filter_drops_only_itself(client, regional_manager, organization):
    factories.registered(regional_manager, organization, family_name="Jansen")
    factories.registered(
        regional_manager,
        organization,
        family_name="De Vries",
        main_persons=[{**factories.MAIN_PERSON, "name": "Sem de Vries"}],
    )
    client.force_login(regional_manager)
    response = client.get(reverse("referrals:list"), {"q": "Jansen", "region": "abc"})
    assert response.status_code == 200
    assert [row["referral"].family_name for row in response.context["rows"]] == ["Jansen"]


def test_a_bad_filter_value_keeps_the_other_filters(client, regional_manager, organization):
    factories.registered(regional_manager, organization, family_name="Jansen", occasion="crisis")
    factories.registered(regional_manager, organization, family_name="Janssen")
    client.force_login(regional_manager)
    response = client.get(
        reverse("referrals:list"),
        {"q": "Jans", "occasion": "crisis", "status": "nonsense", "organization": "9" * 30},
    )
    assert response.status_code == 200
    assert [row["referral"].family_name for row in response.context["rows"]] == ["Jansen"]


def test_filters_offer_and_apply_only_the_managers_own_regions(
    client, regional_manager, organization, other_regional_manager, other_organization
):
    factories.registered(regional_manager, organization, family_name="Jansen")
    factories.registered(other_regional_manager, other_organization, family_name="Elders")
    client.force_login(regional_manager)
    html = client.get(reverse("referrals:list")).content.decode()
    assert other_organization.name not in html
    assert other_organization.region.name not in html
    for tampered in (
        {"region": other_organization.region_id},
        {"organization": other_organization.pk},
    ):
        response = client.get(reverse("referrals:list"), {"q": "e", **tampered})
        # The other region's choice is not valid here: it is dropped, the search stays.
        assert [row["referral"].family_name for row in response.context["rows"]] == ["Jansen"]


def test_only_managers_and_administrators_get_region_and_organisation_options(
    client, referrer, regional_manager, organization
):
    client.force_login(referrer)
    form = client.get(reverse("referrals:list")).context["form"]
    assert [value for value, _label in form.fields["region"].choices] == [""]
    assert [value for value, _label in form.fields["organization"].choices] == [""]
    client.force_login(regional_manager)
    form = client.get(reverse("referrals:list")).context["form"]
    assert [value for value, _label in form.fields["organization"].choices] == ["", organization.pk]
