"""Plans, subscriptions, usage metering, invoices and payments (Stripe).

docs/billing.md describes the rules; `periods` and `proration` hold the
arithmetic, `usage` the metering, `services` the writes, `selectors` the
reads, `gateway` every call to Stripe and `webhooks` what Stripe tells us.
"""
