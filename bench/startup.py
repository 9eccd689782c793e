"""Time from launching optui to its first painted data (My work's rows), in a real terminal.

Runs each command in a detached tmux session (120x40) and polls the screen until the marker
text appears; a bare Textual app (Header, a 50-row DataTable, Footer) is timed the same way as
the floor. Two optui cases: `optui --demo` (the demo server starts inside the process and
shares its interpreter) and `optui` against a demo server already running in another process
(what using a real instance costs the client). Prints medians. Needs tmux.
Usage: python bench/startup.py [runs]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App[None]):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "subject")
        for n in range(50):
            table.add_row(str(n), f"row {n} ready")

Bare().run()
"""


def time_to_marker(command: str, marker: str, env: str = "", timeout: float = 30.0) -> float:
    session = f"bench{time.monotonic_ns()}"
    start = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"{env} {command}"],
        check=True,
    )
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise TimeoutError(f"{marker!r} did not appear within {timeout} s")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


MARKER = "assigned, "
"""My work's summary line, written when its data is painted (`N assigned, M watched`)."""


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("bench/startup.py needs tmux")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        env = f"XDG_DATA_HOME={tmp}/data XDG_CACHE_HOME={tmp}/cache XDG_STATE_HOME={tmp}/state"
        # the first run seeds the demo database; later runs open the persisted one
        seeded = time_to_marker(f"{python} -m optui --demo", MARKER, env)
        in_process = [time_to_marker(f"{python} -m optui --demo", MARKER, env) for _ in range(runs)]
        server = subprocess.Popen(
            [python, "-m", "optui", "demo-server", "--data", f"{tmp}/server"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split()[-1]
            key = server.stdout.readline().split()[-1]
            remote_env = f"{env} OPENPROJECT_URL={url} OPENPROJECT_API_KEY={key}"
            remote = [time_to_marker(f"{python} -m optui", MARKER, remote_env) for _ in range(runs)]
        finally:
            server.terminate()
            server.wait(timeout=20)
        floor = [time_to_marker(f"{python} {bare}", "row 20 ready") for _ in range(runs)]
    median_floor = statistics.median(floor)
    print(f"optui --demo, first run (seeds the demo data): {seeded * 1000:.0f} ms")
    for name, times in (
        ("optui --demo (server in the process)", in_process),
        ("optui against a running server", remote),
    ):
        median = statistics.median(times)
        print(
            f"{name} to painted My work, median of {runs}: {median * 1000:.0f} ms "
            f"({median / median_floor:.2f}x the floor)"
        )
    print(f"bare Textual app to painted table, median of {runs}: {median_floor * 1000:.0f} ms")


if __name__ == "__main__":
    main()
