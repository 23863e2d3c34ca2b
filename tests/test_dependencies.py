"""The order of dependencies (docs/architecture.md): nothing before billing knows billing.

accounts, tracking and reports come before billing: none of their modules
imports it (not even inside a function) and accounts' templates name no
billing URL. billing hooks itself in (billing/apps.py).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BEFORE_BILLING = ["accounts", "tracking", "reports"]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", BEFORE_BILLING)
def test_packages_before_billing_import_nothing_of_it(package):
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / package).rglob("*.py")
        for module in imported_modules(path)
        if module == "billing" or module.startswith("billing.")
    }
    assert not offenders


def test_the_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from billing.services import start_trial\n")
    assert imported_modules(module) == {"billing.services"}


def test_accounts_templates_name_no_billing_url():
    pattern = re.compile(r"""\{%\s*url\s+["']billing:""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "accounts" / "templates").rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert not offenders
