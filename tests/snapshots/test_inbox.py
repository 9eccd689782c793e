"""Snapshots of the inbox: unread rows at both sizes, and everything with the preview open.

Ages are computed from a fixed "now" given to the screen (the seed's 17:00 on the test day),
so "3 h ago" stays "3 h ago" whenever the tests run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.demo import DemoServer
from optui.ui.screens.inbox import InboxScreen
from tests.ui.conftest import make_app, settle

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
NOW = dt.datetime(2026, 11, 2, 17, 0, tzinfo=dt.UTC)


async def open_inbox(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.app.push_screen(InboxScreen(now=lambda: NOW))
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_inbox(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=open_inbox)


def test_inbox_all_with_preview(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def preview(pilot: Pilot[Any]) -> None:
        await open_inbox(pilot)
        await pilot.press("u", "j", "space")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=preview)
