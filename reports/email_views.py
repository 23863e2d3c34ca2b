"""The site's emails page (reports, alerts, extra recipients) and the links in the emails.

/sites/<id>/emails/ is linked from the site settings and the dashboard: every
member sets their own reports there; owners and admins (EDIT_SITE) also set
the alerts and the extra recipients, and see the alerts sent. The
unsubscribe and confirmation links work logged out: the signed token is the
proof. A GET shows a button (link scanners follow GETs); the POST acts, and
an unsubscribe POST needs no CSRF token, as RFC 8058 one-click mail clients
send none.
"""

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import Site
from accounts.permissions import Action, role_allows, role_of
from accounts.selectors import find_site, get_site_for_user
from reports import selectors, services
from reports.email import choices, recipients
from reports.email.forms import AlertSettingsForm, PreferenceForm, RecipientForm
from reports.scope import Scope


def _apply(request: HttpRequest, site: Site, role: str) -> tuple[str, object] | None:
    """Handle one POST of the page; (form name, bound form) when it is invalid."""
    action, post = request.POST.get("action", ""), request.POST
    if action == "preference":
        form = PreferenceForm(post)
        if not form.is_valid():
            return "preference_form", form
        choices.set_preference(
            site=site, user=request.user, choices=choices.Choices(**form.cleaned_data)
        )
        messages.success(request, "Your email choices are saved.")
        return None
    if not role_allows(role, Action.EDIT_SITE):
        raise PermissionDenied("Only owners and admins change alerts and recipients.")
    if action == "alerts":
        form = AlertSettingsForm(post)
        if not form.is_valid():
            return "alert_form", form
        services.set_alert_settings(site=site, **form.cleaned_data)
        messages.success(request, "Alert settings saved.")
    elif action == "add_recipient":
        form = RecipientForm(post)
        if not form.is_valid():
            return "recipient_form", form
        problem = choices.add_extra_recipient(site=site, added_by=request.user, **form.cleaned_data)
        if problem:
            form.add_error(None, problem)
            return "recipient_form", form
        messages.success(
            request, "A confirmation link was sent; nothing is sent before it is used."
        )
    elif action == "remove_recipient" and (recipient := post.get("recipient", "")).isascii() \
            and recipient.isdigit():  # fmt: skip
        services.remove_extra(site_id=site.pk, pk=int(recipient))
        messages.success(request, "The recipient was removed.")
    else:
        form = PreferenceForm(post)
        form.is_valid()  # a form takes an error only once it is cleaned
        form.add_error(None, "Unknown action.")
        return "preference_form", form
    return None


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest, public_id: str) -> HttpResponse:
    site = get_site_for_user(user=request.user, public_id=public_id)
    role = role_of(user=request.user, account=site.account_id)
    if not role_allows(role, Action.VIEW_SITE):
        raise PermissionDenied("You cannot see this site.")
    invalid = _apply(request, site, role) if request.method == "POST" else None
    if request.method == "POST" and invalid is None:
        return HttpResponseRedirect(reverse("reports:emails", args=[site.public_id]))
    mine = choices.preference_of(site=site, user=request.user, role=role)
    alerts = selectors.alert_settings_of(site=site)
    context = {
        "site": site,
        "dashboard_href": Scope(site).dashboard(),
        "can_edit": role_allows(role, Action.EDIT_SITE),
        "preference_form": PreferenceForm(initial=asdict(mine)),
        "alert_form": AlertSettingsForm(initial={
            "spike_visitors": alerts.spike_visitors, "stopped_enabled": alerts.stopped_enabled,
            "stopped_hours": alerts.stopped_hours}),
        "recipient_form": RecipientForm(),
        "extras": selectors.extra_recipients(site=site),
        "max_extra": recipients.MAX_EXTRA,
        "episodes": selectors.recent_episodes(site=site),
    }  # fmt: skip
    if invalid:
        context[invalid[0]] = invalid[1]
    return render(request, "reports/emails.html", context, status=400 if invalid else 200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058): a POST stops the site's emails to the link's recipient."""
    try:
        payload = recipients.read_unsubscribe(token)
    except signing.BadSignature:
        return render(request, "reports/email_link.html", {"state": "invalid"}, status=400)
    site: Site | None = find_site(site_id=payload["s"])
    if request.method == "GET":
        return render(request, "reports/email_link.html", {"state": "ask", "site": site})
    if site is None or not recipients.unsubscribe(payload):
        return render(request, "reports/email_link.html", {"state": "used", "site": site},
                      status=410)  # fmt: skip
    return render(request, "reports/email_link.html", {"state": "unsubscribed", "site": site})


@require_http_methods(["GET", "POST"])
def confirm_recipient(request: HttpRequest, token: str) -> HttpResponse:
    """An extra recipient's consent: nothing is sent to them before this POST."""
    try:
        extra = recipients.read_confirmation(token)
    except signing.BadSignature:
        return render(request, "reports/email_link.html", {"state": "invalid"}, status=400)
    if extra is None:
        return render(request, "reports/email_link.html", {"state": "used"}, status=410)
    context = {"site": extra.site, "extra": extra}
    if request.method == "GET":
        return render(request, "reports/email_link.html", {"state": "confirm", **context})
    if not recipients.confirm(extra):
        return render(request, "reports/email_link.html", {"state": "used", **context}, status=410)
    return render(request, "reports/email_link.html", {"state": "confirmed", **context})
