"""The sites overview (reports/overview.py) for 200 sites against 1 site: seconds per page, ratio.

`.venv/bin/python -m bench.overview`; database bench_overview (re-created), harness/overview_sites.
"""

import datetime as dt
import json
import timeit

from bench.common import create_database, setup_django

if __name__ == "__main__":
    create_database("bench_overview", drop=True)
    setup_django({"DB_NAME": "bench_overview"})
    from harness.overview_sites import user_with_sites
    from reports.overview import build_sites_overview

    now, s = dt.datetime.now(dt.UTC), {}
    for n in (1, 200):
        user = user_with_sites(n, today=now.date(), email=f"owner{n}@example.com")
        s[n] = min(timeit.repeat(lambda u=user: build_sites_overview(u, now=now), number=1))
    figures = {"1_site": round(s[1], 4), "200_sites": round(s[200], 4), "ratio": s[200] / s[1]}
    print(json.dumps({"seconds_per_page": figures}, indent=2))
