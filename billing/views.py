"""Billing pages (owners only): plan and usage, checkout, portal, invoices; and Stripe's webhook."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from accounts.permissions import Action, require
from accounts.selectors import get_account_for_user
from billing import webhooks
from billing.forms import PlanForm
from billing.gateway import get_gateway
from billing.models import Plan
from billing.periods import money
from billing.selectors import (
    billing_notice,
    get_invoice,
    invoices_of,
    public_plans,
)
from billing.services import choose_plan, collect_payment, ensure_subscription, utc_today
from billing.switch import billing_enabled, billing_page
from billing.usage import current_usage, monthly_usage


def _owned(request: HttpRequest, account_id: int) -> Account:
    """The account if the user is its owner; 404 for strangers, 403 for other members."""
    account = get_account_for_user(user=request.user, account_id=account_id)
    require(user=request.user, account=account, action=Action.BILLING)
    return account


def _billing_url(account: Account) -> str:
    return reverse("billing:billing", args=[account.pk])


@billing_page
@login_required
@require_GET
def billing(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _owned(request, account_id)
    subscription = ensure_subscription(account=account)
    today = utc_today()
    context = {
        "account": account,
        "subscription": subscription,
        "usage": current_usage(account=account, today=today),
        "notice": billing_notice(subscription=subscription, today=today),
        "plans": [
            (plan, money(plan.price_month_cents), money(plan.price_year_cents))
            for plan in public_plans()
        ],
        "form": PlanForm(
            plans=public_plans(),
            initial={"plan": subscription.plan.code, "interval": subscription.interval},
        ),
        "invoices": invoices_of(account=account)[:5],
    }
    return render(request, "billing/billing.html", context)


@billing_page
@login_required
@require_POST
def choose(request: HttpRequest, account_id: int) -> HttpResponse:
    """Pick a plan: without a card on file, off to Stripe Checkout first."""
    account = _owned(request, account_id)
    offered = list(public_plans())
    subscription = ensure_subscription(account=account)
    if subscription.plan.is_custom:
        offered.append(subscription.plan)
    form = PlanForm(request.POST, plans=offered)
    if not form.is_valid():
        messages.error(request, "Choose a plan and a billing interval.")
        return HttpResponseRedirect(_billing_url(account))
    plan = Plan.objects.get(code=form.cleaned_data["plan"])
    interval = form.cleaned_data["interval"]
    if not subscription.has_payment_method:
        gateway = get_gateway()
        if not subscription.stripe_customer_id:
            subscription.stripe_customer_id = gateway.create_customer(
                email=request.user.email, account_id=account.pk
            )
            subscription.save(update_fields=["stripe_customer_id", "updated"])
        back = request.build_absolute_uri(_billing_url(account))
        url = gateway.checkout_url(
            customer_id=subscription.stripe_customer_id, success_url=back + "?checkout=done",
            cancel_url=back,
            metadata={"account_id": str(account.pk), "plan": plan.code, "interval": interval},
        )  # fmt: skip
        return HttpResponseRedirect(url)
    invoice = choose_plan(account=account, plan=plan, interval=interval)
    if invoice is not None:
        collect_payment(invoice=invoice)
    messages.success(
        request, f"You are on {plan.name}, billed {'yearly' if interval == 'year' else 'monthly'}."
    )
    return HttpResponseRedirect(_billing_url(account))


@billing_page
@login_required
@require_POST
def portal(request: HttpRequest, account_id: int) -> HttpResponse:
    """Stripe's customer portal: cards and payment history."""
    account = _owned(request, account_id)
    subscription = ensure_subscription(account=account)
    if not subscription.stripe_customer_id:
        messages.error(request, "Add a card by choosing a plan first.")
        return HttpResponseRedirect(_billing_url(account))
    url = get_gateway().portal_url(
        customer_id=subscription.stripe_customer_id,
        return_url=request.build_absolute_uri(_billing_url(account)),
    )
    return HttpResponseRedirect(url)


@billing_page
@login_required
@require_GET
def invoice_list(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _owned(request, account_id)
    return render(request, "billing/invoices.html",
                  {"account": account, "invoices": invoices_of(account=account)})  # fmt: skip


@billing_page
@login_required
@require_GET
def invoice_detail(request: HttpRequest, account_id: int, number: str) -> HttpResponse:
    """The invoice as a page that prints well (no PDF library needed)."""
    account = _owned(request, account_id)
    invoice = get_invoice(account=account, number=number)
    lines = [(line, money(line.amount_cents, invoice.currency)) for line in invoice.lines.all()]
    context = {"account": account, "invoice": invoice, "lines": lines,
               "total": money(invoice.total_cents, invoice.currency)}  # fmt: skip
    return render(request, "billing/invoice.html", context)


@billing_page
@login_required
@require_GET
def invoice_csv(request: HttpRequest, account_id: int, number: str) -> HttpResponse:
    account = _owned(request, account_id)
    invoice = get_invoice(account=account, number=number)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["invoice", "issued", "description", "from", "to", "amount", "currency"])
    for line in invoice.lines.all():
        writer.writerow([
            invoice.number, invoice.issued, line.description, line.period_start or "",
            line.period_end or "", f"{line.amount_cents / 100:.2f}", invoice.currency,
        ])  # fmt: skip
    writer.writerow([invoice.number, invoice.issued, "Total", "", "",
                     f"{invoice.total_cents / 100:.2f}", invoice.currency])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.csv"'
    return response


@csrf_exempt
@billing_page
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events: 400 unless correctly signed; 200 for handled and for replays."""
    try:
        event = webhooks.verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except webhooks.InvalidWebhook:
        return HttpResponseBadRequest("invalid signature")
    handled = webhooks.handle_event(event)
    return HttpResponse("ok" if handled else "already handled", content_type="text/plain")


@login_required
@require_GET
def usage(request: HttpRequest, account_id: int) -> HttpResponse:
    """Pageviews and events per calendar month, over the account's sites: billing on or off.

    With billing on, the plan page shows usage against the plan; this page
    has no plan, no limit and no prompt.
    """
    account = _owned(request, account_id)
    if billing_enabled():
        return HttpResponseRedirect(_billing_url(account))
    months = monthly_usage(account=account, today=utc_today())
    return render(request, "billing/usage.html", {"account": account, "months": months})
