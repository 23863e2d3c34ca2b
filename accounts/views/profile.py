"""The user's own settings: overview of their accounts, email, two-factor, API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ApiKeyForm, CodeForm, EmailChangeForm
from accounts.links import account_links
from accounts.models import Account, Site
from accounts.permissions import Action, role_allows
from accounts.selectors import api_keys_of, memberships_of, sites_visible_to
from accounts.services.api_keys import create_api_key, revoke_api_key
from accounts.services.auth import (
    confirm_email_change,
    confirm_two_factor,
    disable_two_factor,
    has_two_factor,
    new_recovery_codes,
    request_email_change,
    start_two_factor,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Every account the user belongs to, with what their role lets them open.

    Besides accounts' own pages, the links other apps registered (accounts.links).
    """
    rows = [
        {
            "membership": m,
            "account": m.account,
            "can_manage": role_allows(m.role, Action.MANAGE_MEMBERS),
            "can_edit": role_allows(m.role, Action.EDIT_SITE),
            "links": account_links(account=m.account, role=m.role),
        }
        for m in memberships_of(user=request.user)
    ]
    return render(
        request, "accounts/home.html", {"rows": rows, "two_factor": has_two_factor(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_email_change(user=request.user, new_email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, "We sent a link to the new address; open it to confirm.")
            return HttpResponseRedirect(reverse("accounts:home"))
    return render(
        request, "accounts/change_email.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/confirm_email.html", {"token": token})
    try:
        email = confirm_email_change(user=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Your email address is now {email}.")
    return HttpResponseRedirect(reverse("accounts:home"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn two-factor on (secret, then a first code), regenerate recovery codes, or turn it off."""
    enabled = has_two_factor(request.user)
    context: dict = {"enabled": enabled, "form": CodeForm()}
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "start" and not enabled:
        context["secret"], context["uri"] = start_two_factor(user=request.user)
    elif request.method == "POST" and action == "confirm" and not enabled:
        form = CodeForm(request.POST)
        codes = confirm_two_factor(user=request.user, code=request.POST.get("code", ""))
        if codes is None:
            messages.error(request, "That code is not right; start again and try the new secret.")
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        context.update(enabled=True, codes=codes, form=form)
    elif request.method == "POST" and action == "recovery" and enabled:
        context["codes"] = new_recovery_codes(user=request.user)
    elif request.method == "POST" and action == "disable" and enabled:
        if not request.user.check_password(request.POST.get("password", "")):
            messages.error(request, "That password is not right.")
        else:
            disable_two_factor(user=request.user)
            messages.success(request, "Two-factor authentication is off.")
        return HttpResponseRedirect(reverse("accounts:two_factor"))
    return render(request, "accounts/two_factor.html", context)


def _api_key_form(request: HttpRequest, data=None) -> ApiKeyForm:
    memberships = list(memberships_of(user=request.user))
    sites = sites_visible_to(user=request.user).select_related("account")
    return ApiKeyForm(data, user=request.user, memberships=memberships, sites=sites)


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """List the user's keys and make new ones; a new key is shown on this response only."""
    form = _api_key_form(request, request.POST or None)
    raw = ""
    if request.method == "POST" and form.is_valid():
        kind, _, pk = form.cleaned_data["scope"].partition(":")
        site = Site.objects.get(pk=int(pk)) if kind == "site" else None
        account = site.account if site else Account.objects.get(pk=int(pk))
        try:
            key, raw = create_api_key(
                user=request.user, account=account, site=site, name=form.cleaned_data["name"],
                can_write=form.cleaned_data["can_write"],
            )  # fmt: skip
        except PermissionDenied:
            form.add_error("can_write", "Your role allows read-only keys only.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = _api_key_form(request)
    context = {"form": form, "keys": api_keys_of(user=request.user), "raw_key": raw}
    response = render(
        request, "accounts/api_keys.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_key(request: HttpRequest, key_id: int) -> HttpResponse:
    if revoke_api_key(user=request.user, key_id=key_id):
        messages.success(request, "The key is revoked; it no longer works.")
    else:
        messages.error(request, "No such key.")
    return HttpResponseRedirect(reverse("accounts:api_keys"))
