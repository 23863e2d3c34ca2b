"""Single sign-on against a real OpenID provider on 127.0.0.1, in a real browser.

The provider is a second Django process (django-oauth-toolkit with OIDC on,
tests/support/oidc_provider); the product's gunicorn is configured for it
from its discovery document. Nothing is mocked: the browser goes to the
provider, logs in there and comes back with a code the product exchanges.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from accounts.models import Account, Membership
from tests.support.browser import DESKTOP_UA, launch_chromium
from tests.support.factories import SiteFactory, UserFactory
from tests.support.processes import OidcProvider

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PROVIDER_PASSWORD = "provider-password-1"
USERS = {
    "member@example.com": PROVIDER_PASSWORD,
    "unverified-member@example.com": PROVIDER_PASSWORD,
    "newcomer@example.com": PROVIDER_PASSWORD,
}


@pytest.fixture
def sso(make_stack, tmp_path):
    """(stack, provider): a product stack and a provider whose client returns to it."""
    stack = make_stack()
    provider = OidcProvider(
        log_dir=tmp_path, redirect_uri=f"{stack.base_url}/oidc/callback/", users=USERS
    ).start()
    yield stack, provider
    provider.stop()


def sign_in(page, base: str, email: str) -> None:
    """From the product's login page, through the provider's login, back to the product."""
    page.goto(base + "/login/")
    page.click("#sso-login")
    page.fill("#provider-username", email)
    page.fill("#provider-password", PROVIDER_PASSWORD)
    page.click("#provider-submit")
    page.wait_for_url(lambda url: url.startswith(base), timeout=30_000)
    page.wait_for_load_state()


def rewrite_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def test_a_verified_email_logs_its_user_in_and_lands_on_the_sites_page(sso):
    stack, provider = sso
    owner = UserFactory(email="member@example.com")
    SiteFactory(owner=owner, name="Shop of the member")
    stack.start_web(**provider.product_settings())
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        page.goto(stack.base_url + "/login/")
        assert page.locator("#id_password").count() == 1  # password login still on
        sign_in(page, stack.base_url, "member@example.com")
        assert urlsplit(page.url).path == "/"
        assert "Shop of the member" in page.content()


def test_an_unverified_email_is_refused(sso):
    stack, provider = sso
    UserFactory(email="unverified-member@example.com")
    stack.start_web(**provider.product_settings())
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        responses = []
        page.on("response", lambda r: responses.append(r) if "/oidc/callback/" in r.url else None)
        sign_in(page, stack.base_url, "unverified-member@example.com")
        assert responses[-1].status == 403
        assert "has not verified this email address" in page.inner_text("[role=alert]")
        page.goto(stack.base_url + "/")
        assert urlsplit(page.url).path == "/login/"  # not logged in


def test_a_new_user_is_created_into_the_default_account_with_the_default_role(sso):
    stack, provider = sso
    owner = UserFactory(email="boss@example.com")
    site = SiteFactory(owner=owner, name="The team's site")
    stack.start_web(
        **provider.product_settings(
            OIDC_CREATE_USERS="1",
            OIDC_DEFAULT_ACCOUNT=str(site.account_id),
            OIDC_DEFAULT_ROLE="viewer",
        )
    )
    accounts_before = Account.objects.count()
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        sign_in(page, stack.base_url, "newcomer@example.com")
        assert urlsplit(page.url).path == "/"
        assert "The team's site" in page.content()
    membership = Membership.objects.get(user__email="newcomer@example.com")
    assert (membership.account_id, membership.role) == (site.account_id, "viewer")
    assert not membership.user.has_usable_password()
    assert Account.objects.count() == accounts_before


def test_without_user_creation_an_unknown_email_is_refused(sso):
    stack, provider = sso
    stack.start_web(**provider.product_settings())
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        sign_in(page, stack.base_url, "newcomer@example.com")
        assert "Nobody here uses this email address" in page.inner_text("[role=alert]")
    assert not Membership.objects.filter(user__email="newcomer@example.com").exists()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("state", "does not belong to a sign-in started in this browser"),
        ("nonce", "was not made for this sign-in"),
        ("issuer", "issued by another provider"),
    ],
)
def test_a_callback_with_a_wrong_state_nonce_or_issuer_is_refused_with_a_clear_page(
    sso, tamper, message
):
    stack, provider = sso
    UserFactory(email="member@example.com")
    overrides = {"OIDC_OP_ISSUER": provider.base_url + "/elsewhere"} if tamper == "issuer" else {}
    stack.start_web(**provider.product_settings(**overrides))
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        if tamper in ("state", "nonce"):
            # The browser's request to the provider carries another state or nonce
            # than the one the product keeps in this browser's session.
            forged = {tamper: "forged"}

            def forge(route) -> None:
                # The product's redirect to the provider, its Location rewritten.
                answer = route.fetch(max_redirects=0)
                headers = {
                    **answer.headers,
                    "location": rewrite_query(answer.headers["location"], **forged),
                }
                route.fulfill(response=answer, headers=headers)

            page.route(stack.base_url + "/oidc/authenticate/**", forge)
        responses = []
        page.on("response", lambda r: responses.append(r) if "/oidc/callback/" in r.url else None)
        sign_in(page, stack.base_url, "member@example.com")
        assert responses and 400 <= responses[-1].status < 500
        assert message in page.inner_text("[role=alert]")
        assert "Sign-in refused" in page.content()
        page.goto(stack.base_url + "/")
        assert urlsplit(page.url).path == "/login/"


def test_with_password_login_off_the_form_is_gone_and_only_sso_remains(sso):
    stack, provider = sso
    UserFactory(email="member@example.com")
    stack.start_web(**provider.product_settings(PASSWORD_LOGIN_ENABLED="0"))
    with launch_chromium() as browser:
        page = browser.new_context(user_agent=DESKTOP_UA).new_page()
        page.goto(stack.base_url + "/login/")
        assert page.locator("input[type=password]").count() == 0
        assert page.locator("#sso-login").count() == 1
        assert page.goto(stack.base_url + "/signup/").status == 403
        sign_in(page, stack.base_url, "member@example.com")
        assert urlsplit(page.url).path == "/"
