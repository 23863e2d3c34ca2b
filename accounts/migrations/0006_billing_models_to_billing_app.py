# Billing's models now belong to the billing app (billing/migrations/0001_initial),
# which keeps their tables. Only the accounts app's state forgets them: no SQL runs.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_standard_plans"),
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="InvoiceLine"),
                migrations.DeleteModel(name="Invoice"),
                migrations.DeleteModel(name="Subscription"),
                migrations.DeleteModel(name="UsageNotice"),
                migrations.DeleteModel(name="Plan"),
                migrations.DeleteModel(name="StripeEvent"),
            ],
        ),
    ]
