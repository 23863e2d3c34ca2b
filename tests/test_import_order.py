"""Every product module imports only from the packages before its own, in one order.

accounts -> tracking -> reports -> billing -> api -> analytics_site. `common`
(helpers, not an app) may be imported by all and imports none of them;
nothing imports analytics_site, the wiring. Imports inside functions count
too: a lazy import is still a dependency. docs/architecture.md explains why.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["common", "accounts", "tracking", "reports", "billing", "api", "analytics_site"]
TOOLS = {"bench", "harness", "tests"}  # may use the product; the product never uses them


def product_modules() -> list[Path]:
    return sorted(
        path
        for package in ORDER
        if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
    )


def imported_packages(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every absolute import in the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def violations(relative_path: str, source: str) -> list[str]:
    """`file:line imports name` for each import of a later package or of a tool."""
    own = relative_path.split("/")[0]
    allowed = set(ORDER[: ORDER.index(own) + 1])
    wrong = []
    for line, name in imported_packages(source):
        top = name.split(".")[0]
        if (top in ORDER or top in TOOLS) and top not in allowed:
            wrong.append(f"{relative_path}:{line} imports {name}")
    return wrong


def test_the_order_reads_every_product_package():
    assert {p.relative_to(ROOT).parts[0] for p in product_modules()} >= {
        "common", "accounts", "tracking", "reports", "billing", "api", "analytics_site"
    }  # fmt: skip


@pytest.mark.parametrize("package", [p for p in ORDER if (ROOT / p).is_dir()])
def test_a_package_imports_only_the_packages_before_it(package):
    wrong = [
        violation
        for path in product_modules()
        if path.relative_to(ROOT).parts[0] == package
        for violation in violations(path.relative_to(ROOT).as_posix(), path.read_text())
    ]
    assert wrong == [], "imports against the order:\n" + "\n".join(wrong)


def test_the_check_names_an_import_against_the_order():
    source = "import django\n\ndef f():\n    from reports.views import x\n"
    assert violations("accounts/probe.py", source) == ["accounts/probe.py:4 imports reports.views"]


def test_common_imports_none_of_the_apps():
    assert violations("common/probe.py", "import accounts.models\n") == [
        "common/probe.py:1 imports accounts.models"
    ]


def test_nothing_imports_the_wiring():
    assert violations("billing/probe.py", "from analytics_site import settings\n") == [
        "billing/probe.py:1 imports analytics_site"
    ]


def test_templates_before_billing_name_no_billing_url():
    """Billing hooks its links in itself (accounts.links): no earlier page names its URLs."""
    url_of = re.compile(r"""\{%\s*url\s+["']billing:""")
    before = ORDER[: ORDER.index("billing")]
    wrong = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.glob("*/templates/**/*.html"))
        if path.relative_to(ROOT).parts[0] in before and url_of.search(path.read_text())
    ]
    assert wrong == []
