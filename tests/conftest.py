"""Shared fixtures: a hermetic environment, a fixed day, and a freshly seeded demo server."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend

from optui.demo import DemoServer, start_demo_server
from optui.demo.faults import Faults

TODAY = dt.date(2026, 11, 2)
"""The fixed day the seed and the server count from in tests (a Monday)."""


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in the test's memory (never the developer's real keyring)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring is untyped
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the real user's directories, keys and instances."""
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        directory = tmp_path / "xdg" / name.lower()
        directory.mkdir(parents=True)
        monkeypatch.setenv(name, str(directory))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENPROJECT_URL", raising=False)
    monkeypatch.delenv("OPENPROJECT_API_KEY", raising=False)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoServer]:
    """A freshly seeded demo server on 127.0.0.1 with a random port, in a thread."""
    server = start_demo_server(tmp_path / "demo-data", today=TODAY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def faults() -> Faults:
    """The fault switches of `faulty` (all off until a test turns one on)."""
    return Faults()


@pytest.fixture
def faulty(tmp_path: Path, faults: Faults) -> Iterator[DemoServer]:
    """A demo server of its own whose answers `faults` can delay, fail or drop."""
    server = start_demo_server(tmp_path / "faulty-data", today=TODAY, faults=faults)
    try:
        yield server
    finally:
        server.stop()


def demo_client(demo: DemoServer) -> httpx.Client:
    """A plain synchronous HTTP client authenticated as the demo user (for assertions)."""
    return httpx.Client(base_url=demo.url, auth=("apikey", demo.api_key), timeout=10)


def read_json(demo: DemoServer, path: str, **params: Any) -> Any:
    """GET a path from the demo server and return the decoded body (asserts 200)."""
    with demo_client(demo) as client:
        response = client.get(path, params={k: _param(v) for k, v in params.items()})
    assert response.status_code == 200, response.text
    return response.json()


def _param(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
