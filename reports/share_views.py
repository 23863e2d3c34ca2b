"""Share links: the read-only public dashboard, its password, and its settings.

A share link shows one site's dashboard and nothing else of the account: no
site switcher, no account menu, no settings, and every link on it stays
under /share/<token>/. A wrong or disabled token is a 404, like a site of
another account, so tokens cannot be told apart from nonsense.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Site
from accounts.permissions import Action, can
from accounts.selectors import get_shared_site, get_site_for_user
from common.http import request_client_ip
from reports import sharing
from reports.scope import Scope
from reports.views import (
    render_dashboard,
    render_export,
    render_live,
    render_properties,
    render_properties_export,
    render_table,
)


@require_http_methods(["GET", "POST"])
def share_dashboard(request: HttpRequest, token: str) -> HttpResponse:
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return _password_page(request, site)
    if request.method == "POST":
        return HttpResponseRedirect(request.get_full_path())
    return _private(render_dashboard(request, Scope(site, shared=True)))


def _password_page(request: HttpRequest, site: Site) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        client = request_client_ip(request)
        if sharing.too_many_failures(site, client):
            minutes = sharing.FAILURE_WINDOW_S // 60
            error = f"Too many wrong passwords from this address. Try again in {minutes} minutes."
            status = 429
        elif sharing.unlock(request.session, site, request.POST.get("password", ""), client):
            return HttpResponseRedirect(request.get_full_path())
        else:
            error, status = "That password is not right.", 403
    return _private(
        render(
            request, "reports/share_password.html", {"error": error, "shared": True}, status=status
        )
    )


@require_http_methods(["GET", "POST"])
def share_table(request: HttpRequest, token: str, table: str) -> HttpResponse:
    """A full list; behind a password, asked for here so the list opens after it."""
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return _password_page(request, site)
    if request.method == "POST":
        return HttpResponseRedirect(request.get_full_path())
    return _private(render_table(request, Scope(site, shared=True), table))


@require_GET
def share_export(request: HttpRequest, token: str, table: str) -> HttpResponse:
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return HttpResponseForbidden("This shared dashboard needs its password.")
    return _private(render_export(request, Scope(site, shared=True), table))


@require_http_methods(["GET", "POST"])
def share_properties(request: HttpRequest, token: str) -> HttpResponse:
    """An event's properties; behind a password, asked for here like the full lists."""
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return _password_page(request, site)
    if request.method == "POST":
        return HttpResponseRedirect(request.get_full_path())
    return _private(render_properties(request, Scope(site, shared=True)))


@require_GET
def share_properties_export(request: HttpRequest, token: str) -> HttpResponse:
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return HttpResponseForbidden("This shared dashboard needs its password.")
    return _private(render_properties_export(request, Scope(site, shared=True)))


@require_GET
def share_live(request: HttpRequest, token: str) -> HttpResponse:
    site = get_shared_site(token=token)
    if not sharing.has_access(request.session, site):
        return HttpResponseForbidden("This shared dashboard needs its password.")
    return render_live(Scope(site, shared=True))


def _private(response: HttpResponse) -> HttpResponse:
    """Shared pages stay out of search engines and shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sharing_settings(request: HttpRequest, public_id: str) -> HttpResponse:
    """Turn the share link on or off, set its password, or make a new link."""
    site = get_site_for_user(user=request.user, public_id=public_id)
    if not can(user=request.user, account=site.account_id, action=Action.EDIT_SITE):
        raise PermissionDenied("Only owners and admins change sharing.")
    if request.method == "POST":
        post = request.POST
        outcome = sharing.change_sharing(site, post.get("action", ""), post.get("password", ""))
        if outcome:
            done, text = outcome
            (messages.success if done else messages.error)(request, text)
        return HttpResponseRedirect(reverse("reports:sharing", args=[site.public_id]))
    share_url = ""
    if site.share_token:
        share_url = request.build_absolute_uri(
            reverse("reports:share_dashboard", args=[site.share_token])
        )
    context = {"site": site, "share_url": share_url, "dashboard_href": Scope(site).dashboard()}
    return render(request, "reports/sharing.html", context)
