"""Billing pages (under each account's /org/<id>/) and Stripe's webhook; same paths as ever.

With BILLING_ENABLED=false every one answers 404 except the usage page (billing/switch.py).
"""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("org/<int:account_id>/billing/", views.billing, name="billing"),
    path("org/<int:account_id>/billing/plan/", views.choose, name="choose_plan"),
    path("org/<int:account_id>/billing/portal/", views.portal, name="billing_portal"),
    path("org/<int:account_id>/usage/", views.usage, name="usage"),
    path("org/<int:account_id>/invoices/", views.invoice_list, name="invoices"),
    path("org/<int:account_id>/invoices/<str:number>.csv", views.invoice_csv, name="invoice_csv"),
    path("org/<int:account_id>/invoices/<str:number>/", views.invoice_detail, name="invoice"),
    path("billing/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
