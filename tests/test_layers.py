"""The layers import one way only: ui -> api -> config; the demo talks to the rest over HTTP."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "optui"

# package prefix -> import prefixes it must not use (architecture.md §3)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "optui.api": ("textual", "rich", "optui.ui", "optui.demo", "starlette", "uvicorn"),
    "optui.config": ("textual", "rich", "httpx", "optui.ui", "optui.demo"),
    "optui.paths": ("textual", "rich", "httpx", "optui.ui", "optui.demo"),
    "optui.secrets": ("textual", "rich", "httpx", "optui.ui", "optui.demo"),
    "optui.drafts": ("textual", "rich", "httpx", "optui.ui", "optui.demo"),
    "optui.ui": ("httpx", "optui.demo", "starlette", "uvicorn"),
    "optui.demo": ("optui.api", "optui.ui", "optui.config", "textual", "rich", "httpx"),
}


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every import in a module, module-level and deferred ones alike."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations() -> list[str]:
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        for prefix, banned in FORBIDDEN.items():
            if name != prefix and not name.startswith(prefix + "."):
                continue
            for line, imported in imports_of(path):
                for bad in banned:
                    if imported == bad or imported.startswith(bad + "."):
                        problems.append(
                            f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}, "
                            f"but {prefix} must not import {bad}"
                        )
    return problems


def test_packages_import_only_what_their_layer_allows() -> None:
    assert violations() == []


def test_the_layer_check_finds_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    import textual.app\n", encoding="utf-8")
    assert imports_of(bad) == [(2, "textual.app")]


def modules_after(code: str) -> set[str]:
    """Names in sys.modules after running `code` in a fresh interpreter."""
    script = f"{code}\nimport sys; print(*sys.modules)"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def test_api_layer_never_loads_the_ui_or_the_demo() -> None:
    loaded = modules_after("import optui.api, optui.paths")
    assert not {m for m in loaded if m.startswith(("textual", "optui.ui", "optui.demo"))}


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_do_not_import_textual(flag: str) -> None:
    argv = [sys.executable, "-X", "importtime", "-m", "optui", flag]
    run = subprocess.run(argv, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()}
    assert not {m for m in imported if m.startswith("textual")}
