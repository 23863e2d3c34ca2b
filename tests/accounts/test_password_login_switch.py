"""PASSWORD_LOGIN_ENABLED=false: no password form, and password POSTs are refused.

(The SSO side, against a real provider, is tests/e2e/test_sso.py.)
"""

import pytest

from tests.support.factories import UserFactory

PASSWORD = "a-good-password-1"  # the factories' password


@pytest.fixture
def password_login_off(settings):
    settings.PASSWORD_LOGIN_ENABLED = False


@pytest.mark.django_db
def test_the_login_page_has_no_password_form(client, password_login_off):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'type="password"' not in response.content


@pytest.mark.django_db
def test_a_password_post_is_refused_even_with_the_right_password(client, password_login_off):
    UserFactory(email="member@example.com")
    response = client.post("/login/", {"username": "member@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert b"Password login is turned off" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/signup/", "/password/reset/"])
def test_sign_up_and_password_resets_are_refused(client, password_login_off, path):
    assert client.get(path).status_code == 403
    assert client.post(path, {"email": "someone@example.com"}).status_code == 403


@pytest.mark.django_db
def test_with_password_login_on_the_form_and_login_work(client):
    UserFactory(email="member@example.com")
    assert b'type="password"' in client.get("/login/").content
    response = client.post("/login/", {"username": "member@example.com", "password": PASSWORD})
    assert response.status_code == 302
