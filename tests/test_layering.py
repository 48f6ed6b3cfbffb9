"""The layers, as a test: imports flow service → projections → domain, and each
framework stays inside the one package that serves it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def offenders(folder: str, forbidden: tuple[str, ...]) -> set[str]:
    """`file: module` for every import under `folder` of a forbidden module or
    of anything inside one."""
    return {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / folder).rglob("*.py")
        for module in imported_modules(path)
        if any(module == f or module.startswith(f + ".") for f in forbidden)
    }


def test_domain_imports_only_stdlib_and_the_kernel() -> None:
    found = {
        f"{path.name}: {module}"
        for path in (ROOT / "domain").glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names
        and not module.startswith(("eventsourcing.domain", "domain"))
    }

    assert found == set()


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("projections", ("service", "fastapi", "typer", "pydantic")),
        (
            "service/application",
            (
                "fastapi",
                "starlette",
                "typer",
                "rich",
                "pydantic",
                "service.web",
                "service.cli",
                "service.contract",
                "service.importers",
                "service.pricing",
            ),
        ),
        ("service/web", ("typer", "rich", "service.cli")),
        ("service/cli", ("fastapi", "starlette", "service.web")),
        ("service/contract", ("fastapi", "starlette", "typer", "service.web")),
        ("service/importers", ("fastapi", "typer", "service.web", "service.cli")),
        ("service/pricing", ("fastapi", "typer", "pydantic", "service.web")),
        ("service/replay", ("fastapi", "starlette", "typer", "rich", "service.web")),
    ],
)
def test_a_layer_imports_nothing_above_or_beside_it(
    folder: str, forbidden: tuple[str, ...]
) -> None:
    assert offenders(folder, forbidden) == set()


@pytest.mark.parametrize(
    ("framework", "home"), [("fastapi", "service/web"), ("typer", "service/cli")]
)
def test_each_framework_is_imported_in_one_package_only(
    framework: str, home: str
) -> None:
    found = {
        str(path.relative_to(ROOT))
        for folder in ("domain", "projections", "service")
        for path in (ROOT / folder).rglob("*.py")
        if any(m.split(".")[0] == framework for m in imported_modules(path))
    }

    assert found
    assert {p for p in found if not p.startswith(home + "/")} == set()
