"""Requests and time each screen needs to show its data, with 50 ms of latency per request.

Runs the real app headless (Textual's Pilot) against the demo server with a fault injector
adding 50 ms before every answer, opens each screen from a warm app (the user and projects
known, as after start-up), and counts the requests until the screen's loads are done. The time
divided by 50 ms is roughly the number of sequential round trips. Usage: python bench/roundtrips.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from collections.abc import Awaitable, Callable
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


async def keys(pilot: Pilot[None], *pressed: str) -> None:
    await pilot.press(*pressed)


SCREENS: list[tuple[str, Callable[[Pilot[None]], Awaitable[None]]]] = [
    (
        "project list (:project demo-project)",
        lambda p: keys(p, "colon", *"project demo-project", "enter"),
    ),
    ("work package detail (:wp 5)", lambda p: keys(p, "colon", *"wp 5", "enter")),
    ("edit form (e on #5)", lambda p: keys(p, "e")),
    ("status board (:board)", lambda p: keys(p, "colon", *"board", "enter")),
    ("inbox (:inbox)", lambda p: keys(p, "colon", *"inbox", "enter")),
    ("timesheet (:time)", lambda p: keys(p, "colon", *"time", "enter")),
]


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        faults = Faults()
        server = start_demo_server(Path(tmp) / "data", faults=faults)
        try:
            faults.latency = LATENCY
            client = OpenProjectClient(server.url, Credentials(server.api_key))
            app = OptuiApp(Services(client, ApiCache()), profile_name="bench", today=dt.date.today)
            async with app.run_test(size=(120, 40)) as pilot:
                seen = recorder(app)
                start = time.perf_counter()
                await settle(pilot)
                first = time.perf_counter() - start
                print(f"with {LATENCY * 1000:.0f} ms per request:")
                print(
                    f"  start to My work: {len(seen)} requests, {first * 1000:.0f} ms "
                    f"(~{first / LATENCY:.0f} round trips in sequence)"
                )
                for name, steps in SCREENS:
                    seen.clear()
                    if name.startswith(
                        ("work package detail", "status board", "inbox", "timesheet")
                    ):
                        await pilot.press("escape")  # back to where the command makes sense
                        await settle(pilot)
                        seen.clear()
                    start = time.perf_counter()
                    await steps(pilot)
                    await settle(pilot)
                    took = time.perf_counter() - start
                    paths = sorted({f"{m} {p}" for m, p in seen})
                    print(
                        f"  {name}: {len(seen)} requests, {took * 1000:.0f} ms "
                        f"(~{took / LATENCY:.0f} round trips in sequence)"
                    )
                    print("      " + ", ".join(paths))
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
