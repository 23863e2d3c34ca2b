"""Analytics tables: facts and daily salts.

These tables follow the rules that let them move to a sharded columnstore
(SingleStore): no foreign keys, every unique key starts with `site_id`
(the shard key), BIGINT ids, append-only rows. They are written by
`tracking.ingest` with raw SQL in batches, never one ORM save per hit.
"""

from django.db import models


class FactKind(models.IntegerChoices):
    PAGEVIEW = 1
    EVENT = 2


class Fact(models.Model):
    """One row of signed counters with the dimensions of one hit.

    `seq` 0 is the hit itself; later counting rules add correction rows for
    the same hit with seq > 0. (site_id, hit_id, seq) is unique, so a hit
    delivered twice by SQS is written once.
    """

    id = models.BigAutoField(primary_key=True)
    site_id = models.BigIntegerField()
    hit_id = models.CharField(max_length=32)
    seq = models.PositiveSmallIntegerField(default=0)
    kind = models.PositiveSmallIntegerField(choices=FactKind.choices)
    ts = models.DateTimeField(help_text="UTC time of the hit")
    local_date = models.DateField(help_text="The day in the site's time zone at ingest")

    hostname = models.CharField(max_length=253, default="")
    pathname = models.CharField(max_length=500, default="")
    referrer_host = models.CharField(max_length=253, default="")
    referrer_path = models.CharField(max_length=500, default="")
    utm_source = models.CharField(max_length=200, default="")
    utm_medium = models.CharField(max_length=200, default="")
    utm_campaign = models.CharField(max_length=200, default="")
    utm_content = models.CharField(max_length=200, default="")
    utm_term = models.CharField(max_length=200, default="")
    country = models.CharField(max_length=2, default="")
    browser = models.CharField(max_length=50, default="")
    os = models.CharField(max_length=50, default="")
    device = models.CharField(max_length=10, default="")
    event_name = models.CharField(max_length=200, default="")

    pageviews = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    uniques = models.IntegerField(default=0)
    bounces = models.IntegerField(default=0)
    duration = models.IntegerField(default=0, help_text="seconds")
    completions = models.IntegerField(default=0)
    value = models.BigIntegerField(default=0, help_text="cents")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site_id", "hit_id", "seq"], name="fact_hit_once"),
        ]
        indexes = [models.Index(fields=["site_id", "ts"], name="fact_site_ts")]


class Salt(models.Model):
    """The secret mixed into visitor hashes for one UTC day.

    Deleted after the day is over, so hashes of different days can never be
    linked to each other or reversed by anyone, us included.
    """

    day = models.DateField(unique=True)
    secret = models.CharField(max_length=64)
