from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tracking", "0010_scroll_depth"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingRollup",
            fields=[
                ("pk", models.CompositePrimaryKey("site_id", "grain", "period", blank=True, editable=False, primary_key=True, serialize=False)),
                ("site_id", models.BigIntegerField()),
                ("grain", models.CharField(help_text="week or month", max_length=5)),
                ("period", models.DateField(help_text="the Monday, or the first of the month")),
                ("token", models.BigIntegerField()),
            ],
        ),
    ]
