"""Make the SVG screenshots in this folder from the running app against a fresh demo server.

Usage: python screenshots/make.py   (never edit the SVGs by hand; run this again instead)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import suppress
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from optui.api import ApiCache, Credentials, OpenProjectClient, Services
from optui.demo import DemoServer, start_demo_server
from optui.ui.app import OptuiApp

HERE = Path(__file__).resolve().parent
SIZES = [(80, 24), (120, 40)]
DAY = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the app's loads (the unread poller never finishes, so it is left out)."""
    while busy := [
        w for w in pilot.app.workers if not w.group.startswith("poll-") and not w.is_finished
    ]:
        with suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def command(pilot: Pilot[None], line: str) -> None:
    await settle(pilot)
    await pilot.press("colon", *line, "enter")
    await settle(pilot)


async def my_work(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def projects(pilot: Pilot[None]) -> None:
    await command(pilot, "projects")


async def command_mode(pilot: Pilot[None]) -> None:
    await projects(pilot)
    await pilot.press("colon", *"project your")
    await pilot.pause()


async def work_packages(pilot: Pilot[None]) -> None:
    await command(pilot, "project demo-project")


async def grouped(pilot: Pilot[None]) -> None:
    await work_packages(pilot)
    await pilot.press("f", *"type:Bug,Task", "enter")
    await settle(pilot)
    await pilot.press("b", "down", "enter")
    await settle(pilot)


async def detail(pilot: Pilot[None]) -> None:
    await command(pilot, "wp 5")


async def edit_form(pilot: Pilot[None]) -> None:
    await command(pilot, "wp 5")
    await pilot.press("e")
    await settle(pilot)
    await pilot.pause(0.3)


async def board(pilot: Pilot[None]) -> None:
    await work_packages(pilot)
    await command(pilot, "board")
    await pilot.press("right", "down")
    await settle(pilot)


async def saved_board(pilot: Pilot[None]) -> None:
    await command(pilot, "project your-scrum-project")
    await command(pilot, "board Task board")
    for _ in range(50):
        await pilot.pause(0.05)
        if str(getattr(pilot.app.screen, "current_tab", "")).startswith("saved-"):
            break
    await settle(pilot)


async def timesheet(pilot: Pilot[None]) -> None:
    await command(pilot, "time")


async def inbox(pilot: Pilot[None]) -> None:
    await command(pilot, "inbox")


async def help_screen(pilot: Pilot[None]) -> None:
    await work_packages(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


SHOTS: dict[str, Steps] = {
    "my-work": my_work,
    "projects": projects,
    "command": command_mode,
    "work-packages": work_packages,
    "grouped": grouped,
    "detail": detail,
    "edit-form": edit_form,
    "board": board,
    "saved-board": saved_board,
    "inbox": inbox,
    "timesheet": timesheet,
    "help": help_screen,
}
THEMES = {"": "optui-dark", "-ansi": "ansi-dark"}


async def shoot(
    server: DemoServer, name: str, steps: Steps, size: tuple[int, int], suffix: str, theme: str
) -> Path:
    client = OpenProjectClient(server.url, Credentials(server.api_key))
    app = OptuiApp(
        Services(client, ApiCache()),
        profile_name="demo",
        today=lambda: DAY,
        theme=theme,
        now=lambda: NOW,
    )
    async with app.run_test(size=size) as pilot:
        await steps(pilot)
        path = HERE / f"{name}-{size[0]}x{size[1]}{suffix}.svg"
        await pilot.pause(0.1)  # a tab's underline slides over: start 20 ms late, 300 ms long
        await pilot.wait_for_animation()
        path.write_text(app.export_screenshot(title=f"optui — {name}"), encoding="utf-8")
    return path


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_demo_server(Path(tmp), today=DAY)
        try:
            for name, steps in SHOTS.items():
                for size in SIZES:
                    for suffix, theme in THEMES.items():
                        path = await shoot(server, name, steps, size, suffix, theme)
                        print(path, file=sys.stderr)
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
