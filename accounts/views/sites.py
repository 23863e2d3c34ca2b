"""Creating, editing and deleting sites, and the tracking snippet to copy."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.forms import ConfirmNameForm, SiteForm
from accounts.models import Site
from accounts.permissions import Action, require
from accounts.selectors import account_is_suspended, get_account_for_user, get_site_for_user
from accounts.services import create_site, delete_site, update_site
from accounts.site_sections import site_sections


def snippet(site: Site) -> str:
    """The script tag for the site's pages, served from our public address (SITE_ROOT)."""
    src = settings.SITE_ROOT.rstrip("/") + "/script.js"
    return f'<script src="{src}" data-site="{site.public_id}" defer></script>'


@login_required
@require_http_methods(["GET", "POST"])
def new_site(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, account_id=account_id)
    require(user=request.user, account=account, action=Action.EDIT_SITE)
    form = SiteForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = create_site(
            account=account, name=data["name"], hostnames=data["hostnames"].splitlines(),
            time_zone=data["time_zone"],
        )  # fmt: skip
        made = ("name", "hostnames", "time_zone")
        update_site(site=site, **{f: data[f] for f in form.Meta.fields if f not in made})
        messages.success(request, "Site created. Add the snippet below to your pages.")
        return HttpResponseRedirect(reverse("accounts:site_settings", args=[site.public_id]))
    context = {"account": account, "form": form}
    return render(request, "accounts/site_new.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def site_settings(request: HttpRequest, public_id: str) -> HttpResponse:
    site = get_site_for_user(user=request.user, public_id=public_id)
    require(user=request.user, account=site.account_id, action=Action.EDIT_SITE)
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and form.is_valid():
        update_site(site=site, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, "Settings saved.")
        return HttpResponseRedirect(reverse("accounts:site_settings", args=[site.public_id]))
    context = {
        "site": site,
        "form": form,
        "snippet": snippet(site),
        "suspended": account_is_suspended(site=site),
        "sections": site_sections(site=site),
    }
    return render(
        request, "accounts/site_settings.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    site = get_site_for_user(user=request.user, public_id=public_id)
    require(user=request.user, account=site.account_id, action=Action.EDIT_SITE)
    form = ConfirmNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"].strip() != site.name:
            form.add_error("confirm", "Type the site's name exactly to confirm.")
        else:
            account_id = site.account_id
            delete_site(site=site)
            messages.success(request, f"{site.name} and all its data were deleted.")
            return HttpResponseRedirect(reverse("accounts:team", args=[account_id]))
    return render(request, "accounts/site_delete.html", {"site": site, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_http_methods(["GET"])
def site_exclude(request: HttpRequest, public_id: str) -> HttpResponse:
    """Excluding one's own browser: links to the site that set the tracker's flag there.

    The flag lives in the tracked site's localStorage (only its own pages can set it,
    see tracking/script.py), so this page opens the site in a window and shows what
    the tracker there answers; any member may exclude their own browser.
    """
    site = get_site_for_user(user=request.user, public_id=public_id)
    require(user=request.user, account=site.account_id, action=Action.VIEW_SITE)
    hosts = [h for h in site.hostname_list if "*" not in h]
    response = render(request, "accounts/site_exclude.html", {"site": site, "hosts": hosts})
    # The site's window must keep its opener to post its answer back ("same-origin",
    # the default, would cut it); windows this page did not open still cannot reach it.
    response["Cross-Origin-Opener-Policy"] = "same-origin-allow-popups"
    return response
