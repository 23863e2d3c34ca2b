"""The query layer is one package with one public entry, and one module talks to the database.

Code outside reports/stats/ (product, bench, other tests) imports
`reports.stats` only, and only names of its `__all__`: its modules can then
be reorganised without touching a page, an export or a benchmark. Inside,
only reports/stats/db.py touches the connection or the ORM; outside it, no
module of reports does, except the two that read and write the reports
app's own tables (milestones, email reports and alerts: reports/selectors.py
and reports/services.py), which use the ORM only, never a connection or a
cursor, and never name an analytics table. Tests of the package's own modules
(tests/reports/stats/) may import them.
"""

import ast
from pathlib import Path

import reports.stats
from tests.test_import_order import ORDER, ROOT, TOOLS, imported_packages

STATS = ROOT / "reports" / "stats"
DB_MODULE = STATS / "db.py"
CHECKED = [*ORDER, *sorted(TOOLS)]  # every product package, bench and the tests
OWN_TESTS = ROOT / "tests" / "reports" / "stats"
# The reports app's own tables (reports/models.py) are read and written here only.
OWN_TABLES = {ROOT / "reports" / "selectors.py", ROOT / "reports" / "services.py"}


def _modules(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.py"))


def entry_violations(relative_path: str, source: str) -> list[str]:
    """Imports reaching past reports.stats's entry: a submodule, or a name not in __all__."""
    public = set(reports.stats.__all__)
    wrong = [
        f"{relative_path}:{line} imports {name}"
        for line, name in imported_packages(source)
        if name.startswith("reports.stats.")
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "reports.stats":
            wrong += [
                f"{relative_path}:{node.lineno} imports reports.stats.{alias.name}"
                for alias in node.names
                if alias.name not in public
            ]
    return wrong


def database_uses(source: str) -> list[str]:
    """What in `source` talks to the database: django.db's connection(s), a cursor, the ORM."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db":
            found += [
                f"{node.lineno}: django.db.{a.name}"
                for a in node.names
                if a.name in ("connection", "connections", "transaction")
            ]
        elif isinstance(node, ast.Attribute) and node.attr in ("objects", "cursor"):
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def test_code_outside_the_package_uses_only_its_entry():
    outside = [
        p
        for p in _modules(*(ROOT / name for name in CHECKED))
        if STATS not in p.parents and OWN_TESTS not in p.parents
    ]
    wrong = [
        v for p in outside for v in entry_violations(p.relative_to(ROOT).as_posix(), p.read_text())
    ]
    assert wrong == [], "imports past reports.stats:\n" + "\n".join(wrong)


def test_the_entry_names_only_what_it_has():
    assert len(set(reports.stats.__all__)) == len(reports.stats.__all__)
    assert [n for n in reports.stats.__all__ if not hasattr(reports.stats, n)] == []


def test_only_the_db_module_talks_to_the_database():
    wrong = [
        f"{p.relative_to(ROOT)}:{use}"
        for p in _modules(STATS)
        if p != DB_MODULE
        for use in database_uses(p.read_text())
    ]
    assert wrong == []
    assert database_uses(DB_MODULE.read_text()), "the check sees db.py's own connection"


def test_no_other_module_of_reports_opens_a_cursor():
    pages = [
        p for p in _modules(ROOT / "reports") if STATS not in p.parents and p not in OWN_TABLES
    ]
    uses = {
        str(p.relative_to(ROOT)): database_uses(p.read_text())
        for p in pages
        if "migrations" not in p.parts and p not in OWN_TABLES
    }
    assert {path: found for path, found in uses.items() if found} == {}


def test_the_modules_of_reports_own_rows_use_the_orm_only():
    uses = {p.name: database_uses(p.read_text()) for p in sorted(OWN_TABLES)}
    raw = ("django.db.connection", "django.db.connections", ".cursor")  # not transactions
    assert {name: [u for u in found if u.endswith(raw)] for name, found in uses.items()} == {
        "selectors.py": [],
        "services.py": [],
    }
    assert all(uses.values()), "the check sees their ORM use"


def test_the_modules_of_reports_own_tables_read_no_analytics_table():
    for path in sorted(OWN_TABLES):
        source = path.read_text()
        assert database_uses(source), f"{path.name} is where reports' own tables are read"
        assert [n for _, n in imported_packages(source) if n.startswith("tracking")] == []
        assert "cursor" not in source and "raw(" not in source


def test_the_checks_name_what_they_refuse():
    assert entry_violations("reports/x.py", "from reports.stats.queries import totals\n") == [
        "reports/x.py:1 imports reports.stats.queries"
    ]
    assert entry_violations("bench/x.py", "from reports.stats import fetch_rows\n") == [
        "bench/x.py:1 imports reports.stats.fetch_rows"
    ]
    assert database_uses("from django.db import connection\n") == ["1: django.db.connection"]
