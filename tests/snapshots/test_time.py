"""Snapshots of time logging: the week's timesheet and the log form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.demo import DemoServer
from tests.ui.conftest import make_app, settle

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_timesheet(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def open_sheet(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("colon", *"time", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=size, run_before=open_sheet)


def test_log_form_with_a_bad_duration(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def open_form(pilot: Pilot[Any]) -> None:
        from optui.ui.screens.log_time import LogTimeScreen

        await settle(pilot)
        await pilot.press("colon", *"wp 5", "enter")
        await settle(pilot)
        await pilot.press("t")
        for _ in range(200):
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if isinstance(screen, LogTimeScreen) and isinstance(screen.activity.value, str):
                break
        await pilot.press(*"2h 90", "enter")
        await pilot.pause()

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=open_form)
