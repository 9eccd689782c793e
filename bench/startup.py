"""Time from launching optui to its first painted data (My work's rows), in a real terminal.

Runs each command in a detached tmux session (120x40) and polls the screen until the marker
text appears; a bare Textual app (Header, a 50-row DataTable, Footer) is timed the same way as
the floor. Two optui cases: `optui --demo` (which starts the demo server as its child process)
and `optui` against a demo server already running (what using a real instance costs the
client), once answering at once and once after 1.5 s (the cached data is painted before the
server answers). Warm starts: the first run of each fills the disk cache and is reported on its
own. Prints medians and every run. Needs tmux.
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
        _wait_for_demo_children()


def _wait_for_demo_children(timeout: float = 15.0) -> None:
    """Let the demo server of `optui --demo` end (it stops when optui is gone) before the next
    run starts, so that no run shares the machine with the last one's leftovers."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = subprocess.run(
            ["pgrep", "-f", "demo-server.*--exit-with-stdin"], capture_output=True
        )
        if found.returncode != 0:
            return
        time.sleep(0.02)


MARKER = "assigned, "
"""My work's summary line, written when its data is painted (`N assigned, M watched`)."""


def main() -> None:
    if shutil.which("tmux") is None:
        sys.exit("bench/startup.py needs tmux")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    # an idle session keeps the tmux server up between runs (else a run may start while the
    # server of the last one is exiting, and tmux refuses it)
    anchor = f"bench-anchor{time.monotonic_ns()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", anchor, "sleep 86400"], check=True)
    try:
        _compare(runs)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", anchor], capture_output=True)


def _against_server(
    python: str, tmp: str, env: str, name: str, runs: int, *server_args: str
) -> tuple[float, list[float]]:
    """A first (cold) run against a demo server in its own process, then `runs` warm ones."""
    server = subprocess.Popen(
        [python, "-m", "optui", "demo-server", "--data", f"{tmp}/{name}", *server_args],
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
        cold = time_to_marker(f"{python} -m optui", MARKER, remote_env)
        warm = [time_to_marker(f"{python} -m optui", MARKER, remote_env) for _ in range(runs)]
    finally:
        server.terminate()
        server.wait(timeout=20)
    return cold, warm


def _compare(runs: int) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        env = f"XDG_DATA_HOME={tmp}/data XDG_CACHE_HOME={tmp}/cache XDG_STATE_HOME={tmp}/state"
        # the first run seeds the demo database; later runs open the persisted one
        seeded = time_to_marker(f"{python} -m optui --demo", MARKER, env)
        demo_runs = [time_to_marker(f"{python} -m optui --demo", MARKER, env) for _ in range(runs)]
        cold, remote = _against_server(python, tmp, env, "server", runs)
        slow_cold, slow = _against_server(python, tmp, env, "slow", runs, "--latency", "1.5")
        floor = [time_to_marker(f"{python} {bare}", "row 20 ready") for _ in range(runs)]
    median_floor = statistics.median(floor)
    print(f"optui --demo, first run (seeds the demo data): {seeded * 1000:.0f} ms")
    print(f"optui against a running server, first run (empty disk cache): {cold * 1000:.0f} ms")
    print(
        "optui against a server answering after 1.5 s, first run (empty disk cache): "
        f"{slow_cold * 1000:.0f} ms"
    )
    for name, times in (
        ("optui --demo (server in a child process)", demo_runs),
        ("optui against a running server", remote),
        ("optui against a server answering after 1.5 s", slow),
    ):
        median = statistics.median(times)
        print(
            f"{name}, warm, to painted My work, median of {runs}: {median * 1000:.0f} ms "
            f"({median / median_floor:.2f}x the floor)  [{_ms(times)}]"
        )
    print(
        f"bare Textual app to painted table, median of {runs}: {median_floor * 1000:.0f} ms"
        f"  [{_ms(floor)}]"
    )


def _ms(times: list[float]) -> str:
    return " ".join(f"{t * 1000:.0f}" for t in times)


if __name__ == "__main__":
    main()
