"""Cluster the facts table by (site_id, ts, hit_id, seq) instead of a surrogate id.

Filtered dashboard queries read a site's facts over a range of days: with the
rows stored in that order it is one sequential read, where the old secondary
index (site_id, ts) cost a random lookup per row. Django cannot migrate to a
composite primary key by itself, so the table change is written out here.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0004_fact_visitor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE tracking_fact DROP INDEX fact_site_ts, DROP COLUMN id, "
                    "ADD PRIMARY KEY (site_id, ts, hit_id, seq)",
                    reverse_sql=(
                        "ALTER TABLE tracking_fact DROP PRIMARY KEY, "
                        "ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST, "
                        "ADD INDEX fact_site_ts (site_id, ts)"
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="fact", name="fact_site_ts"),
                migrations.RemoveField(model_name="fact", name="id"),
                migrations.AddField(
                    model_name="fact",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "site_id",
                        "ts",
                        "hit_id",
                        "seq",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
    ]
