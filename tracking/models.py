"""Analytics tables: facts, rollups, visitor state and daily salts.

These tables follow the rules that let them move to a sharded columnstore
(SingleStore): no foreign keys, every unique key starts with `site_id`
(the shard key), BIGINT ids, counters changed only by adding signed deltas.
They are written by `tracking.ingest` with raw SQL in batches, never one ORM
save per hit. docs/metrics.md explains the counters.
"""

from django.db import models


def text_dimension(max_length: int) -> models.CharField:
    """A dimension column compared byte for byte: /About and /about are different pages."""
    return models.CharField(max_length=max_length, default="", db_collation="utf8mb4_bin")


class FactKind(models.IntegerChoices):
    PAGEVIEW = 1
    EVENT = 2
    ENGAGEMENT = 3
    CORRECTION = 4


class Counters(models.Model):
    """The signed counters shared by facts and rollups; every metric is a SUM of them."""

    pageviews = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    uniques = models.IntegerField(default=0, help_text="first hit of the visitor that day")
    page_uniques = models.IntegerField(default=0, help_text="first view of the page that day")
    bounces = models.IntegerField(default=0)
    duration = models.BigIntegerField(default=0, help_text="seconds")
    exits = models.IntegerField(default=0)
    completions = models.IntegerField(default=0)
    unique_completions = models.IntegerField(default=0)
    value = models.BigIntegerField(default=0, help_text="cents")
    # Average scroll depth = scroll_depth / scroll_views: the deepest percent each
    # page view reported (script.scroll.js), summed, and how many page views reported.
    scroll_depth = models.BigIntegerField(default=0, help_text="percent, summed")
    scroll_views = models.IntegerField(default=0, help_text="page views that reported a scroll")

    class Meta:
        abstract = True


class Fact(Counters):
    """One row of signed counters with every dimension of one hit (or a correction).

    `seq` 0 is the hit itself; corrections caused by the same hit (the bounce
    undone, time on the previous page) have seq > 0. (site_id, hit_id, seq) is
    unique, so a hit delivered twice by SQS is written once.
    """

    # Clustered by site, visitor sample bucket and time (the shard key leads):
    # a range of days is one sequential read per bucket, and a sample of
    # visitors (tracking/sampling.py) is a few of those reads.
    pk = models.CompositePrimaryKey("site_id", "sample", "ts", "hit_id", "seq")
    site_id = models.BigIntegerField()
    hit_id = models.CharField(max_length=32)
    # The day's visitor hash (its salt is deleted within two days): lets
    # filtered queries count distinct visitors exactly.
    visitor = models.CharField(max_length=32, default="")
    sample = models.PositiveSmallIntegerField(default=0, help_text="tracking.sampling bucket")
    seq = models.PositiveSmallIntegerField(default=0)
    kind = models.PositiveSmallIntegerField(choices=FactKind.choices)
    ts = models.DateTimeField(help_text="UTC time of the hit")
    local_date = models.DateField(help_text="The day in the site's time zone at ingest")

    hostname = text_dimension(253)
    pathname = text_dimension(500)
    referrer_host = text_dimension(253)
    referrer_path = text_dimension(500)
    source = text_dimension(100)
    channel = text_dimension(20)
    utm_source = text_dimension(200)
    utm_medium = text_dimension(200)
    utm_campaign = text_dimension(200)
    utm_content = text_dimension(200)
    utm_term = text_dimension(200)
    country = text_dimension(2)
    browser = text_dimension(50)
    os = text_dimension(50)
    device = text_dimension(10)
    event_name = text_dimension(200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site_id", "hit_id", "seq"], name="fact_hit_once"),
        ]


class Rollup(Counters):
    """Facts summed per site, period, dimension and value (dimension 0: site totals).

    `page_rank` is the visitors counter of page rows only (NULL elsewhere),
    computed by the database and never written: indexed with the period, it
    lets the top pages of a period be read from the index alone
    (reports/stats/rollup_reads.py). Rows of other dimensions keep NULL there, so
    adding to their counters never touches that index. `views_rank` is the same
    for the pageviews counter (pages sorted by pageviews, as API clients ask).
    """

    site_id = models.BigIntegerField()
    dimension = models.PositiveSmallIntegerField()
    dim_value = text_dimension(760)
    page_rank = models.GeneratedField(
        expression=models.Case(
            models.When(dimension=2, then=models.F("page_uniques")),  # Dimension.PATHNAME
            default=None,
        ),
        output_field=models.IntegerField(null=True),
        db_persist=False,
    )
    views_rank = models.GeneratedField(
        expression=models.Case(
            models.When(dimension=2, then=models.F("pageviews")),  # Dimension.PATHNAME
            default=None,
        ),
        output_field=models.IntegerField(null=True),
        db_persist=False,
    )

    class Meta:
        abstract = True


