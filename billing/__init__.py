"""Plans, subscriptions, usage metering, invoices and payments (Stripe).

docs/billing.md describes the rules; `periods` holds the arithmetic
(periods and proration), `usage` the metering, `services` the writes,
`selectors` the reads, `gateway` every call to Stripe and `webhooks` what
Stripe tells us. billing comes after accounts, tracking and reports and may
use them; none of them knows billing: it hooks itself in (apps.py).
"""
