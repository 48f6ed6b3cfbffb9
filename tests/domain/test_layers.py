"""The domain layer imports only the standard library and eventsourcing's kernel."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ("eventsourcing.domain", "domain")


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_domain_imports_only_stdlib_and_the_kernel() -> None:
    offenders = {
        f"{path.name}: {module}"
        for path in (ROOT / "domain").glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names
        and not module.startswith(ALLOWED)
    }

    assert offenders == set()


def test_projections_do_not_import_the_service() -> None:
    offenders = {
        f"{path.name}: {module}"
        for path in (ROOT / "projections").glob("*.py")
        for module in imported_modules(path)
        if module.startswith(("service", "fastapi"))
    }

    assert offenders == set()
