"""UI test helpers: an app wired to a demo server, and waiting for load workers."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from optui.api import ApiCache, Credentials, OpenProjectClient, RetryPolicy, Services
from optui.api.disk_cache import DiskCache
from optui.demo import DemoServer
from optui.ui.app import OptuiApp
from tests.conftest import TODAY

MakeApp = Callable[[DemoServer], OptuiApp]
Requests = list[tuple[str, str]]


def make_app(demo: DemoServer, profile: str = "demo", disk: DiskCache | None = None) -> OptuiApp:
    """The real app against a demo server; retries kept short so failure tests stay quick."""
    client = OpenProjectClient(
        demo.url, Credentials(demo.api_key), retry=RetryPolicy(attempts=2, base_delay=0.01)
    )
    app = OptuiApp(Services(client, ApiCache(disk)), profile_name=profile, today=lambda: TODAY)
    app.probe_delay = 0.05
    return app


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every load worker (pollers never finish), then drain messages."""
    while loads := [
        w for w in pilot.app.workers if not w.group.startswith("poll-") and not w.is_finished
    ]:
        with suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete(loads)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # snapshots must not depend on the blink phase
    await pilot.pause()
    await pilot.pause()


def record_requests(app: OptuiApp) -> Requests:
    """Every request the app sends from now on, as (method, path)."""
    client = app.services.client
    seen: Requests = []
    send = client._send

    async def recording(method: str, path: str, **kwargs: Any) -> httpx.Response:
        seen.append((method, path))
        return await send(method, path, **kwargs)

    client._send = recording  # type: ignore[method-assign]
    return seen
