import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_page_is_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Inloggen" in html
    assert "E-mailadres" in html
    assert "Wachtwoord vergeten?" in html


def test_login_by_email_ignores_case(client, regional_manager):
    response = login(client, "MANAGER@ekc.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_gives_dutch_error_and_keeps_email(client, regional_manager):
    response = login(client, "manager@ekc.test", "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar" in html
    assert 'value="manager@ekc.test"' in html


def test_five_failed_logins_lock_the_account_with_dutch_message(client, regional_manager):
    for _ in range(4):
        assert login(client, "manager@ekc.test", "wrong").status_code == 200
    locked = login(client, "manager@ekc.test", "wrong")
    assert locked.status_code == 429
    assert "Account geblokkeerd" in locked.content.decode()
    # Even the right password is refused while the lock holds.
    again = login(client, "manager@ekc.test", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_locked_by_someone_elses_failures(
    client, regional_manager, referrer
):
    for _ in range(3):
        login(client, "manager@ekc.test", "wrong")
    assert login(client, "referrer@ekc.test", PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(client, regional_manager):
    regional_manager.is_active = False
    regional_manager.save()
    assert login(client, "manager@ekc.test", PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_session(client, regional_manager):
    client.force_login(regional_manager)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_dutch_mail_only_for_known_address(
    client, regional_manager, mailoutbox
):
    response = client.post(reverse("password_reset"), {"email": "manager@ekc.test"})
    assert response.status_code == 302
    client.post(reverse("password_reset"), {"email": "unknown@ekc.test"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Kies een nieuw wachtwoord voor EKC"
    assert "wachtwoord" in mailoutbox[0].body


def test_password_change_enforces_validators(client, regional_manager):
    client.force_login(regional_manager)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort" in response.content.decode()


def test_english_can_be_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/inloggen/"})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Forgot your password?" in html


def test_dutch_even_when_the_browser_asks_for_english(client):
    html = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Inloggen" in html.content.decode()
