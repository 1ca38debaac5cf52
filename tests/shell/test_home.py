import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fixture", "role_label", "scope"),
    [
        ("regional_manager", "Regiomanager", "Overijssel"),
        ("coordinator", "Coördinator", "Overijssel"),
        ("referrer", "Verwijzer", "Bureau Jeugdzorg Overijssel"),
        ("liaison", "Aandachtsfunctionaris", "Bureau Jeugdzorg Overijssel"),
        ("researcher", "Onderzoeker", None),
        ("admin_user", "Beheerder", None),
    ],
)
def test_home_shows_who_you_are_and_your_role(client, request, fixture, role_label, scope):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert f"Welkom, {user.first_name}" in html
    assert role_label in html
    if scope:
        assert scope in html


def test_person_with_several_roles_sees_a_card_for_each(client, regional_manager, organization):
    regional_manager.is_referrer = True
    regional_manager.organization = organization
    regional_manager.save()
    client.force_login(regional_manager)
    response = client.get(reverse("home"))
    roles = [card.role for card in response.context["role_cards"]]
    assert roles == ["regional_manager", "referrer"]


def test_user_without_role_is_told_so(client, no_role_user):
    client.force_login(no_role_user)
    assert "Je hebt nog geen rol" in client.get(reverse("home")).content.decode()


def test_management_link_only_for_administrators(client, any_user):
    client.force_login(any_user)
    html = client.get(reverse("home")).content.decode()
    assert ('href="/beheer/"' in html) == any_user.is_superuser


def test_management_site_refuses_everyone_but_administrators(client, any_user):
    client.force_login(any_user)
    response = client.get("/beheer/", follow=True)
    assert response.status_code == (200 if any_user.is_superuser else 403)


def test_home_query_count_does_not_grow_with_regions(
    client, regional_manager, django_assert_num_queries
):
    from ekc.models import Region

    client.force_login(regional_manager)
    # 13: the open questions to serve the manager's regions, and the coordinators'
    # open requests for advice.
    with django_assert_num_queries(13):
        client.get(reverse("home"))
    regional_manager.regions.add(*[Region.objects.create(name=f"R{i}") for i in range(20)])
    with django_assert_num_queries(13):
        client.get(reverse("home"))


def test_profile_shows_own_details(client, referrer):
    client.force_login(referrer)
    html = client.get(reverse("profile")).content.decode()
    assert referrer.email in html
    assert "Wachtwoord wijzigen" in html


def test_administrator_menu_shows_no_pages_of_other_roles(client, admin_user):
    client.force_login(admin_user)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "Mijn beschikbaarheid" not in labels
    assert "Beheer" in labels and "Inlezen" in labels


def test_coordinator_menu_holds_availability(client, coordinator):
    client.force_login(coordinator)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert labels == ["Start", "Zaken", "Mijn beschikbaarheid", "Mijn dossier"]
