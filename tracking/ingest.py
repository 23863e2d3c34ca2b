"""Writing a batch of queued hits: facts, visitor state and rollups, once each.

One SQS message is one batch is one transaction: the worker writes every new
hit of the message or none, and the message leaves SQS only after the commit.
That is the fast path; when a hit of the batch cannot be written,
`tracking.triage` splits the batch so that its batch-mates still are.

- Idempotent: SQS delivers at least once, so hits already written are
  skipped: a batch holding one breaks the facts' unique key, rolls back and
  is written again without it (`write_new`).
- Concurrent-safe: the batch first upserts the state rows of its visitors,
  in key order, which locks them until commit. A second worker with hits of
  the same visitor waits, then reads the committed state: one visitor, one
  visit, however the hits were spread over messages.
- Three round trips: the locks and the reads go in one packet; then the
  facts and the visitors' state, sent before the rollups are summed, which
  go in the last (`tracking.round_trips`); between the first two only
  Python counts, and the rollups are summed while MariaDB writes the facts.

The statements themselves are in `tracking.fact_writes`, `tracking.rollups`
and `tracking.event_properties`.
"""

import datetime as dt

from django.db import IntegrityError, connection, transaction

from common import metrics
from common.dates import zone_or_utc
from tracking import event_properties, fact_writes
from tracking.counting import CountedHit, Row, count_hit
from tracking.enrich import parse_client, parse_page, parse_referrer
from tracking.queued_hit import QueuedHit, hits_from_message
from tracking.rollups import rollup_statements
from tracking.round_trips import run_together, sent_together
from tracking.sources import classify


def enrich(hit: QueuedHit) -> CountedHit:
    """Dimensions from the URL, referrer and user agent; the day in the site's zone."""
    ts = dt.datetime.fromtimestamp(hit.ts, dt.UTC)
    page = parse_page(hit.url, keep=hit.keep)
    referrer_host, referrer_path = parse_referrer(hit.referrer, own_hostname=page.hostname)
    source, channel = classify(
        referrer_host=referrer_host,
        utm_source=page.utm["utm_source"],
        utm_medium=page.utm["utm_medium"],
    )
    client = parse_client(hit.ua)
    return CountedHit(
        id=hit.id, site=hit.site, visitor=hit.visitor, type=hit.type, ts=ts,
        local_date=ts.astimezone(zone_or_utc(hit.tz)).date(),
        hostname=page.hostname, pathname=page.pathname,
        session_dims={
            "referrer_host": referrer_host, "referrer_path": referrer_path,
            "source": source[:100], "channel": channel, **page.utm,
        },
        client_dims={
            "country": hit.country, "browser": client.browser, "os": client.os,
            "device": client.device,
        },
        event_name=hit.name if hit.type == "event" else "",
        value=hit.value if hit.type == "event" else 0,
        engaged_s=hit.duration_ms // 1000 if hit.type == "engagement" else 0,
        engaged_bounce_s=hit.engaged_bounce_s,
        props=hit.props if hit.type == "event" else (),
        scroll=hit.scroll if hit.type == "engagement" else None,
    )  # fmt: skip


def ingest_batch(raw_hits: object) -> int:
    """Write the hits of one message, all or none; return how many were new."""
    return write_batch([enrich(hit) for hit in hits_from_message(raw_hits)])


def write_batch(counted: list[CountedHit]) -> int:
    """Write enriched hits in one transaction, in time order; return how many were new."""
    return len(write_new(counted))


def write_new(counted: list[CountedHit]) -> set[tuple[int, str]]:
    """Write enriched hits in one transaction, in time order; return the (site, id) of the new.

    Hits are first taken as new: SQS delivers a message again only after a
    crash, a lost delete or a slow worker, so the SELECT of which hits are
    already written found none in nearly every batch, and cost about a tenth
    of the batch's time in MariaDB (more, the more sites a batch holds). A hit
    written before cannot be written again: its fact row breaks the unique
    key, the transaction rolls back whole, and the batch is written again,
    this time skipping the hits that are there.
    """
    hits = sorted(counted, key=lambda h: h.ts)
    if not hits:
        return set()
    try:
        return _write(hits, skip_written=False)
    except IntegrityError as exc:
        if exc.args[0] != DUPLICATE_KEY:
            raise
        return _write(hits, skip_written=True)


DUPLICATE_KEY = 1062  # MariaDB's ER_DUP_ENTRY: only the fact rows' keys can raise it here


def _write(hits: list[CountedHit], *, skip_written: bool) -> set[tuple[int, str]]:
    expires = fact_writes.state_expiry(dt.datetime.now(dt.UTC))
    keys = sorted({(hit.site, hit.visitor) for hit in hits})
    with transaction.atomic(), connection.cursor() as cursor:
        literal = connection.connection.literal
        unique = fact_writes.unique_hits(hits)
        locks = fact_writes.lock_statements(keys, expires=expires, literal=literal)
        reads = fact_writes.state_statements(keys, literal=literal)
        if skip_written:
            reads.insert(0, fact_writes.written_statement(unique, literal=literal))
        results = run_together(cursor, locks + reads)[len(locks) :]
        written = results.pop(0) if skip_written else ()
        already = {(site, hit_id) for site, hit_id in written}
        new_hits = [hit for key, hit in unique.items() if key not in already]
        states = fact_writes.states_from(keys, results)
        site_rows: list[tuple[int, Row]] = []
        for hit in new_hits:
            key = (hit.site, hit.visitor)
            rows, states[key] = count_hit(hit, states[key])
            site_rows += [(hit.site, row) for row in rows]
        with sent_together(
            cursor,
            fact_writes.fact_statements(site_rows, literal=literal)
            + event_properties.property_statements(new_hits, literal=literal)
            + fact_writes.save_statements(states, expires=expires, literal=literal),
        ):  # summed while MariaDB writes the facts; their row locks are taken last
            rollups = rollup_statements(site_rows, literal=literal)
        run_together(cursor, rollups)
    if new_hits:
        metrics.NEWEST_HIT.set(max(hit.ts for hit in new_hits).timestamp())
    return {(hit.site, hit.id) for hit in new_hits}
