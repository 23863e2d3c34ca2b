"""The public plan catalogue (docs/billing.md); migration 0005 writes the same rows."""

from billing.models import Plan

# (code, name, monthly pageviews + events, monthly price in cents, yearly price in cents)
STANDARD_PLANS = [
    ("100k", "100k pageviews", 100_000, 1_500, 15_000),
    ("200k", "200k pageviews", 200_000, 2_500, 25_000),
    ("500k", "500k pageviews", 500_000, 4_500, 45_000),
    ("1m", "1M pageviews", 1_000_000, 6_000, 60_000),
    ("2m", "2M pageviews", 2_000_000, 10_000, 100_000),
    ("5m", "5M pageviews", 5_000_000, 14_000, 140_000),
    ("10m", "10M pageviews", 10_000_000, 20_000, 200_000),
]


def ensure_standard_plans() -> None:
    """Create missing standard plans (a database flushed by tests has none)."""
    for code, name, pageviews, month, year in STANDARD_PLANS:
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "monthly_pageviews": pageviews,
                "price_month_cents": month, "price_year_cents": year,
            },
        )  # fmt: skip
