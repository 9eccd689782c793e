"""Fixtures of the conformance suite: the spec (or a skip), a shared demo server, the counter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from optui.demo import DemoServer, start_demo_server
from tests.conformance.harness import Checks
from tests.conformance.spec import SPEC_PATH, load_document
from tests.conftest import TODAY

CHECKS_KEY = pytest.StashKey[Checks]()


@pytest.fixture(autouse=True)
def spec_present() -> None:
    """Every conformance test needs OpenProject's spec beside the checkout."""
    if load_document() is None:
        pytest.skip(f"OpenProject API spec not found at {SPEC_PATH} (shared/ beside the checkout)")


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """One seeded demo server for the cases that change nothing (reads and refused writes)."""
    server = start_demo_server(tmp_path_factory.mktemp("conformance-demo"), today=TODAY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def checks(request: pytest.FixtureRequest) -> Checks:
    """The session's check counter, reported by `pytest_terminal_summary`."""
    counter = Checks()
    request.config.stash[CHECKS_KEY] = counter
    return counter


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    counter = terminalreporter.config.stash.get(CHECKS_KEY, None)
    if counter is None:
        return
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(counter.by_kind.items()))
    terminalreporter.write_line(f"conformance checks: {counter.count} ({kinds})")
