"""Snapshots of My work, a work package list (plain, grouped, filtered) and the detail view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.demo import DemoServer
from tests.ui.conftest import make_app, settle

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


async def command(pilot: Pilot[Any], line: str) -> None:
    await settle(pilot)
    await pilot.press("colon", *line, "enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_my_work(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_list(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def open_list(pilot: Pilot[Any]) -> None:
        await command(pilot, "project your-scrum-project")

    assert snap_compare(make_app(demo), terminal_size=size, run_before=open_list)


def test_list_grouped_and_filtered(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def group(pilot: Pilot[Any]) -> None:
        await command(pilot, "project demo-project")
        await pilot.press("f", *"type:Bug", "enter")
        await settle(pilot)
        await pilot.press("b", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=group)


def test_filter_error(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def bad_filter(pilot: Pilot[Any]) -> None:
        await command(pilot, "project demo-project")
        await pilot.press("f", *"stauts:open", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=bad_filter)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_detail(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def open_detail(pilot: Pilot[Any]) -> None:
        await command(pilot, "wp 5")
        await settle(pilot)

    assert snap_compare(make_app(demo), terminal_size=size, run_before=open_detail)


def test_comment_with_names_to_mention(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def mention(pilot: Pilot[Any]) -> None:
        from optui.ui.screens.comment import CommentScreen

        await command(pilot, "wp 5")
        await settle(pilot)
        await pilot.press("c")
        for _ in range(300):
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if isinstance(screen, CommentScreen) and screen.people:
                break
        await pilot.press(*"Thanks @")
        await pilot.pause()

    assert snap_compare(make_app(demo), terminal_size=(100, 30), run_before=mention)
