"""The admin has no login of its own: only the product's login (throttle, two-factor) opens it."""

import pytest
from django.urls import reverse

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-good-password-1"


def test_anonymous_visitors_are_sent_to_the_product_login(client):
    response = client.get("/admin/login/?next=/admin/accounts/site/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "/admin/accounts/site/" in response["Location"]


def test_a_password_posted_to_the_admin_login_logs_nobody_in(client):
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/", {"username": "staff@example.com", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_signed_in_users_who_are_not_staff_see_no_admin_login(client):
    client.force_login(UserFactory(email="member@example.com"))
    response = client.get("/admin/login/")
    assert response.status_code == 404
    assert b'name="password"' not in response.content


def test_staff_already_logged_in_go_on_to_the_admin(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True))
    response = client.get("/admin/login/?next=/admin/accounts/site/")
    assert response["Location"] == "/admin/accounts/site/"


def test_the_admin_login_never_redirects_off_site(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True))
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == reverse("admin:index")


def test_a_signed_in_user_cannot_log_in_as_staff_through_the_admin(client):
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    member = UserFactory(email="member@example.com")
    client.force_login(member)
    response = client.post(
        "/admin/login/", {"username": "staff@example.com", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 404
    assert client.session["_auth_user_id"] == str(member.pk)
