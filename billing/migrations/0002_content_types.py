# The content types of billing's models move with them (accounts.plan ->
# billing.plan, ...), so staff permissions and the admin's history stay attached.
# Only rows of django_content_type change; a fresh database has none yet.
from django.db import migrations

MODELS = ["plan", "subscription", "invoice", "invoiceline", "usagenotice", "stripeevent"]


def relabel(apps, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    relabel(apps, source="accounts", target="billing")


def backwards(apps, schema_editor):
    relabel(apps, source="billing", target="accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
