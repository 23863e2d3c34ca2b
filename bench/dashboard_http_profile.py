"""Where the large site's page spends its time: each statement of it timed, in process.

Over HTTP only the whole page is timed. Rendered once more here (Django's
test client, the same settings, outside the timings) with every SQL statement
timed, the slowest statements show which read (facts or rollups, totals,
series or a breakdown, and its days) to work on next; the three slowest are
EXPLAINed.
"""

import datetime as dt
import re
import time


def statement_label(sql: str, params: tuple) -> str:
    """A short name for one SQL statement of the page: what it reads, and for which days."""
    from reports.stats import DAILY, DISTINCT_VISITORS, FACTS, HOURLY, MONTHLY, WEEKLY

    table = next(
        (name for t, name in ((FACTS, "facts"), (MONTHLY, "monthly"), (WEEKLY, "weekly"),
                              (DAILY, "daily"), (HOURLY, "hourly")) if f" {t} " in f"{sql} "),
        None,
    )  # fmt: skip
    if "matching_facts_" in sql:
        table = "facts copied" if sql.startswith("CREATE") else "copy"
    if table is None:
        match = re.search(r"FROM `?(\w+)`?", sql)
        return f"other: {match[1] if match else sql[:60]}"
    days = [p for p in params if isinstance(p, dt.date) and not isinstance(p, dt.datetime)]
    span = f" {days[0]}..{days[-1]}" if days else ""
    if " AS v," in sql:
        value = re.search(r"SELECT (.+?) AS v,", sql)[1]
        order = re.search(r"ORDER BY (.+?) DESC", sql)[1].replace(DISTINCT_VISITORS, "visitors")
        return f"{table} breakdown {value[:40]} by {order[:40]}{span}"
    if "GROUP BY local_date" in sql or "GROUP BY day" in sql:
        return f"{table} series{span}"
    return f"{table} totals{span}"


def profile_page(path: str, user_pk: int, explain_top: int = 3) -> dict:
    """The page rendered in this process, every SQL statement timed (and the slowest EXPLAINed)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_pk))
    statements: list[tuple[str, tuple, float]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, tuple(params or ()), time.perf_counter() - started))

    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        response = client.get(path)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"profile: {path} answered {response.status_code}")
    sql_s = sum(s for _, _, s in statements)
    slowest = sorted(statements, key=lambda s: -s[2])
    result = {
        "page_s": round(total, 3),
        "sql_s": round(sql_s, 3),
        "outside_sql_s": round(total - sql_s, 3),
        "python_cpu_s": round(cpu, 3),
        "statements": len(statements),
        "statements_s": [
            {"what": statement_label(sql, params), "s": round(s, 3)}
            for sql, params, s in slowest
            if s >= 0.005
        ],
    }
    explained = []
    with connection.cursor() as cursor:
        for sql, params, s in slowest[:explain_top]:
            if not sql.lstrip().upper().startswith("SELECT") or "matching_facts_" in sql:
                continue  # the view's temporary copy is gone by now
            cursor.execute("EXPLAIN " + sql, params)
            columns = [c[0] for c in cursor.description]
            explained.append(
                {
                    "what": statement_label(sql, params),
                    "s": round(s, 3),
                    "sql": sql,
                    "plan": [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()],
                }
            )
    result["explain_slowest"] = explained
    return result
