"""The `conn_max_age` figures: the same drain with CONN_MAX_AGE=0 and with persistent connections.

With CONN_MAX_AGE=0 the worker opens a database connection for every message.
On a busy machine the run-to-run noise of a drain can exceed that cost, so the
ratio comes with what connecting alone can explain (the time to open one
connection, measured here) and with the connections each drain opened.
"""

import statistics
import time

from bench.ingest_drain import mean_of


def connect_ms(samples: int = 30) -> float:
    """Median time to open and close one database connection as Django does.

    What CONN_MAX_AGE=0 adds to every message (the worker closes the
    connection after each one), measured from this process.
    """
    from django.db import connection

    times = []
    for _ in range(samples):
        began = time.perf_counter()
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.close()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def compare_conn_max_age(runs: dict[str, list[dict]]) -> dict:
    """Persistent against CONN_MAX_AGE=0 drains (from ingest_drain.run_drains)."""
    persistent, zero_runs = runs["persistent"], runs["conn_max_age_0"]
    worker = mean_of(persistent, "hits_per_s")
    zero = mean_of(zero_runs, "hits_per_s")
    first = persistent[0]
    connect = connect_ms()
    persistent_drain_s = statistics.fmean(run["drain_s"] for run in persistent)
    return {
        "persistent_hits_per_s": worker,
        "conn_max_age_0_hits_per_s": zero,
        "ratio": round(zero / worker, 3),
        "connections_opened": {
            "persistent": [run["connections_opened"] for run in persistent],
            "conn_max_age_0": [run["connections_opened"] for run in zero_runs],
        },
        "background_connections_expected": {
            "persistent": [run["background_connections_expected"] for run in persistent],
            "conn_max_age_0": [run["background_connections_expected"] for run in zero_runs],
        },
        "messages_per_drain": first["messages"],
        "connect_ms_median": round(connect, 2),
        # The ratio if every message's connect sat on the critical path (the
        # worker's threads overlap them): what connecting alone can explain.
        "expected_ratio_from_connect_time": round(
            persistent_drain_s / (persistent_drain_s + first["messages"] * connect / 1000), 3
        ),
        "worker_cpu_ms_per_hit": {
            "persistent": mean_of(persistent, "worker_cpu_ms_per_hit", digits=3),
            "conn_max_age_0": mean_of(zero_runs, "worker_cpu_ms_per_hit", digits=3),
        },
        "runs": zero_runs,
    }
