"""`optui --demo`'s server as a child process: serves at once, ends with its parent, says why
it failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from optui.demo import DemoServer
from optui.demo.process import spawn_demo_server


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); its state says it has ended
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _wait_gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_serves_the_url_and_key_it_returns_and_stops_cleanly(tmp_path: Path) -> None:
    server = spawn_demo_server(tmp_path / "data", log_path=tmp_path / "demo.log")
    try:
        # asked before the child serves: the request waits in the socket's queue, not refused
        answer = httpx.get(
            f"{server.url}/api/v3/users/me", auth=("apikey", server.api_key), timeout=60
        )
        assert answer.status_code == 200
        assert answer.json()["login"] == "demo"
        assert server.failure() is None
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert server.failure() is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/api/v3", timeout=5)


def test_the_server_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    parent_code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from optui.demo.process import spawn_demo_server\n"
        f"s = spawn_demo_server(Path({str(tmp_path / 'data')!r}), "
        f"log_path=Path({str(tmp_path / 'demo.log')!r}))\n"
        "print(s.process.pid, s.url, s.api_key, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pid_text, url, key = parent.stdout.readline().split()
        child = int(pid_text)
        answer = httpx.get(f"{url}/api/v3/users/me", auth=("apikey", key), timeout=60)
        assert answer.status_code == 200
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert _wait_gone(child), "the demo server outlived the optui that started it"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        if parent.stdout is not None:
            parent.stdout.close()


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo.sqlite3").write_bytes(b"this is not a database" * 100)
    server = spawn_demo_server(data, log_path=tmp_path / "demo.log")
    try:
        server.process.wait(60)
        failure = server.failure()
        assert failure is not None
        assert failure.startswith("exit status 1")
        assert "database" in failure.lower()
        # nobody serves the socket any more: a client is refused instead of waiting forever
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{server.url}/api/v3", timeout=5)
    finally:
        server.stop()


def test_optui_demo_runs_the_app_against_its_child_server_and_stops_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from optui import paths
    from optui.cli import main
    from optui.ui.app import OptuiApp

    demo_dir = paths.demo_data_dir()
    seen: dict[str, object] = {}

    def run(app: OptuiApp) -> None:  # instead of taking over the terminal
        async def ask() -> str:
            try:
                return (await app.services.me()).name
            finally:
                await app.services.aclose()

        seen["user"] = asyncio.run(ask())
        seen["profile"] = app.profile_label
        seen["pids"] = [
            int(pid)
            for pid in os.listdir("/proc")
            if pid.isdigit() and f"--data {demo_dir} " in _cmdline(int(pid))
        ]

    monkeypatch.setattr(OptuiApp, "run", run)
    assert main(["--demo"]) == 0
    assert seen["user"] == "Demo User"
    assert seen["profile"] == "demo"
    pids = seen["pids"]
    assert isinstance(pids, list) and len(pids) >= 1
    for pid in pids:
        assert _wait_gone(pid), "optui left its demo server running"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_the_parent_hears_when_its_server_ends_but_not_when_it_stops_it(tmp_path: Path) -> None:
    import threading

    heard: list[str] = []
    ended = threading.Event()

    def listener(why: str) -> None:
        heard.append(why)
        ended.set()

    killed = spawn_demo_server(tmp_path / "a", log_path=tmp_path / "a.log")
    killed.on_exit(listener)
    killed.process.send_signal(signal.SIGKILL)
    assert ended.wait(15)
    assert heard == [f"exit status {-signal.SIGKILL}"]
    killed.stop()

    heard.clear()
    stopped = spawn_demo_server(tmp_path / "b", log_path=tmp_path / "b.log")
    stopped.on_exit(listener)
    stopped.stop()
    time.sleep(0.3)
    assert heard == []  # a stop asked for is not news
    assert (tmp_path / "b.log").stat().st_mode & 0o777 == 0o600


async def test_the_app_says_its_demo_server_stopped(demo: DemoServer) -> None:
    from optui.ui.widgets.status_bar import StatusBar
    from tests.ui.conftest import make_app

    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.server_process_ended("exit status -9")
        await pilot.pause()
        bar = str(app.screen.query_one(StatusBar).render())
        assert "the demo server stopped: quit and run optui --demo again" in bar
        said = [notification.message for notification in app._notifications]
        assert any("The demo server stopped (exit status -9)" in text for text in said)
