"""From sign-up to the first pageview, in a real browser against the real stack.

Sign up, open the verification link from the email (the file email backend
writes it to a temporary folder), create a site, copy its snippet, load a
page carrying it from another origin, and see the visit on the dashboard.
"""

import re

import pytest

from tests.support.browser import DESKTOP_UA, PageServer, launch_chromium
from tests.support.processes import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PAGE_HOST = "shop.example.com"


def verification_link(mail_dir, base_url: str) -> str:
    for path in sorted(mail_dir.glob("*.log")):
        found = re.search(re.escape(base_url) + r"/verify/[^/\s]+/", path.read_text())
        if found:
            return found.group(0)
    return ""


def test_sign_up_verify_create_a_site_and_see_the_first_visit(make_stack, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    stack = make_stack(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )
    stack.start_web(SITE_ROOT=stack.base_url)
    stack.start_worker()
    base = stack.base_url

    with (
        PageServer() as pages,
        launch_chromium(f"--host-resolver-rules=MAP {PAGE_HOST} 127.0.0.1") as browser,
    ):
        app = browser.new_context(user_agent=DESKTOP_UA).new_page()
        app.goto(base + "/signup/")
        app.fill("#id_email", "founder@example.com")
        app.fill("#id_password", "a-long-and-unusual-password-7")
        app.fill("#id_account_name", "Founder Inc")
        app.click("button[type=submit]")
        app.wait_for_selector("text=Check your email")

        wait_until(lambda: verification_link(mail_dir, base), timeout=10, message="the email")
        app.goto(verification_link(mail_dir, base))
        app.click("text=Verify and log in")
        app.wait_for_selector("text=Founder Inc")

        app.click("text=Add a site")
        app.fill("#id_name", "Shop")
        app.fill("#id_hostnames", PAGE_HOST)
        app.click("text=Create site")
        snippet = app.inner_text("[data-snippet]")
        assert f'src="{base}/script.js"' in snippet

        pages.html = (
            f"<!doctype html><html><head><title>Shop</title>{snippet}</head><body>Hi</body></html>"
        )
        visitor = browser.new_context(user_agent=DESKTOP_UA).new_page()
        with visitor.expect_response(lambda r: r.url.endswith("/api/event")) as hit:
            visitor.goto(f"http://{PAGE_HOST}:{pages.port}/pricing")
        assert hit.value.status == 202

        app.click("text=← Shop")
        dashboard = app.url

        def pageviews_shown() -> bool:
            app.goto(dashboard)
            value = app.get_attribute('[data-metric="pageviews"]', "data-value")
            return value is not None and float(value) == 1

        wait_until(pageviews_shown, timeout=60, interval=1, message="the visit on the dashboard")
        assert "/pricing" in app.content()
