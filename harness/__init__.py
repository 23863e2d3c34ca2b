"""What the benchmarks and the tests both use: no Django app, never imported by the product.

- `processes`: starting the product's real processes (moto SQS, gunicorn, the
  worker) in process groups with logs, and reading their CPU time from /proc;
- `loadgen`: a closed-loop HTTP load generator (standard library only), with
  the wait for a collector to accept hits and the emptying of moto's queue;
- `collector_client`: keep-alive clients posting hits to a running collector;
- `hits`: queued hits built exactly as the collector queues them;
- `ingest_traffic`: the ingest benchmark's requests and queued hits;
- `seed_traffic`: a year of made-up visits for the dashboard benchmarks;
- `seed_facts`: those visits counted into fact rows (the product's counting
  rules), a chunk of days a TSV file, in worker processes.

harness sits beside bench/ and tests/, above the apps: it may import product
packages, and no product package imports it (the Dockerfile leaves it out).
The demo data's generator is product code (tracking/demo.py, run by
`manage.py seed_demo` in the image); `seed_traffic` reuses its word lists.
"""
