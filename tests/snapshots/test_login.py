"""Snapshots of the login screen: first start, and a refused key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from optui.connect import AppConnector
from optui.demo import DemoServer
from optui.ui.app import OptuiApp
from tests.ui.conftest import settle

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_login(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(
        OptuiApp(None, connector=AppConnector()), terminal_size=size, run_before=settle
    )


def test_login_refused(demo: DemoServer, snap_compare: SnapCompare) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#login-url", Input).value = "http://127.0.0.1:9"
        pilot.app.screen.query_one("#login-key", Input).value = "wrong"
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(
        OptuiApp(None, connector=AppConnector()), terminal_size=(120, 40), run_before=refused
    )
