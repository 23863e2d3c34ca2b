"""The admin in a real browser: outsiders never see its login, staff pass the throttle and 2FA.

Django's admin login form would check a password alone; the product sends
every visitor of the admin through its own login page (throttled, with the
second factor) instead.
"""

import pyotp
import pytest
from django.utils import timezone

from accounts.models import TwoFactor
from accounts.services.auth import start_two_factor
from tests.support.browser import DESKTOP_UA, launch_chromium
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PASSWORD = "a-good-password-1"  # the factories' password


@pytest.fixture
def staff_with_two_factor(transactional_db) -> str:
    """A committed superuser with a confirmed authenticator; returns its TOTP secret."""
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    secret, _ = start_two_factor(user=staff)
    TwoFactor.objects.filter(user=staff).update(confirmed=timezone.now())
    return secret


def log_in(page, base: str, email: str, password: str) -> None:
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_outsiders_are_sent_to_the_product_login_and_members_find_no_admin(
    make_stack, staff_with_two_factor
):
    UserFactory(email="member@example.com")
    stack = make_stack()
    stack.start_web(LOGIN_MAX_FAILURES="3")
    base = stack.base_url

    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        page.goto(base + "/admin/")
        assert page.url.startswith(base + "/login/?next=")
        assert "Django administration" not in page.content()

        for _ in range(3):
            log_in(page, base, "staff@example.com", "wrong-password")
        log_in(page, base, "staff@example.com", PASSWORD)
        assert "Too many failed attempts" in page.inner_text("[role=alert]")

        member = browser.new_context(user_agent=DESKTOP_UA).new_page()
        member.goto(base + "/login/")
        log_in(member, base, "member@example.com", PASSWORD)
        member.wait_for_url(lambda url: "/login/" not in url)
        response = member.goto(base + "/admin/login/")
        assert response.status == 404
        assert member.locator("input[type=password]").count() == 0
        member.goto(base + "/admin/")
        assert "Site administration" not in member.content()


def test_staff_reach_the_admin_only_after_the_second_factor(make_stack, staff_with_two_factor):
    stack = make_stack()
    stack.start_web()
    base = stack.base_url

    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        page.goto(base + "/admin/")
        log_in(page, base, "staff@example.com", PASSWORD)
        page.wait_for_url(base + "/login/code/")

        page.goto(base + "/admin/")  # the password alone opens nothing
        assert page.url.startswith(base + "/login/")
        assert "Site administration" not in page.content()

        page.goto(base + "/admin/")
        log_in(page, base, "staff@example.com", PASSWORD)
        page.wait_for_url(base + "/login/code/")
        page.fill("input[name=code]", pyotp.TOTP(staff_with_two_factor).now())
        page.click("button[type=submit]")
        page.wait_for_url(base + "/admin/")
        assert "Site administration" in page.content()
