"""A board with thousands of cards: time to paint, requests, time per step, a full redraw.

Runs the real app headless (Textual's Pilot) against a demo server with the large seed
(10,000 extra work packages spread over three projects) and opens the status board of a
project with about 1,000 open ones (the assignee board, which shows open work) and of the
biggest project (every status). Usage: python bench/board_1k.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.demo import start_demo_server
from optui.ui.app import OptuiApp
from optui.ui.screens.board import BoardScreen


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the app's loads (the unread poller never finishes, so it is left out)."""
    busy = [w for w in pilot.app.workers if not w.group.startswith("poll-")]
    await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def until(condition: Callable[[], bool], pilot: Pilot[None]) -> float:
    start = time.perf_counter()
    async with asyncio.timeout(60):
        while not condition():
            await pilot.pause()
    return time.perf_counter() - start


async def measure(url: str, key: str, identifier: str, kind: str) -> None:
    client = OpenProjectClient(url, Credentials(key))
    app = OptuiApp(Services(client, ApiCache()), profile_name="bench", today=dt.date.today)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *f"project {identifier}", "enter")
        await settle(pilot)
        await pilot.pause()
        before = client.requests_made
        start = time.perf_counter()
        await pilot.press("colon", *f"board {kind}", "enter")

        def painted() -> bool:
            screen = app.screen
            return isinstance(screen, BoardScreen) and screen.view.board is not None

        await until(painted, pilot)
        first = time.perf_counter() - start
        requests = client.requests_made - before
        screen = app.screen
        assert isinstance(screen, BoardScreen) and screen.view.board is not None
        view = screen.view
        board = view.board
        assert board is not None
        cards = board.card_count
        biggest = max(len(c.cards) for c in board.columns)
        redraws = []
        for _ in range(20):
            start = time.perf_counter()
            for y in range(view.size.height):
                view.render_line(y)
            redraws.append(time.perf_counter() - start)
        steps = []
        column = max(range(len(board.columns)), key=lambda i: len(board.columns[i].cards))
        await pilot.press(*["left"] * len(board.columns), *["right"] * column)
        for key in ["down"] * 60 + ["pagedown"] * 20 + ["end", "home"] + ["right", "left"] * 10:
            start = time.perf_counter()
            await pilot.press(key)
            steps.append(time.perf_counter() - start)
    await client.aclose()
    print(f"{kind} board of {identifier}: {cards} cards in {len(board.columns)} columns")
    print(f"  painted {first * 1000:.0f} ms after :board, {requests} request(s)")
    print(
        f"  full redraw of the {view.size.height} visible lines: median "
        f"{statistics.median(redraws) * 1000:.1f} ms"
    )
    print(
        f"  {len(steps)} key steps (down, page down, end/home, left/right; biggest column "
        f"{biggest} cards): median {statistics.median(steps) * 1000:.1f} ms, "
        f"max {max(steps) * 1000:.1f} ms per step"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_demo_server(Path(tmp) / "data", seed_size="large")
        try:
            await measure(server.url, server.api_key, "demo-project", "assignee")
            await measure(server.url, server.api_key, "demo-project", "status")
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
