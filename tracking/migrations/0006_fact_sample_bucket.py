"""Give every fact a visitor sample bucket and cluster the facts by it after the site.

Filtered dashboard views of very large ranges then read a sample of
visitors as a few sequential reads (tracking/sampling.py). The bucket is
computed from the stored visitor hash exactly as ingest computes it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0005_fact_clustered_by_time"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE tracking_fact "
                    "ADD COLUMN sample SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER visitor",
                    reverse_sql="ALTER TABLE tracking_fact DROP COLUMN sample",
                ),
                migrations.RunSQL(
                    "UPDATE tracking_fact SET sample = CRC32(visitor) % 1000",
                    reverse_sql=migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    "ALTER TABLE tracking_fact DROP PRIMARY KEY, "
                    "ADD PRIMARY KEY (site_id, sample, ts, hit_id, seq)",
                    reverse_sql=(
                        "ALTER TABLE tracking_fact DROP PRIMARY KEY, "
                        "ADD PRIMARY KEY (site_id, ts, hit_id, seq)"
                    ),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="fact",
                    name="sample",
                    field=models.PositiveSmallIntegerField(
                        default=0, help_text="tracking.sampling bucket"
                    ),
                ),
                migrations.AlterField(
                    model_name="fact",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "site_id", "sample", "ts", "hit_id", "seq",
                        blank=True, editable=False, primary_key=True, serialize=False,
                    ),
                ),
            ],
        ),
    ]
