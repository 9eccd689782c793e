"""Requests and time each screen needs to show its data, with 50 ms of latency per request.

Runs the real app headless (Textual's Pilot) against the demo server with a fault injector
adding 50 ms before every answer, opens each screen from a warm app (the user and projects
known, as after start-up), and counts the requests until the screen's loads are done; the time
is everything until then (requests, in parallel where they can be, and drawing).
Usage: python bench/roundtrips.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.demo import start_demo_server
from optui.demo.faults import Faults
from optui.ui.app import OptuiApp

LATENCY = 0.05


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the app's loads (the unread poller never finishes, so it is left out)."""
    while busy := [
        w for w in pilot.app.workers if not w.group.startswith("poll-") and not w.is_finished
    ]:
        with suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


def recorder(app: OptuiApp) -> list[tuple[str, str]]:
    client = app.services.client
    seen: list[tuple[str, str]] = []
    send = client._send

    async def recording(method: str, path: str, **kwargs: Any) -> httpx.Response:
        seen.append((method, path.split("?")[0]))
        return await send(method, path, **kwargs)

    client._send = recording  # type: ignore[method-assign]
    return seen


SCREENS: list[tuple[str, str]] = [
    ("project list", ":project demo-project"),
    ("work package detail", ":wp 5"),
    ("edit form", "e"),
    ("status board", ":board"),
    ("inbox", ":inbox"),
    ("timesheet", ":time"),
]
"""Each screen and what opens it: a command (typed before the clock starts) or a key."""


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        faults = Faults()
        server = start_demo_server(Path(tmp) / "data", faults=faults)
        try:
            faults.latency = LATENCY
            client = OpenProjectClient(server.url, Credentials(server.api_key))
            app = OptuiApp(Services(client, ApiCache()), profile_name="bench", today=dt.date.today)
            seen = recorder(app)  # before the app starts: start-up's requests count too
            start = time.perf_counter()
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                first = time.perf_counter() - start
                print(f"with {LATENCY * 1000:.0f} ms per request:")
                print(
                    f"  start to My work (cold, no disk cache): {len(seen)} requests, "
                    f"{first * 1000:.0f} ms (all work until its loads finish)"
                )
                print("      " + ", ".join(sorted({f"{m} {p}" for m, p in seen})))
                for name, opener in SCREENS:
                    if name in ("status board", "inbox", "timesheet"):
                        await pilot.press("escape")  # back from the form or the last screen
                        await settle(pilot)
                    if opener.startswith(":"):
                        await pilot.press("colon", *opener[1:])
                        last = "enter"
                    else:
                        last = opener
                    seen.clear()
                    start = time.perf_counter()
                    await pilot.press(last)
                    await settle(pilot)
                    took = time.perf_counter() - start
                    paths = sorted({f"{m} {p}" for m, p in seen})
                    print(
                        f"  {name} ({opener}): {len(seen)} requests, {took * 1000:.0f} ms "
                        f"(all work until its loads finish)"
                    )
                    print("      " + ", ".join(paths))
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
