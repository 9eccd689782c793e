"""The quality gate runs with the tests: ruff (lint and format) and mypy --strict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_tool(*argv: str) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name(argv[0])
    if not tool.exists() and shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed (pip install '.[test]')")
    command = [str(tool) if tool.exists() else argv[0], *argv[1:]]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_check() -> None:
    run = run_tool("ruff", "check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format() -> None:
    run = run_tool("ruff", "format", "--check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict() -> None:
    run = run_tool("mypy")
    assert run.returncode == 0, run.stdout + run.stderr
