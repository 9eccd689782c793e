"""Every screen under faults: the app stays up and responsive, says what happened in words,
and shows its data once the server behaves again (r or the next visit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from optui.demo import DemoServer, start_demo_server
from optui.demo.faults import Faults
from optui.ui.screens.board import BoardScreen
from optui.ui.screens.detail import DetailScreen
from optui.ui.screens.inbox import InboxScreen
from optui.ui.screens.timesheet import TimesheetScreen
from optui.ui.screens.work_packages import WorkPackagesScreen
from tests.conftest import TODAY
from tests.ui.conftest import make_app, settle

SCREENS: list[tuple[str, str, type]] = [
    ("list", "project demo-project", WorkPackagesScreen),
    ("detail", "wp 5", DetailScreen),
    ("board", "board", BoardScreen),
    ("inbox", "inbox", InboxScreen),
    ("timesheet", "time", TimesheetScreen),
]


def messages(pilot: Pilot[Any]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


@pytest.mark.parametrize(("name", "command", "kind"), SCREENS, ids=[s[0] for s in SCREENS])
@pytest.mark.parametrize("status", [502, 503])
async def test_a_proxy_error_page_is_said_in_words_and_the_app_stays_up(
    faulty: DemoServer, faults: Faults, name: str, command: str, kind: type, status: int
) -> None:
    app = make_app(faulty)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        if name == "board":  # a board needs a project on screen
            await pilot.press("colon", *"project demo-project", "enter")
            await settle(pilot)
        faults.error_statuses = (status,)
        faults.error_rate = 1.0
        await pilot.press("colon", *command, "enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, kind)
        said = " ".join(messages(pilot))
        assert str(status) in said, said  # which error, in a sentence
        assert "<html" not in said.lower() and "<body" not in said.lower()  # not the page itself
        faults.error_rate = 0.0
        await pilot.press("r")  # every one of these screens reloads with r
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, kind)


@pytest.mark.parametrize(("name", "command", "kind"), SCREENS, ids=[s[0] for s in SCREENS])
async def test_a_dropped_connection_is_said_and_the_screen_comes_back(
    faulty: DemoServer, faults: Faults, name: str, command: str, kind: type
) -> None:
    app = make_app(faulty)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        if name == "board":
            await pilot.press("colon", *"project demo-project", "enter")
            await settle(pilot)
        faults.drop_next = 1000
        await pilot.press("colon", *command, "enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, kind)
        assert app.connection == "offline"
        faults.drop_next = 0
        for _ in range(300):  # the probe reconnects by itself
            await pilot.pause(0.02)
            if app.connection == "online":
                break
        assert app.connection == "online"
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, kind)


async def test_rate_limited_requests_wait_and_then_show_the_data(
    faulty: DemoServer, faults: Faults
) -> None:
    app = make_app(faulty)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        faults.retry_after = 0.2
        faults.rate_limit = 1  # the next request gets 429 with Retry-After
        await pilot.press("colon", *"inbox", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen) and screen.rows  # shown after waiting


async def test_a_failed_save_stays_said_while_the_form_is_checked_again(
    faulty: DemoServer, faults: Faults
) -> None:
    """Seen in tmux: 'Not saved: Server error 503…' was replaced within 100-400 ms by the
    form's hint, so ctrl+s seemed to do nothing."""
    from tests.ui.test_forms import open_edit_form, type_into

    app = make_app(faulty)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        form = await open_edit_form(pilot, 5)
        await type_into(pilot, "subject", "Kept through a 502")
        await settle(pilot)
        faults.error_statuses = (502,)
        faults.error_rate = 1.0
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = str(form.status.render())
        assert said.startswith("Not saved: Server error 502"), said
        faults.error_rate = 0.0  # the next check of the form succeeds: the failure stays said
        await pilot.press("end", "!")
        await pilot.pause(1.0)
        await settle(pilot)
        assert str(form.status.render()).startswith("Not saved: Server error 502")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, type(form))  # saved and closed


async def test_my_work_that_could_not_load_does_not_say_nothing_is_assigned(
    tmp_path: Path,
) -> None:
    from optui.ui.screens.my_work import MyWorkScreen

    server = start_demo_server(tmp_path / "data", today=TODAY)
    server.stop()
    app = make_app(server)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyWorkScreen)
        line = screen.table.render_line(1).text
        assert "Not loaded: Cannot reach the server" in line
        assert "Nothing assigned" not in line
