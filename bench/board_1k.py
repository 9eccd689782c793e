"""A board with thousands of cards: time to paint, requests, time per step, a full redraw.

Runs the real app headless (Textual's Pilot) against a demo server with the large seed
(10,000 extra work packages spread over three projects) and opens the status board of the
biggest project (every status, about 10,000 cards), then narrows it to about 1,000 cards with
`/` (a word of the subjects) and measures again. Usage: python bench/board_1k.py
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
from optui.demo import start_demo_server
from optui.ui.app import OptuiApp
from optui.ui.screens.board import BoardScreen


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the app's loads (the unread poller never finishes, so it is left out)."""
    while busy := [
        w for w in pilot.app.workers if not w.group.startswith("poll-") and not w.is_finished
    ]:
        with suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def until(condition: Callable[[], bool], pilot: Pilot[None]) -> float:
    start = time.perf_counter()
    async with asyncio.timeout(60):
        while not condition():
            await pilot.pause()
    return time.perf_counter() - start


async def steps_and_redraw(pilot: Pilot[None], screen: BoardScreen) -> str:
    """Time a full redraw of the board and a walk through its biggest column by keys."""
    view = screen.view
    board = view.board
    assert board is not None
    height = view.size.height
    redraws = []
    for _ in range(20):
        start = time.perf_counter()
        for y in range(height):
            view.render_line(y)
        redraws.append(time.perf_counter() - start)
    column = max(range(len(board.columns)), key=lambda i: len(board.columns[i].cards))
    await pilot.press(*["left"] * len(board.columns), *["right"] * column, "home")
    steps = []
    for key in ["down"] * 60 + ["pagedown"] * 20 + ["end", "home"] + ["right", "left"] * 10:
        start = time.perf_counter()
        await pilot.press(key)
        steps.append(time.perf_counter() - start)
    biggest = len(board.columns[column].cards)
    return (
        f"{board.card_count} cards in {len(board.columns)} columns (biggest {biggest}): "
        f"full redraw of the {height} visible lines median "
        f"{statistics.median(redraws) * 1000:.1f} ms; {len(steps)} key steps (down, page "
        f"down, end/home, left/right) median {statistics.median(steps) * 1000:.1f} ms, "
        f"max {max(steps) * 1000:.1f} ms (Pilot's own round trip included)"
    )


async def measure(url: str, key: str, identifier: str) -> None:
    client = OpenProjectClient(url, Credentials(key))
    app = OptuiApp(Services(client, ApiCache()), profile_name="bench", today=dt.date.today)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *f"project {identifier}", "enter")
        await settle(pilot)
        before = client.requests_made
        start = time.perf_counter()
        await pilot.press("colon", *"board", "enter")

        def painted() -> bool:
            screen = app.screen
            return isinstance(screen, BoardScreen) and screen.view.board is not None

        await until(painted, pilot)
        first = time.perf_counter() - start
        requests = client.requests_made - before
        screen = app.screen
        assert isinstance(screen, BoardScreen) and screen.board is not None
        full = screen.board.card_count
        print(f"status board of {identifier} (subprojects included): {full} cards")
        print(f"  painted {first * 1000:.0f} ms after :board, {requests} request(s)")
        print("  " + await steps_and_redraw(pilot, screen))
        # about 1,000 of them: the word of the subjects whose find leaves closest to 1,000
        words: dict[str, int] = {}
        for column in screen.board.columns:
            for card in column.cards:
                for word in set(card.subject.casefold().split()):
                    words[word] = words.get(word, 0) + 1
        word = min(words, key=lambda w: abs(words[w] - 1000))
        await pilot.press("slash", *word, "enter")
        await settle(pilot)
        print(f"  found with / {word!r} (no request):")
        print("  " + await steps_and_redraw(pilot, screen))
    await client.aclose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_demo_server(Path(tmp) / "data", seed_size="large")
        try:
            await measure(server.url, server.api_key, "demo-project")
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
