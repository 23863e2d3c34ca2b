# The public plans (docs/billing.md). Custom plans are added in the admin.
from django.db import migrations

# (code, name, monthly pageviews, monthly price in cents, yearly price in cents)
PLANS = [
    ("100k", "100k pageviews", 100_000, 1_500, 15_000),
    ("200k", "200k pageviews", 200_000, 2_500, 25_000),
    ("500k", "500k pageviews", 500_000, 4_500, 45_000),
    ("1m", "1M pageviews", 1_000_000, 6_000, 60_000),
    ("2m", "2M pageviews", 2_000_000, 10_000, 100_000),
    ("5m", "5M pageviews", 5_000_000, 14_000, 140_000),
    ("10m", "10M pageviews", 10_000_000, 20_000, 200_000),
]


def add_plans(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    for code, name, pageviews, month, year in PLANS:
        Plan.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "monthly_pageviews": pageviews,
                "price_month_cents": month,
                "price_year_cents": year,
            },
        )


def remove_plans(apps, schema_editor):
    apps.get_model("accounts", "Plan").objects.filter(code__in=[p[0] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_accounts_teams_billing")]
    operations = [migrations.RunPython(add_plans, remove_plans)]
