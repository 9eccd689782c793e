"""`optui --demo`'s server in a child process: it starts on another core while the UI starts.

The parent binds the listening socket and reads (or makes) the API key, so the URL and key are
known at once; connections made before the child serves wait in the socket's backlog. The child
is `optui demo-server --listen-fd N --exit-with-stdin`: it serves that socket and stops when its
stdin closes, which happens when the parent exits for any reason (even when killed). Its
messages go to a log file, never to the terminal the UI draws on.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from optui.demo import bind_socket, listen_url, load_or_create_key


@dataclass
class DemoProcess:
    """A demo server running as `optui demo-server` in a child process."""

    url: str
    api_key: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    _stopping: bool = field(default=False, repr=False)

    def failure(self) -> str | None:
        """Why the server ended on its own (its last log line), or None while it runs or
        after a clean stop."""
        code = self.process.poll()
        if code is None or code == 0:
            return None
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        last = next((line.strip() for line in reversed(lines) if line.strip()), "")
        return f"exit status {code}" + (f": {last}" if last else "")

    def on_exit(self, listener: Callable[[str], None]) -> None:
        """Call `listener(why)` (from a thread) if the server ends before `stop()` is called."""

        def watch() -> None:
            self.process.wait()
            if not self._stopping:
                listener(self.failure() or f"exit status {self.process.returncode}")

        threading.Thread(target=watch, name="optui-demo-watch", daemon=True).start()

    def stop(self, timeout: float = 10.0) -> None:
        """Close its stdin (it stops serving), wait, and kill it if it does not end."""
        self._stopping = True
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)


def spawn_demo_server(data_dir: Path, *, log_path: Path, reset: bool = False) -> DemoProcess:
    """Start the demo server in a child process on a free loopback port; returns at once."""
    key = load_or_create_key(data_dir)
    sock = bind_socket("127.0.0.1", 0)
    url = listen_url(sock)
    command = [
        sys.executable,
        "-m",
        "optui",
        "demo-server",
        "--data",
        str(data_dir),
        "--listen-fd",
        str(sock.fileno()),
        "--exit-with-stdin",
    ]
    if reset:
        command.append("--reset")
    log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # 0600 like every file optui writes (a server's errors may quote requests)
        with os.fdopen(
            os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab"
        ) as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(sock.fileno(),),
                start_new_session=True,  # the terminal's signals are the UI's, not the server's
            )
    finally:
        sock.close()  # the child holds it now: when the child ends, connections are refused
    return DemoProcess(url=url, api_key=key, data_dir=data_dir, log_path=log_path, process=process)
