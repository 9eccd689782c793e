"""Snapshots of the project tree at 80x24 and 120x40: loaded, command mode, help, offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.demo import DemoServer
from tests.ui.conftest import make_app, settle

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]


async def projects(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_project_tree(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=projects)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_command_mode(demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    async def type_command(pilot: Pilot[Any]) -> None:
        await projects(pilot)
        await pilot.press("colon", *"project your")
        await pilot.pause()

    assert snap_compare(make_app(demo), terminal_size=size, run_before=type_command)


def test_help(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def open_help(pilot: Pilot[Any]) -> None:
        await projects(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(demo), terminal_size=(120, 40), run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_server_unreachable(
    demo: DemoServer, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    app = make_app(demo)
    demo.stop()
    assert snap_compare(app, terminal_size=size, run_before=projects)
