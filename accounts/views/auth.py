"""Signing up, verifying the email address, logging in (throttled, with an optional second factor).

Password reset and change use Django's own views with our templates
(accounts/urls.py); reset requests are limited here, so nobody can flood an
inbox with reset emails.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import throttle
from accounts.forms import CodeForm, LoginForm, SignUpForm
from accounts.services.auth import check_second_factor, has_two_factor, sign_up, verify_email

LOGIN_OFF_MESSAGE = "Password login is turned off here: log in with single sign-on."
PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, url: str, default: str) -> str:
    ok = url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if ok else default


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if refused := password_login_off(request):
        return refused
    form = SignUpForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sign_up(
                email=data["email"], password=data["password"],
                account_name=data["account_name"],
                next_url=_safe_next(request, data.get("next", ""), ""),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("email", error)
        else:
            return render(request, "accounts/signup_done.html", {"email": data["email"]})
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; the POST verifies (mail scanners that follow links change nothing)."""
    if request.method == "GET":
        return render(request, "accounts/verify.html", {"token": token})
    result = verify_email(token=token)
    if result is None:
        return render(request, "accounts/verify.html", {"invalid": True}, status=400)
    user, next_url = result
    if has_two_factor(user):  # never skip a second factor, whatever the link
        messages.success(request, "Your email address is verified. Please log in.")
        return HttpResponseRedirect(reverse("login"))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your email address is verified. Welcome!")
    return HttpResponseRedirect(_safe_next(request, next_url, reverse("accounts:home")))


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST" and not settings.PASSWORD_LOGIN_ENABLED:
        status, error = 403, LOGIN_OFF_MESSAGE
    elif request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"].strip().lower()
        subject = throttle.email_subject(email)
        if throttle.LOGIN.is_throttled(request, subject):
            status, error = 429, "Too many failed attempts. Try again in a few minutes."
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                throttle.LOGIN.record(request, subject)
                status, error = 400, _failure_message(email, form.cleaned_data["password"])
            else:
                throttle.LOGIN.clear_subject(request, subject)
                if has_two_factor(user):
                    request.session[PENDING_KEY] = {"u": user.pk, "t": time.time(), "n": next_url}
                    return HttpResponseRedirect(reverse("accounts:login_code"))
                login(request, user)
                return HttpResponseRedirect(
                    _safe_next(request, next_url, reverse("reports:site_list"))
                )
    elif request.method == "POST":
        status = 400
    context = {"form": form, "error": error, "next": next_url, **login_options()}
    return render(request, "registration/login.html", context, status=status)


def login_options() -> dict:
    return {
        "password_login": settings.PASSWORD_LOGIN_ENABLED,
        "sso": settings.OIDC_ENABLED,
        "sso_name": settings.OIDC_PROVIDER_NAME,
    }


def password_login_off(request: HttpRequest) -> HttpResponse | None:
    """With password login off, sign-up and password resets are refused too."""
    if settings.PASSWORD_LOGIN_ENABLED:
        return None
    context = {"form": LoginForm(), "error": LOGIN_OFF_MESSAGE, "next": "", **login_options()}
    return render(request, "registration/login.html", context, status=403)


def _failure_message(email: str, password: str) -> str:
    user = get_user_model().objects.filter(username=email, is_active=False).first()
    if user is not None and user.check_password(password):
        return "Please verify your email address first: open the link we sent you."
    return "Your email and password didn't match. Please try again."


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step for users with two-factor on: a TOTP or recovery code."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["t"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return HttpResponseRedirect(reverse("login"))
    user = get_user_model().objects.filter(pk=pending["u"], is_active=True).first()
    form = CodeForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST" and form.is_valid() and user is not None:
        key = f"2fa:{user.pk}"
        if throttle.LOGIN.is_throttled(request, key):
            status, error = 429, "Too many wrong codes. Try again in a few minutes."
        elif check_second_factor(user=user, code=form.cleaned_data["code"]):
            throttle.LOGIN.clear_subject(request, key)
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(
                _safe_next(request, pending.get("n", ""), reverse("reports:site_list"))
            )
        else:
            throttle.LOGIN.record(request, key)
            status, error = 400, "That code is not right."
    return render(
        request, "accounts/login_code.html", {"form": form, "error": error}, status=status
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, limited per address and per client address.

    Every request counts, whether the address has an account or not, and the
    answer at the limit is the same for both: the limit tells nobody which
    addresses exist.
    """

    def dispatch(self, request, *args, **kwargs) -> HttpResponse:
        return password_login_off(request) or super().dispatch(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        subject = throttle.email_subject(form.cleaned_data["email"])
        if throttle.PASSWORD_RESET.is_throttled(self.request, subject):
            form.add_error(None, "Too many reset requests. Try again in an hour.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        throttle.PASSWORD_RESET.record(self.request, subject)
        return super().form_valid(form)