class DailyRollup(Rollup):
    """Facts summed per site, local day, dimension and value."""

    pk = models.CompositePrimaryKey("site_id", "dimension", "day", "dim_value")
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["site_id", "dimension", "day", "page_rank"],
                                name="daily_page_rank"),
                   models.Index(fields=["site_id", "dimension", "day", "views_rank"],
                                name="daily_views_rank")]  # fmt: skip


class MonthlyRollup(Rollup):
    """The daily rollups summed per calendar month of the site's time zone.

    `month` is the month's first day. Long ranges read their whole months
    here, one row per value and month instead of one per value and day (at
    10M pageviews a year, 60k rows for a year of pages instead of 1.3M), and
    only their partial months from DailyRollup. Derived from the daily rows
    (tracking.rollup_deriver) once the month is over; until then, and after a
    late hit, the month is marked in PendingRollup and read from finer rows.
    """

    pk = models.CompositePrimaryKey("site_id", "dimension", "month", "dim_value")
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["site_id", "dimension", "month", "page_rank"],
                                name="monthly_page_rank"),
                   models.Index(fields=["site_id", "dimension", "month", "views_rank"],
                                name="monthly_views_rank")]  # fmt: skip


class WeeklyRollup(Rollup):
    """The daily rollups summed per week (Monday to Sunday) of the site's time zone.

    `week` is the Monday. A 30-day range holds at most four whole weeks: it
    reads those here and only its other days from DailyRollup, so a month of
    top pages is about ten rows per page instead of thirty. Derived from the
    daily rows like MonthlyRollup.
    """

    pk = models.CompositePrimaryKey("site_id", "dimension", "week", "dim_value")
    week = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["site_id", "dimension", "week", "page_rank"],
                                name="weekly_page_rank"),
                   models.Index(fields=["site_id", "dimension", "week", "views_rank"],
                                name="weekly_views_rank")]  # fmt: skip


class PendingRollup(models.Model):
    """A week or month of a site whose weekly or monthly rows lag its daily ones.

    The worker writes only daily rollups and hourly totals, and upserts one of
    these per site and period its batch touched, with a fresh random `token`;
    `tracking.rollup_deriver` recomputes the period's rows from the daily ones
    and deletes the mark in the same transaction, only if its token is still
    the one it read (a batch that marked it again meanwhile keeps it). Readers
    take a marked period from the daily rows (reports/stats/rollup_reads.py).
    """

    pk = models.CompositePrimaryKey("site_id", "grain", "period")
    site_id = models.BigIntegerField()
    grain = models.CharField(max_length=5, help_text="week or month")
    period = models.DateField(help_text="the Monday, or the first of the month")
    token = models.BigIntegerField()


class HourlyTotal(Counters):
    """Site totals per UTC hour, for the hourly chart of short ranges."""

    pk = models.CompositePrimaryKey("site_id", "hour")
    site_id = models.BigIntegerField()
    hour = models.DateTimeField(help_text="UTC, truncated to the hour")


class VisitorState(models.Model):
    """Key/value state of one visitor hash on one site; expires within two days.

    The hash changes every UTC day (new salt), so this never links days. It
    holds what counting needs: the current session, its last page, and what
    the visitor already counted for today.
    """

    pk = models.CompositePrimaryKey("site_id", "visitor")
    site_id = models.BigIntegerField()
    visitor = models.CharField(max_length=32)
    last_seen = models.DateTimeField(null=True)
    expires = models.DateTimeField(db_index=True)
    state = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["site_id", "last_seen"], name="visitor_live")]


class Salt(models.Model):
    """The secret mixed into visitor hashes for one UTC day.

    Deleted after the day is over, so hashes of different days can never be
    linked to each other or reversed by anyone, us included.
    """

    day = models.DateField(unique=True)
    secret = models.CharField(max_length=64)


class EventProperty(models.Model):
    """One property (`key`: `value`) of one event hit, written with its fact.

    Properties are raw data like facts (purged with them, per site retention):
    the events panel's breakdown by property and the property filters read
    them, joined to the event's fact by (site_id, hit_id). Clustered by site
    and time like the facts, so a date range is one range read.
    """

    pk = models.CompositePrimaryKey("site_id", "ts", "hit_id", "prop_key")
    site_id = models.BigIntegerField()
    hit_id = models.CharField(max_length=32)
    ts = models.DateTimeField(help_text="UTC time of the event")
    local_date = models.DateField()
    visitor = models.CharField(max_length=32, default="")
    event_name = text_dimension(200)
    prop_key = text_dimension(64)
    prop_value = text_dimension(256)
    value = models.BigIntegerField(default=0, help_text="the event's value, cents")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site_id", "hit_id", "prop_key"], name="event_property_once"
            ),
        ]


class ShieldDrop(models.Model):
    """Hits a site's shields dropped in the collector, per local day and reason.

    Counted in each web process's memory and added here by its directory
    thread (tracking/drops.py), so the collector still makes no query per hit.
    """

    pk = models.CompositePrimaryKey("site_id", "day", "reason")
    site_id = models.BigIntegerField()
    day = models.DateField()
    reason = models.CharField(max_length=10)
    hits = models.BigIntegerField(default=0)
