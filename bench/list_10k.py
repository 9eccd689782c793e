"""A list of 10,000+ work packages: first rows, jump to the end, scrolling, requests, memory.

Runs the real app headless (Textual's Pilot) against a demo server with the large seed.
Usage: python bench/list_10k.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.api.browsing import ListSpec
from optui.demo import start_demo_server
from optui.ui.app import OptuiApp
from optui.ui.screens.work_packages import WorkPackagesScreen


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the app's loads (the unread poller never finishes, so it is left out)."""
    while busy := [
        w for w in pilot.app.workers if not w.group.startswith("poll-") and not w.is_finished
    ]:
        with suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def until(condition: Callable[[], bool], pilot: Pilot[None]) -> float:
    """Seconds until `condition` holds, pausing the app between checks (30 s at most)."""
    start = time.perf_counter()
    async with asyncio.timeout(30):
        while not condition():
            await pilot.pause()
    return time.perf_counter() - start


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_demo_server(Path(tmp) / "data", seed_size="large")
        try:
            client = OpenProjectClient(server.url, Credentials(server.api_key))
            app = OptuiApp(Services(client, ApiCache()), profile_name="bench", today=dt.date.today)
            probe = Services(OpenProjectClient(server.url, Credentials(server.api_key)))
            start = time.perf_counter()
            await probe.page(ListSpec(title="probe"), 1)
            response = time.perf_counter() - start  # the server's share of the first paint
            await probe.aclose()
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                await pilot.pause()
                before_rss, before = rss_mib(), client.requests_made
                start = time.perf_counter()
                await pilot.press("colon", *"all", "enter")

                def first_rows() -> bool:
                    screen = app.screen
                    return isinstance(screen, WorkPackagesScreen) and (
                        screen.table.source.count > 0
                    )

                await until(first_rows, pilot)
                first = time.perf_counter() - start
                screen = app.screen
                assert isinstance(screen, WorkPackagesScreen)
                table = screen.table
                total = table.source.count
                first_requests = client.requests_made - before
                start = time.perf_counter()
                await pilot.press("G")
                await until(
                    lambda: table.highlighted is not None and table.cursor == total - 1, pilot
                )
                end_time = time.perf_counter() - start
                await pilot.press("g")
                await until(lambda: table.highlighted is not None, pilot)
                steps = []
                for _ in range(40):
                    start = time.perf_counter()
                    await pilot.press("pagedown")
                    await until(lambda: table.highlighted is not None, pilot)
                    steps.append(time.perf_counter() - start)
                requests = client.requests_made - before
                after_rss = rss_mib()
        finally:
            server.stop()
    print(f"list of {total} work packages (all projects, open):")
    print(
        f"  first rows painted {first * 1000:.0f} ms after the command, "
        f"{first_requests} request(s); the first page's response alone takes "
        f"{response * 1000:.0f} ms, so the app paints {(first - response) * 1000:.0f} ms "
        f"after it"
    )
    print(f"  jump to the end (G): {end_time * 1000:.0f} ms")
    print(
        f"  page down x40: median {statistics.median(steps) * 1000:.0f} ms per step, "
        f"max {max(steps) * 1000:.0f} ms (includes loading each new page)"
    )
    print(f"  requests for all of the above: {requests}")
    print(
        f"  RSS of the process (app + demo server): {before_rss:.0f} MiB before, "
        f"{after_rss:.0f} MiB after"
    )


if __name__ == "__main__":
    asyncio.run(main())
