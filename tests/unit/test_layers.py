"""Import boundaries: the CLI and the API share `itemtrace.schemas`; the CLI imports nothing from the API."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "itemtrace"


def _imports(package: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import statement in the package, lazy ones included."""
    found = []
    for path in sorted((SRC / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path.name, node.module))
    return found


def _under(module: str, *roots: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in roots)


def test_the_cli_imports_nothing_from_the_api() -> None:
    assert [(f, m) for f, m in _imports("cli") if _under(m, "itemtrace.api")] == []


def test_the_shared_schemas_need_only_pydantic_and_the_domain() -> None:
    faces = ("fastapi", "starlette", "typer", "itemtrace.api", "itemtrace.cli")
    assert [(f, m) for f, m in _imports("schemas") if _under(m, *faces)] == []


def test_the_import_scan_sees_lazy_imports() -> None:
    assert ("app.py", "fastapi") in _imports("api")
    assert any(_under(m, "itemtrace.schemas") for _, m in _imports("cli"))
