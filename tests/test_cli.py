"""The command line: flags, clear start-up errors, and `optui demo-server` as a real process."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from optui import __version__
from optui.cli import main


def run_optui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def test_version() -> None:
    run = run_optui("--version")
    assert run.returncode == 0
    assert run.stdout.strip() == f"optui {__version__}"


def test_help_names_the_commands_and_flags() -> None:
    run = run_optui("--help")
    assert run.returncode == 0
    for word in ("--demo", "--demo-reset", "--url", "demo-server", "OPENPROJECT_API_KEY"):
        assert word in run.stdout


def test_a_bad_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--url", "openproject.example.com"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


def start_server(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "optui", "demo-server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    second = process.stdout.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+", first)
    assert url is not None, first
    assert second.startswith("API key: ")
    return process, url.group(0), second.removeprefix("API key: ").strip()


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=20)  # also closes the pipes
    return process.returncode


def test_demo_server_prints_url_and_key_and_serves(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process, url, key = start_server("--data", str(data))
    try:
        answer = httpx.get(f"{url}/api/v3/users/me", auth=("apikey", key), timeout=10)
        assert answer.status_code == 200
        assert answer.json()["login"] == "demo"
        refused = httpx.get(f"{url}/api/v3/users/me", auth=("apikey", "wrong"), timeout=10)
        assert refused.status_code == 401
    finally:
        assert stop(process) == 0
    key_file = data / "api-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # the key is generated once: a restart on the same data keeps it
    process, _, again = start_server("--data", str(data))
    try:
        assert again == key
    finally:
        stop(process)


def test_demo_server_takes_the_given_key(tmp_path: Path) -> None:
    process, url, key = start_server("--data", str(tmp_path), "--api-key", "my-test-key")
    try:
        assert key == "my-test-key"
        answer = httpx.get(f"{url}/api/v3", headers={"Authorization": "Bearer my-test-key"})
        assert answer.status_code == 200
    finally:
        stop(process)


def test_demo_server_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    process, url, _ = start_server("--data", str(tmp_path / "a"))
    try:
        port = url.rsplit(":", 1)[1]
        run = run_optui("demo-server", "--data", str(tmp_path / "b"), "--port", port)
        assert run.returncode == 2
        assert "cannot serve on 127.0.0.1" in run.stderr
        assert "Traceback" not in run.stderr
    finally:
        stop(process)


def test_the_profile_settings_reach_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """theme, refresh_seconds and notifications_seconds from config.toml are used."""
    from optui import config
    from optui.ui.app import OptuiApp

    profile = config.Profile(
        name="work",
        url="https://openproject.example.com",
        theme="light",
        refresh_seconds=30,
        notifications_seconds=120,
        timer_rounding_minutes=15,
    )
    config.save(config.Config().with_profile(profile, make_default=True))
    monkeypatch.setenv("OPENPROJECT_API_KEY", "a-key-for-the-test")
    started: list[OptuiApp] = []
    monkeypatch.setattr(OptuiApp, "run", lambda self, *a, **k: started.append(self))
    assert main([]) == 0
    (app,) = started
    assert (app.theme, app.refresh_seconds, app.unread_seconds) == ("optui-light", 30, 120)
    assert app.timer_rounding == 15


def test_demo_server_fault_switches(tmp_path: Path) -> None:
    """`--error-rate 1 --error-statuses 503` answers every request with a proxy's HTML page."""
    process, url, key = start_server(
        "--data", str(tmp_path), "--error-rate", "1", "--error-statuses", "503", "--latency", "0.05"
    )
    try:
        answer = httpx.get(f"{url}/api/v3/projects", auth=("apikey", key), timeout=10)
        assert answer.status_code == 503
        assert "text/html" in answer.headers["content-type"]
    finally:
        assert stop(process) in (0, -signal.SIGINT, 130)


def test_demo_server_refuses_a_bad_error_rate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-server", "--error-rate", "2"]) == 2
    assert "--error-rate is a share from 0 to 1" in capsys.readouterr().err
